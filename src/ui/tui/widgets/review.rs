//! Review and Write: every file that will be written with its diff against the disk, then the
//! result of writing and the next commands.

use crate::ui::tui::app::{self, State};
use crate::ui::tui::strings;
use hostwiz::questions::Step;
use hostwiz::write::Change;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, Paragraph, Wrap};
use ratatui::Frame;

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let title = format!(" {} ", s.step.title());
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if let Some(done) = &s.done {
        let mut lines = vec![Line::from(strings::WROTE).bold()];
        lines.extend(done.iter().map(|l| Line::raw(l.clone())));
        f.render_widget(Paragraph::new(lines).wrap(Wrap { trim: false }), inner);
        return;
    }
    let mut header: Vec<Line> = Vec::new();
    if let Err(e) = &s.answers {
        header.push(Line::from(e.to_string()).fg(Color::Red));
    } else if s.has_errors() {
        header.push(Line::from(strings::REFUSED).fg(Color::Red));
    }
    if let Some(e) = &s.review_error {
        header.push(Line::from(e.to_string()).fg(Color::Red));
    }
    if s.step == Step::Write && header.is_empty() {
        header.push(Line::from(strings::WRITE_HINT).bold());
    }
    if let Some(first) = s.review.first() {
        let folder = first
            .target
            .parent()
            .map(|p| p.display().to_string())
            .unwrap_or_default();
        header.push(Line::from(app::review_summary(s)).dim());
        header.push(Line::from(format!("in {folder}")).dim());
    }
    let files = s.review.len() as u16;
    let [top, list, body] = Layout::vertical([
        Constraint::Length(wrapped_height(&header, inner.width)),
        Constraint::Length(files.min(8)),
        Constraint::Min(0),
    ])
    .areas(inner);
    f.render_widget(Paragraph::new(header).wrap(Wrap { trim: true }), top);
    let names: Vec<Line> = s
        .review
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let pointer = if i == s.selected_file { "▶" } else { " " };
            let line = Line::from(format!(
                "{pointer} {:<10} {}",
                p.change.as_str(),
                p.file.path
            ));
            if i == s.selected_file {
                line.bold()
            } else {
                line
            }
        })
        .collect();
    f.render_widget(Paragraph::new(names), list);
    let Some(p) = s.review.get(s.selected_file) else {
        return;
    };
    let text: Vec<Line> = match &p.change {
        Change::Update { diff } => diff
            .lines()
            .map(|l| {
                let line = Line::raw(l.to_string());
                match l.chars().next() {
                    Some('+') => line.fg(Color::Green),
                    Some('-') => line.fg(Color::Red),
                    _ => line,
                }
            })
            .collect(),
        _ => p
            .file
            .contents
            .lines()
            .map(|l| Line::raw(l.to_string()))
            .collect(),
    };
    f.render_widget(
        Paragraph::new(text)
            .block(Block::bordered().title(strings::FILES))
            .scroll((s.scroll, 0)),
        body,
    );
}

/// How many rows these lines take when wrapped to `width`.
fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let width = usize::from(width.max(1));
    lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(width) as u16)
        .sum()
}
