//! The panes of the wizard's screen, one file each.

pub mod contracts;
pub mod form;
pub mod modal;
pub mod review;
pub mod screen;
pub mod steps;
pub mod topology;

use ratatui::style::{Color, Style};

use hostwiz::contracts::Severity;

/// The mark and colour of a verdict, shared by every pane that shows one.
pub fn verdict(severity: Option<Severity>) -> (&'static str, Style) {
    use super::strings::{FAIL, INFO, PASS, WARN};
    match severity {
        None => (PASS, Style::default().fg(Color::Green)),
        Some(Severity::Error) => (FAIL, Style::default().fg(Color::Red)),
        Some(Severity::Warning) => (WARN, Style::default().fg(Color::Yellow)),
        Some(Severity::Info) => (INFO, Style::default().fg(Color::Cyan)),
    }
}

/// The mark of a rule whose inputs are not all given yet: neither passed nor failed.
pub fn pending() -> (&'static str, Style) {
    (
        super::strings::PENDING,
        Style::default().fg(Color::DarkGray),
    )
}
