//! Review and Write: every file that will be written with its diff against the disk, then the
//! result of writing and the next commands.

use super::{escaped, paragraph};
use crate::ui::tui::app::{self, State};
use crate::ui::tui::strings;
use hostwiz::questions::Step;
use hostwiz::write::Change;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Stylize};
use ratatui::text::Line;
use ratatui::widgets::{Block, Wrap};
use ratatui::Frame;

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let title = format!(" {} ", s.step.title_for(s.host()));
    let block = Block::bordered().title(title);
    let inner = block.inner(area);
    f.render_widget(block, area);
    if let Some(done) = &s.done {
        let mut lines = vec![Line::from(strings::WROTE).bold()];
        lines.extend(done.iter().map(|l| Line::raw(l.clone())));
        f.render_widget(paragraph(lines).wrap(Wrap { trim: false }), inner);
        return;
    }
    let header = header_lines(s);
    let [top, list, body] = areas(s, inner, &header);
    f.render_widget(paragraph(header).wrap(Wrap { trim: true }), top);
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
    f.render_widget(paragraph(names), list);
    let Some(p) = s.review.get(s.selected_file) else {
        return;
    };
    let text: Vec<Line> = preview(p)
        .into_iter()
        .map(|l| {
            let line = Line::raw(l.to_string());
            match (&p.change, l.chars().next()) {
                (Change::Update { .. }, Some('+')) => line.fg(Color::Green),
                (Change::Update { .. }, Some('-')) => line.fg(Color::Red),
                _ => line,
            }
        })
        .collect();
    // The title says when lines go on to the right, and how to see them.
    let wide = preview(p)
        .iter()
        .any(|l| shown_width(l) > usize::from(body.width.saturating_sub(2)));
    let title = if wide || s.hscroll > 0 {
        strings::FILES_WIDE
    } else {
        strings::FILES
    };
    f.render_widget(
        paragraph(text)
            .block(Block::bordered().title(title))
            .scroll((s.scroll, s.hscroll)),
        body,
    );
}

/// What the preview says above the files: why nothing can be written, or how to write, and
/// where.
fn header_lines(s: &State) -> Vec<Line<'static>> {
    let mut header: Vec<Line<'static>> = Vec::new();
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
        if app::offers_generated_secrets(s) {
            let choice = match s.generate_secrets {
                true => strings::GENERATE_SECRETS_ON,
                false => strings::GENERATE_SECRETS_OFF,
            };
            header.push(Line::from(choice));
        }
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
    // Escaped here, so the rows the header is given are the rows it takes when drawn.
    escaped(header).lines
}

/// The lines the preview shows for a file: its diff when it changes, else its contents.
pub fn preview(p: &hostwiz::write::Planned) -> Vec<&str> {
    match &p.change {
        Change::Update { diff } => diff.lines().collect(),
        _ => p.file.contents.lines().collect(),
    }
}

/// The header, the file list and the preview, top to bottom.
fn areas(s: &State, inner: Rect, header: &[Line]) -> [Rect; 3] {
    let files = s.review.len() as u16;
    Layout::vertical([
        Constraint::Length(wrapped_height(header, inner.width)),
        Constraint::Length(files.min(8)),
        Constraint::Min(0),
    ])
    .areas(inner)
}

/// How far the preview of the selected file can scroll (down, right) in a terminal of the
/// state's size: PgDn stops at the last line, → at the longest one.
pub fn scroll_limits(s: &State) -> (u16, u16) {
    let Some(p) = s.review.get(s.selected_file) else {
        return (0, 0);
    };
    let inner = Block::bordered().inner(crate::ui::tui::view::middle(s.size));
    let body = areas(s, inner, &header_lines(s))[2];
    let (h, w) = (body.height.saturating_sub(2), body.width.saturating_sub(2));
    let lines = preview(p);
    let longest = lines.iter().map(|l| shown_width(l)).max().unwrap_or(0);
    let down = lines.len().saturating_sub(usize::from(h));
    let right = longest.saturating_sub(usize::from(w));
    (
        u16::try_from(down).unwrap_or(u16::MAX),
        u16::try_from(right).unwrap_or(u16::MAX),
    )
}

/// How many rows these lines take when wrapped to `width`.
fn wrapped_height(lines: &[Line], width: u16) -> u16 {
    let width = usize::from(width.max(1));
    lines
        .iter()
        .map(|l| l.width().max(1).div_ceil(width) as u16)
        .sum()
}

/// The columns a preview line takes once its control characters are shown escaped.
fn shown_width(line: &str) -> usize {
    hostwiz::report::escape_controls(line).chars().count()
}
