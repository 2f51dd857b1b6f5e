//! The topology the answers describe, drawn as a chain: browser → entry → web (BFF) → api,
//! the API host's edge when set, and the worker with its replicas. A broken rule marks the
//! part it breaks.

use crate::ui::tui::app::State;
use crate::ui::tui::strings;
use hostwiz::answers::WorkerMode;
use hostwiz::contracts::rules;
use hostwiz::contracts::{Rule, Severity};
use ratatui::layout::Rect;
use ratatui::style::{Color, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

// The rules whose failure marks each part of the drawing.
static ENTRY: [&Rule; 3] = [&rules::ROUTE_001, &rules::ROUTE_002, &rules::ROUTE_005];
static API: [&Rule; 3] = [&rules::BILL_004, &rules::BILL_001, &rules::BILL_002];
static API_HOST: [&Rule; 3] = [&rules::ROUTE_003, &rules::ROUTE_006, &rules::ROUTE_007];
static WORKER: [&Rule; 4] = [
    &rules::BILL_003,
    &rules::BILL_005,
    &rules::BILL_006,
    &rules::BILL_008,
];

pub fn render(s: &State, f: &mut Frame, area: Rect) {
    let block = Block::bordered().title(strings::TOPOLOGY);
    let Ok(a) = &s.answers else {
        f.render_widget(
            Paragraph::new("(complete the answers to see the topology)")
                .dim()
                .block(block),
            area,
        );
        return;
    };
    let failing = |part: &[&Rule]| part.iter().any(|r| s.worst(r) >= Some(Severity::Warning));
    let mark = |bad: bool| {
        if bad {
            Span::raw(format!(" {}", strings::FAIL)).fg(Color::Red)
        } else {
            Span::raw("")
        }
    };
    let host = hostwiz::hosts::module(a.host);
    let entry = host.entry(a);
    let api_count = hostwiz::render::api_count(&host.plan(a));
    let mut lines = vec![Line::from(vec![
        Span::raw(format!("browser ─▶ {entry} ─▶ {}", a.domains.web)),
        mark(failing(&ENTRY)),
    ])];
    lines.push(Line::from(vec![
        Span::raw(format!("  / and /api ─▶ web ─▶ api ×{api_count}")),
        mark(failing(&API)),
    ]));
    if let Some(api) = &a.domains.api {
        lines.push(Line::from(vec![
            Span::raw(format!("servers ─▶ {api} ─▶ api")),
            mark(failing(&API_HOST)),
        ]));
    }
    let owner = match a.worker {
        WorkerMode::Inline => "api owns billing retries+replay".to_string(),
        WorkerMode::Dedicated => format!("worker ×{} owns retries+replay", a.scale.worker_replicas),
    };
    lines.push(Line::from(vec![Span::raw(owner), mark(failing(&WORKER))]));
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: false }),
        area,
    );
}
