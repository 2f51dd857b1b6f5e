//! The panes of the wizard's screen, one file each.

pub mod contracts;
pub mod form;
pub mod modal;
pub mod review;
pub mod screen;
pub mod steps;
pub mod topology;

use ratatui::style::{Color, Style};
use ratatui::text::Text;
use ratatui::widgets::Paragraph;

use hostwiz::contracts::Severity;
use std::borrow::Cow;

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

/// The one way a pane puts text on the screen: answers, file contents, findings, paths and
/// errors come from input, so each span is shown with its control characters and bidirectional
/// overrides escaped (`\x1b[3A` as text), never dropped or passed to the terminal.
pub fn paragraph<'a>(text: impl Into<Text<'a>>) -> Paragraph<'a> {
    // The only call: every other pane builds its paragraph here (clippy.toml).
    #[allow(clippy::disallowed_methods)]
    Paragraph::new(escaped(text))
}

/// `text` as `paragraph` draws it: what a pane measures (rows a header wraps to, columns a
/// preview scrolls) must be what is drawn.
pub fn escaped<'a>(text: impl Into<Text<'a>>) -> Text<'a> {
    let mut text = text.into();
    for span in text.lines.iter_mut().flat_map(|l| l.spans.iter_mut()) {
        if let Cow::Owned(shown) = hostwiz::report::escape_controls(&span.content) {
            span.content = Cow::Owned(shown);
        }
    }
    text
}
