//! hostwiz: answers → plan → contracts → files, for the SaaS starter's three hosts.
//!
//! The core, with no terminal in it. The front ends (command line, full-screen wizard, plain
//! prompts) live in the binary, under `src/ui/`, and only call in here.

pub mod answers;
pub mod apply;
pub mod catalog;
pub mod check;
pub mod contracts;
pub mod error;
pub mod fault;
pub mod ingest;
pub mod migrate;
pub mod names;
pub mod plan;
pub mod presets;
pub mod questions;
pub mod render;
pub mod report;
pub mod services_review;
pub mod source;
pub mod write;

pub use answers::{Answers, Host, RawAnswers, WorkerMode};
pub use contracts::{check, Finding, Severity};
pub use error::Error;
pub use plan::Plan;
