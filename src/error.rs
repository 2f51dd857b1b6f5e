//! The one error type: each variant knows its exit code and prints a sentence a user can act on.

use crate::answers::AnswerError;
use crate::ingest::ParseError;
use std::fmt;
use std::io;
use std::path::PathBuf;

#[derive(Debug)]
pub enum Error {
    /// A command line that cannot be acted on.
    Usage(String),
    /// An answer that is missing or not accepted; `from` says where the answers came from.
    Answer { from: String, error: AnswerError },
    /// A file that is not what it was taken for, said in a sentence (not text, empty, too large).
    Parse { path: String, message: String },
    /// An answers file that is not valid TOML or has keys hostwiz does not know.
    Toml {
        path: String,
        source: Box<toml::de::Error>,
    },
    /// A deployment file that cannot be read as the format it was taken for, at a line.
    Syntax(ParseError),
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
            Error::Toml { path, source } => write!(f, "{path}: {}", source.to_string().trim_end()),
            Error::Syntax(e) => e.fmt(f),
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
                "{count} needed API{} missing from the project or the blueprint: the fix is printed above",
                if *count == 1 { " is" } else { "s are" },
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

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Io { source, .. } => Some(source),
            Error::Toml { source, .. } => Some(source.as_ref()),
            Error::Answer { error, .. } => Some(error),
            Error::Syntax(e) => Some(e),
            _ => None,
        }
    }
}

// The core's own error values are std errors too, so `Error::source` can hand them out.
impl std::error::Error for AnswerError {}

impl std::error::Error for ParseError {}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let message = self.message.trim_end();
        write!(f, "{}:{}:{}: {message}", self.path, self.line, self.column)
    }
}

pub type Result<T, E = Error> = std::result::Result<T, E>;

#[cfg(test)]
mod tests {
    use super::*;
    use std::error::Error as _;

    #[test]
    fn errors_keep_what_caused_them() {
        let io = Error::io("out", "write", io::Error::other("disk full"));
        assert_eq!(io.source().unwrap().to_string(), "disk full");
        let toml = crate::answers::RawAnswers::from_toml("host = ").unwrap_err();
        let shown = toml.to_string();
        let toml = Error::Toml {
            path: "a.toml".into(),
            source: Box::new(toml),
        };
        assert_eq!(toml.source().unwrap().to_string(), shown);
        let parse = ParseError {
            path: "values.yaml".into(),
            line: 3,
            column: 7,
            message: "expected a mapping\n".into(),
        };
        let syntax = Error::from(parse);
        assert_eq!(syntax.to_string(), "values.yaml:3:7: expected a mapping");
        assert!(syntax.source().unwrap().is::<ParseError>());
        assert!(Error::Usage("no".into()).source().is_none());
    }
}
