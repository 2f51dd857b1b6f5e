//! hostwiz: answers → plan → contracts → files, for the SaaS starter's three hosts.
//!
//! The core, with no terminal in it. The front ends (command line, full-screen wizard, plain
//! prompts) live in the binary, under `src/ui/`, and only call in here.

/// `writeln!` into a `String`, which cannot fail.
macro_rules! out {
    ($w:expr) => {
        $w.push('\n')
    };
    ($w:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        writeln!($w, $($arg)*).expect("writing to a String cannot fail");
    }};
}

pub mod answers;
pub mod apply;
pub mod catalog;
pub mod check;
pub mod contracts;
pub mod cores;
pub mod error;
pub mod fault;
pub mod hosts;
pub mod ingest;
pub mod migrate;
pub mod names;
pub mod pipeline;
pub mod plan;
pub mod presets;
pub mod questions;
pub mod render;
pub mod report;
pub mod runtime;
pub mod source;
pub mod write;

pub use answers::{Answers, Host, RawAnswers, WorkerMode};
pub use contracts::{check, Finding, Severity};
pub use error::Error;
pub use plan::Plan;
