//! hostwiz: answers → plan → contracts → files, for the SaaS starter's three hosts.
//!
//! Everything testable lives here, with no terminal in it; `main.rs` only installs the error
//! reporter and calls [`cli::run`].

pub mod answers;
pub mod apply;
pub mod catalog;
pub mod check;
pub mod cli;
pub mod contracts;
pub mod error;
pub mod fault;
pub mod ingest;
pub mod migrate;
pub mod names;
pub mod plan;
pub mod presets;
pub mod prompt;
pub mod questions;
pub mod render;
pub mod report;
pub mod services_review;
pub mod session;
pub mod source;
pub mod terminal;
pub mod tui;
pub mod wizard;
pub mod write;

pub use answers::{Answers, Host, RawAnswers, WorkerMode};
pub use contracts::{check, Finding, Severity};
pub use error::Error;
pub use plan::Plan;
