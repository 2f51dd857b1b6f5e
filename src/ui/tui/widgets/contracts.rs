//! The contract verdicts on the right: every rule that applies to this host, re-run on every
//! change, each with its mark; below them, what the worst finding says and which answer causes it.

use super::{paragraph, verdict};
use crate::ui::tui::app::State;
use crate::ui::tui::strings;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Wrap};
use ratatui::Frame;

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let block = Block::bordered().title(strings::CONTRACTS);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let rules: Vec<_> = s.rules().collect();
    let rows = rules.len() as u16;
    let [list, detail] = Layout::vertical([
        Constraint::Length(rows.min(inner.height)),
        Constraint::Min(0),
    ])
    .areas(inner);
    // Mark, space, the ID in 9 and a space: what is left is the title's, cut with … if longer.
    let room = (inner.width as usize).saturating_sub(12);
    let lines: Vec<Line> = rules
        .iter()
        .map(|r| {
            let (mark, style) = if s.is_pending(r) {
                super::pending()
            } else {
                verdict(s.worst(r))
            };
            Line::from(vec![
                Span::styled(format!("{mark} "), style),
                Span::raw(format!("{:<9} {}", r.id, cut(r.title, room))),
            ])
        })
        .collect();
    f.render_widget(paragraph(lines), list);
    let text = match (&s.answers, s.findings.first()) {
        (Err(e), _) => e.to_string(),
        (Ok(_), Some(f)) => {
            let at = match &f.origin {
                hostwiz::plan::Origin::Answer(k) => format!(" ({k})"),
                _ => String::new(),
            };
            format!("{} {}{at}: {}", f.rule, f.severity, f.message)
        }
        (Ok(_), None) => String::new(),
    };
    f.render_widget(paragraph(text).wrap(Wrap { trim: true }), detail);
}

/// `text` in at most `room` columns, ending with `…` when it had to be cut.
fn cut(text: &str, room: usize) -> String {
    if text.chars().count() <= room {
        text.to_string()
    } else {
        let kept: String = text.chars().take(room.saturating_sub(1)).collect();
        format!("{kept}…")
    }
}
