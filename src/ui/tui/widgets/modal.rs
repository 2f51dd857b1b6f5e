//! The dialogs over the screen: resume, quit, and the explanation of a rule with its fix.

use super::paragraph;
use crate::ui::tui::app::{self, Modal, State};
use crate::ui::tui::strings;
use ratatui::layout::Rect;
use ratatui::style::Stylize;
use ratatui::text::Line;
use ratatui::widgets::{Block, Clear, Wrap};
use ratatui::Frame;

pub fn render(s: &State, m: &Modal, f: &mut Frame, area: Rect) {
    f.render_widget(Clear, area);
    let (title, lines): (&str, Vec<Line>) = match m {
        Modal::Resume => (strings::RESUME_TITLE, text(strings::RESUME_TEXT)),
        Modal::Welcome { selected } => (strings::WELCOME_TITLE, welcome(s, *selected)),
        Modal::ConfirmQuit => (
            strings::QUIT_TITLE,
            text(&format!(
                "{}\n\n{}",
                crate::ui::wizard::resume_hint(s.out.as_deref(), false),
                strings::QUIT_KEYS
            )),
        ),
        Modal::Explain { selected } => (strings::EXPLAIN_TITLE, explain(s, *selected)),
    };
    f.render_widget(
        paragraph(lines)
            .block(Block::bordered().title(title))
            .wrap(Wrap { trim: true }),
        area,
    );
}

/// What `check` found in the checkout: each deployment, and the selected one's findings.
fn welcome(s: &State, selected: usize) -> Vec<Line<'static>> {
    let mut lines = vec![Line::raw(strings::WELCOME_TEXT)];
    for (i, e) in s.existing.iter().enumerate() {
        let pointer = if i == selected { "▶" } else { " " };
        let line = Line::from(format!("{pointer} {} — {}", e.label, e.summary));
        lines.push(if i == selected { line.bold() } else { line });
    }
    if let Some(e) = s.existing.get(selected) {
        lines.push(Line::raw(""));
        lines.extend(e.findings.iter().take(6).map(|f| Line::raw(f.clone())));
    }
    lines.push(Line::raw(""));
    lines.push(Line::from(strings::WELCOME_KEYS).dim());
    if let Some(e) = s.existing.get(selected) {
        if e.inline {
            lines.push(Line::from(strings::WELCOME_MIGRATE).dim());
        }
        if hostwiz::hosts::module(e.host).has(hostwiz::contracts::Capability::ProjectServices) {
            lines.push(Line::from(strings::WELCOME_SERVICES).dim());
        }
    }
    lines
}

fn text(t: &str) -> Vec<Line<'static>> {
    t.lines().map(|l| Line::raw(l.to_string())).collect()
}

fn explain(s: &State, selected: usize) -> Vec<Line<'static>> {
    let rules = app::explainable(s);
    let Some(rule) = rules.get(selected) else {
        return Vec::new();
    };
    let mut lines = vec![Line::from(format!(
        "{} ({}, {} contract) {}/{}",
        rule.id,
        rule.severity,
        rule.contract.as_str(),
        selected + 1,
        rules.len()
    ))
    .bold()];
    for f in s.findings.iter().filter(|f| f.rule == rule.id) {
        lines.push(Line::from(format!("now: {}", f.message)));
    }
    lines.push(Line::raw(""));
    lines.push(Line::raw(format!("Rule: {}", rule.rule)));
    lines.push(Line::raw(format!("Why: {}", rule.why)));
    lines.push(Line::raw(format!("Fix: {}", rule.fix)));
    if let Some((key, value)) = app::autofix(s, rule) {
        lines.push(Line::from(format!("⏎ sets {key} = {value:?}")).bold());
    }
    lines
}
