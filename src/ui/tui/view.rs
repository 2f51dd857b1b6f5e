//! The screen, drawn from the state alone: no I/O and no changes, so every screen can be
//! snapshot-tested. The screen reads as a list of panes, each in `widgets/`.

use super::app::State;
use super::strings;
use super::widgets::{contracts, form, modal, paragraph, review, screen, steps, topology};
use hostwiz::questions::Step;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Style, Stylize};
use ratatui::text::Line;
use ratatui::Frame;

pub const MIN: (u16, u16) = (80, 24);

pub fn draw(s: &State, f: &mut Frame) {
    hostwiz::fault::panic_point(s.step);
    let area = f.area();
    if area.width < MIN.0 || area.height < MIN.1 {
        let text = format!(
            "{}; this one is {}×{}.",
            strings::TOO_SMALL,
            area.width,
            area.height
        );
        f.render_widget(
            paragraph(text).wrap(ratatui::widgets::Wrap { trim: true }),
            area,
        );
        return;
    }
    let [main, footer] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    if let Some(screen) = &s.screen {
        screen::render(s, screen, f, main);
        let keys = match screen {
            super::app::Screen::Migration { .. } => strings::KEYS_MIGRATION,
            super::app::Screen::Services { .. } => strings::KEYS_SERVICES,
        };
        let line = s
            .status
            .as_deref()
            .map_or_else(|| Line::from(keys).dim(), |m| Line::from(m).bold());
        f.render_widget(paragraph(line), footer);
        return;
    }
    let [left, middle, right] = columns(main);
    steps::render(s, f, left);
    contracts::render(s, f, right);
    match s.step {
        Step::Review | Step::Write => review::render(s, f, middle),
        // The catalog needs the room the diagram would take.
        Step::Services => form::render(s, f, middle),
        _ => {
            let topo_height = if area.height >= 40 { 9 } else { 7 };
            let [question, topo] =
                Layout::vertical([Constraint::Min(8), Constraint::Length(topo_height)])
                    .areas(middle);
            form::render(s, f, question);
            topology::render(s, f, topo);
        }
    }
    render_footer(s, f, footer);
    if let Some(m) = &s.modal {
        modal::render(s, m, f, centered(area, 64, 16));
    }
}

/// The step list, the middle pane and the contracts panel, side by side.
pub fn columns(main: Rect) -> [Rect; 3] {
    let side = if main.width >= 120 { 36 } else { 26 };
    Layout::horizontal([
        Constraint::Length(18),
        Constraint::Min(30),
        Constraint::Length(side),
    ])
    .areas(main)
}

/// The middle pane for a terminal of `size`, as `draw` lays it out: what the preview has.
pub fn middle(size: (u16, u16)) -> Rect {
    let area = Rect::new(0, 0, size.0, size.1);
    let [main, _] = Layout::vertical([Constraint::Min(0), Constraint::Length(1)]).areas(area);
    columns(main)[1]
}

fn render_footer(s: &State, f: &mut Frame, area: Rect) {
    let line = match (&s.status, &s.modal) {
        (Some(msg), _) => Line::from(msg.as_str()).bold(),
        (None, Some(m)) => Line::from(match m {
            super::app::Modal::Explain { .. } => strings::KEYS_MODAL,
            super::app::Modal::Welcome { .. } => strings::KEYS_WELCOME,
            super::app::Modal::Resume => strings::KEYS_RESUME,
            super::app::Modal::ConfirmQuit => strings::QUIT_KEYS,
        })
        .dim(),
        (None, None) => {
            let keys = if s.edit.is_some() {
                strings::KEYS_EDIT
            } else if s.done.is_some() {
                strings::KEYS_DONE
            } else {
                match s.step {
                    Step::Review => strings::KEYS_REVIEW,
                    Step::Write => strings::KEYS_WRITE,
                    _ => strings::KEYS_FORM,
                }
            };
            Line::from(keys).dim()
        }
    };
    f.render_widget(paragraph(line).style(Style::default()), area);
}

pub fn centered(area: Rect, width: u16, height: u16) -> Rect {
    let w = width.min(area.width);
    let h = height.min(area.height);
    Rect::new(
        area.x + (area.width - w) / 2,
        area.y + (area.height - h) / 2,
        w,
        h,
    )
}
