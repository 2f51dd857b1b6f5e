//! The current question in the middle: each answer of the step on its line, the focused one
//! with its help, the reason a typed value is refused, and guidance that keeps the answers
//! inside the contracts. The GCP step also lists the API catalog and why each API is needed.

use super::{paragraph, verdict};
use crate::ui::tui::app::State;
use crate::ui::tui::strings;
use hostwiz::answers::{check_value, Kind};
use hostwiz::catalog::{self, Condition, When};
use hostwiz::contracts::Capability;
use hostwiz::questions::{Question, Step};
use ratatui::layout::Rect;
use ratatui::style::{Color, Style, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Wrap};
use ratatui::Frame;

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let mut lines: Vec<Line> = Vec::new();
    for (i, q) in s.questions().into_iter().enumerate() {
        lines.push(field_line(s, q, i == s.field));
    }
    if let Some(q) = s.focused() {
        lines.push(Line::raw(""));
        lines.push(Line::from(q.help).italic());
        if let Some(reason) = s
            .edit_error()
            .or_else(|| check_value(q.key, s.value(q.key)).err())
            .or_else(|| answer_error(s, q.key))
        {
            lines.push(Line::from(format!("{} expected {reason}", strings::FAIL)).fg(Color::Red));
        }
        for finding in s.findings_for(q.key) {
            let (mark, style) = verdict(Some(finding.severity));
            lines.push(Line::from(vec![
                Span::styled(format!("{mark} {} ", finding.rule), style),
                Span::raw(format!("{} — fix: {}", finding.message, finding.fix)),
            ]));
        }
        if let Some(h) = s.hint() {
            lines.push(Line::from(h).fg(Color::Yellow));
        }
    }
    for (skipped, why) in hostwiz::questions::not_asked(s.step, &s.raw) {
        lines.push(Line::raw(""));
        lines.push(Line::from(format!("{} is not asked here: {why}", skipped.label)).dim());
    }
    let project_services = s
        .host()
        .is_some_and(|h| h.capabilities().contains(&Capability::ProjectServices));
    if s.step == Step::Services && project_services {
        lines.extend(services(s, area.width >= 90));
    }
    let title = format!(" {} ", s.step.title_for(s.host()));
    f.render_widget(
        paragraph(lines)
            .block(Block::bordered().title(title))
            .wrap(Wrap { trim: false }),
        area,
    );
}

/// What the answers as a whole expect of this key, where they are refused because of it (an
/// answer the host requires, such as the API host on gcp, is empty).
fn answer_error(s: &State, key: &str) -> Option<String> {
    s.answers
        .as_ref()
        .err()
        .filter(|e| e.key == key)
        .map(|e| e.expected.clone())
}

fn field_line(s: &State, q: &Question, focused: bool) -> Line<'static> {
    let value = match (&s.edit, focused) {
        (Some(e), true) => {
            let mut b = e.buffer.clone();
            let at = b.char_indices().nth(e.cursor).map_or(b.len(), |(i, _)| i);
            b.insert(at, '▏');
            b
        }
        _ => display(s, q),
    };
    let bad = check_value(q.key, s.value(q.key)).is_err()
        || answer_error(s, q.key).is_some()
        || s.findings_for(q.key)
            .any(|f| f.severity == hostwiz::contracts::Severity::Error);
    let pointer = if focused { "▶ " } else { "  " };
    let mut spans = vec![Span::raw(pointer), Span::raw(format!("{:<18}", q.label))];
    let value_span = Span::raw(value);
    spans.push(if focused {
        value_span.bold()
    } else {
        value_span
    });
    if bad {
        spans.push(Span::styled(
            format!(" {}", strings::FAIL),
            Style::default().fg(Color::Red),
        ));
    }
    Line::from(spans)
}

fn display(s: &State, q: &Question) -> String {
    let v = s.value(q.key).to_string();
    match q.kind() {
        Kind::Flag => format!("[{}]", if v == "true" { "x" } else { " " }),
        Kind::Choice(_) => format!("◀ {v} ▶"),
        _ if v.is_empty() => "—".to_string(),
        _ => v,
    }
}

/// The catalog: required APIs locked on, conditional ones switched by the answers, and the
/// exact commands when Terraform is told not to enable them.
fn services(s: &State, wide: bool) -> Vec<Line<'static>> {
    let on = |key: &str| s.value(key) == "true";
    let condition_on = |c: Condition| match c {
        Condition::CloudDns => on("gcp.cloud_dns"),
        Condition::ArtifactRegistry => on("gcp.artifact_registry"),
        Condition::SignedUrls => on("gcp.signed_urls"),
    };
    let mut lines = vec![Line::raw("")];
    let mut manual = Vec::new();
    for api in catalog::apis() {
        let (mark, state) = match api.when {
            When::Always | When::Bootstrap => ("■", strings::REQUIRED_API),
            When::If(c) if condition_on(c) => ("■", strings::NEEDED_API),
            When::If(_) => ("□", strings::OPTIONAL_API),
        };
        if state != strings::OPTIONAL_API
            && (api.when != When::Always || !on("gcp.enable_project_services"))
        {
            manual.push(api.name.clone());
        }
        let short = api.name.trim_end_matches(".googleapis.com");
        let why = if wide { api.needed_by.as_str() } else { "" };
        lines.push(Line::from(format!("{mark} {short:<18} {state:<9} {why}")).dim());
    }
    if !on("gcp.enable_project_services") {
        lines.push(Line::from(strings::HINT_SERVICES_OFF).fg(Color::Yellow));
    }
    let project = s.value("gcp.project_id");
    lines.push(Line::from(format!(
        "gcloud services enable {} --project {project}",
        manual.join(" ")
    )));
    lines
}
