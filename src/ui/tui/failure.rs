//! Why a command the wizard's loop ran did not give its result, kept typed until the status
//! bar or the review shows it.

use hostwiz::answers::AnswerError;
use std::fmt;

#[derive(Debug)]
pub enum Failure {
    /// The answers are not accepted yet, so there is nothing to review or write.
    Answers(AnswerError),
    /// Reading, planning or writing said no.
    Core(hostwiz::Error),
    /// The migration screen was left before its plan arrived.
    NoMigrationPlan,
}

impl fmt::Display for Failure {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Failure::Answers(e) => e.fmt(f),
            Failure::Core(e) => e.fmt(f),
            Failure::NoMigrationPlan => f.write_str("no migration plan to write"),
        }
    }
}

impl std::error::Error for Failure {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Failure::Answers(e) => Some(e),
            Failure::Core(e) => Some(e),
            Failure::NoMigrationPlan => None,
        }
    }
}

impl From<hostwiz::Error> for Failure {
    fn from(e: hostwiz::Error) -> Self {
        Failure::Core(e)
    }
}

impl From<AnswerError> for Failure {
    fn from(e: AnswerError) -> Self {
        Failure::Answers(e)
    }
}
