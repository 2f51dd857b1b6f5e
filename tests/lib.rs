//! hostwiz's integration tests, as one binary that links once (`cargo test --test suite`).
//!
//! One module per area, named after what it tests: `cargo test --test suite check::` runs the
//! tests of `check`, and the test of a feature is found by its module's name. Runs of the binary
//! go through [`Test`] (`test.rs`) unless a test drives the process itself (a pty, SIGKILL);
//! `support` holds what several areas share.
//!
//! The terminal tests (`tui_e2e`, `tui_safety`, `plain`) and the killed-write tests (`faults`)
//! live here too: each drives its own child process (a pty of its own, its own SIGKILL, its
//! own mount namespace) and changes nothing process-wide, so they need no binary of their own.
//! The one process-wide setting is `migrate`'s `HOSTWIZ_TODAY` (its library calls read the
//! date); every other test that depends on the date pins it on the runs it makes.

mod test;

pub(crate) use test::Test;

/// What several areas share: the real validators, Caddy's routing decision, the pseudo-terminal
/// driver and the benchmarks' generated manifest stream.
mod support {
    pub mod caddy_json;
    #[cfg(unix)]
    pub mod pty;
    pub mod stream;
    pub mod terraform;
    pub mod validators;
}

mod amplification;
mod answer_keys;
mod aws;
mod azure;
mod bounded_reads;
mod caddy_adapted;
mod caddy_cases;
mod caddy_reading;
mod check;
mod check_formats;
mod checklist_commands;
mod cli;
mod compose_refs;
mod encodings;
mod exhaustive;
mod faults;
mod files_start;
mod fresh_clone;
mod gcp_services;
mod generate_secrets;
mod hostile;
mod ingest_compose;
mod ingest_k8s;
mod integration_tools;
mod migrate;
mod plain;
mod properties;
mod readme;
mod releases;
mod rules;
mod schema;
mod snapshots;
mod starter_corpus;
mod startup_rules;
mod terminal_escapes;
mod terraform_locals;
mod terraform_values;
mod tree_bounds;
mod tui_e2e;
mod tui_safety;
mod validators;
mod write_safety;
mod yaml_fast;
