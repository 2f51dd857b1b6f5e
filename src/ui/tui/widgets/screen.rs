//! The screens opened from the welcome: the migration to a dedicated worker (MIGRATION.md and
//! the files of both phases) and the GCP API review.

use super::paragraph;
use crate::ui::tui::app::{Screen, State};
use crate::ui::tui::strings;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Block, Wrap};
use ratatui::Frame;

/// How far a screen's text can scroll down in a terminal of `size`.
pub fn scroll_limit(screen: &Screen, size: (u16, u16)) -> u16 {
    // The screen has the whole terminal but the footer row, less its borders.
    let rows = size.1.saturating_sub(1 + 2);
    // MIGRATION.md wraps, so its lines count by the rows they take; the API table does not.
    let width = usize::from(size.0.saturating_sub(2).max(1));
    let (text, above, wraps) = match screen {
        Screen::Services { text } => (text.as_str(), 0, false),
        Screen::Migration {
            doc,
            planned,
            written,
        } => {
            let files = written.as_ref().map_or(planned.len(), Vec::len);
            (doc.as_str(), files.min(12) as u16 + 2, true)
        }
    };
    let lines: usize = text
        .lines()
        .map(|l| match wraps {
            true => hostwiz::report::escape_controls(l)
                .chars()
                .count()
                .max(1)
                .div_ceil(width),
            false => 1,
        })
        .sum();
    let shown = usize::from(rows.saturating_sub(above));
    u16::try_from(lines.saturating_sub(shown)).unwrap_or(u16::MAX)
}

pub fn render(s: &State, screen: &Screen, f: &mut Frame, area: Rect) {
    match screen {
        Screen::Services { text } => {
            let lines: Vec<Line> = text.lines().map(|l| Line::raw(l.to_string())).collect();
            f.render_widget(
                paragraph(lines)
                    .block(Block::bordered().title(strings::SERVICES_TITLE))
                    .scroll((s.scroll, 0)),
                area,
            );
        }
        Screen::Migration {
            doc,
            planned,
            written,
        } => {
            let lines: Vec<Line> = match written {
                Some(done) => done.iter().map(|l| Line::raw(l.clone()).bold()).collect(),
                None => planned
                    .iter()
                    .map(|p| Line::raw(format!("{:<10} {}", p.change.as_str(), p.file.path)))
                    .collect(),
            };
            let [files, guide] = Layout::vertical([
                Constraint::Length(lines.len().min(12) as u16 + 2),
                Constraint::Min(0),
            ])
            .areas(area);
            f.render_widget(
                paragraph(lines).block(Block::bordered().title(strings::MIGRATION_FILES)),
                files,
            );
            let text: Vec<Line> = doc.lines().map(|l| Line::raw(l.to_string())).collect();
            f.render_widget(
                paragraph(text)
                    .block(Block::bordered().title(strings::MIGRATION_TITLE))
                    .wrap(Wrap { trim: false })
                    .scroll((s.scroll, 0)),
                guide,
            );
        }
    }
}
