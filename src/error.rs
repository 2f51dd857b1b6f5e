//! The one error type: each variant knows its exit code and prints a sentence a user can act on.

use crate::answers::AnswerError;
use std::fmt;
use std::io;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Error {
    /// A command line that cannot be acted on.
    Usage(String),
    /// An answer that is missing or not accepted; `from` says where the answers came from.
    Answer { from: String, error: AnswerError },
    /// A file that is not valid TOML or has keys hostwiz does not know.
    Parse { path: String, message: String },
    Io {
        path: PathBuf,
        action: &'static str,
        source: io::Error,
    },
    /// Writing was stopped before anything was written; the message says why and what to do.
    NotWritten(String),
    /// The answers break a contract: the findings were printed; nothing was written.
    Refused { errors: usize },
    /// `check` found violations at or above the threshold; they were printed.
    Findings {
        count: usize,
        threshold: &'static str,
    },
    /// `gcp services`: needed APIs are not enabled or not listed; the table was printed.
    ApisMissing { count: usize },
}

impl Error {
    pub fn exit_code(&self) -> u8 {
        match self {
            Error::Refused { .. } | Error::Findings { .. } | Error::ApisMissing { .. } => 1,
            _ => 2,
        }
    }

    pub fn io(path: impl Into<PathBuf>, action: &'static str, source: io::Error) -> Self {
        Error::Io {
            path: path.into(),
            action,
            source,
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Usage(msg) => f.write_str(msg),
            Error::Answer { from, error } => write!(f, "{from}: {error}"),
            Error::Parse { path, message } => write!(f, "{path}: {}", message.trim_end()),
            Error::Io {
                path,
                action,
                source,
            } => {
                write!(f, "cannot {action} {}: {source}", path.display())
            }
            Error::NotWritten(msg) => write!(f, "{msg}; nothing was written"),
            Error::Findings { count, threshold } => write!(
                f,
                "{count} finding{} at or above {threshold}",
                if *count == 1 { "" } else { "s" }
            ),
            Error::ApisMissing { count } => write!(
                f,
                "{count} needed API{} missing from the project or the blueprint: the command and the \
                 Terraform change above fix {}",
                if *count == 1 { " is" } else { "s are" },
                if *count == 1 { "it" } else { "them" }
            ),
            Error::Refused { errors } => write!(
                f,
                "refused: the answers break {errors} contract rule{}; nothing was written \
                 (fix the answers, `hostwiz explain RULE-ID` tells why)",
                if *errors == 1 { "" } else { "s" }
            ),
        }
    }
}

impl std::error::Error for Error {}

pub type Result<T, E = Error> = std::result::Result<T, E>;
