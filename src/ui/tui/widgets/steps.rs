//! The steps on the left: where the operator is and which steps are complete.

use super::paragraph;
use crate::ui::tui::app::State;
use crate::ui::tui::strings;
use hostwiz::answers::check_value;
use hostwiz::contracts::Severity;
use hostwiz::plan::Origin;
use hostwiz::questions::{self, Step};
use ratatui::layout::Rect;
use ratatui::style::{Style, Stylize};
use ratatui::text::Line;
use ratatui::widgets::Block;
use ratatui::Frame;

/// A step is complete when each of its answers is accepted and no error finding names one.
pub fn complete(s: &State, step: Step) -> bool {
    let qs = questions::for_step(step, &s.raw);
    let values_ok = qs
        .iter()
        .all(|q| check_value(q.key, s.value(q.key)).is_ok());
    let no_errors = !s.findings.iter().any(|f| {
        f.severity == Severity::Error
            && matches!(&f.origin, Origin::Answer(k) if qs.iter().any(|q| q.key == *k))
    });
    values_ok && no_errors
}

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let lines: Vec<Line> = s
        .steps()
        .into_iter()
        .map(|step| {
            let current = step == s.step;
            let mark = if current {
                "▶"
            } else if matches!(step, Step::Review | Step::Write) {
                " "
            } else if complete(s, step) {
                strings::PASS
            } else {
                strings::FAIL
            };
            let line = Line::from(format!("{mark} {}", step.title_for(s.host())));
            if current {
                line.bold()
            } else {
                line.style(Style::default())
            }
        })
        .collect();
    f.render_widget(
        paragraph(lines).block(Block::bordered().title(strings::STEPS)),
        area,
    );
}
