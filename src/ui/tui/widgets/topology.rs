//! The topology the answers describe, drawn as a chain: browser → entry → web (BFF) → api,
//! the API host's edge when set, and the worker with its replicas. A broken rule marks the
//! part it breaks.

use crate::ui::tui::app::State;
use crate::ui::tui::strings;
use hostwiz::answers::WorkerMode;
use hostwiz::contracts::Severity;
use ratatui::layout::Rect;
use ratatui::style::{Color, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Paragraph};
use ratatui::Frame;

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
    let failing = |ids: &[&str]| {
        s.findings
            .iter()
            .any(|f| f.severity >= Severity::Warning && ids.contains(&f.rule))
    };
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
        mark(failing(&["ROUTE-001", "ROUTE-002", "ROUTE-005"])),
    ])];
    lines.push(Line::from(vec![
        Span::raw(format!("  / and /api ─▶ web ─▶ api ×{api_count}")),
        mark(failing(&["BILL-004", "BILL-001", "BILL-002"])),
    ]));
    if let Some(api) = &a.domains.api {
        lines.push(Line::from(vec![
            Span::raw(format!("servers ─▶ {api} ─▶ api")),
            mark(failing(&["ROUTE-003", "ROUTE-006", "ROUTE-007"])),
        ]));
    }
    let owner = match a.worker {
        WorkerMode::Inline => "api owns billing retries+replay".to_string(),
        WorkerMode::Dedicated => format!("worker ×{} owns retries+replay", a.scale.worker_replicas),
    };
    lines.push(Line::from(vec![
        Span::raw(owner),
        mark(failing(&["BILL-003", "BILL-005", "BILL-006", "BILL-008"])),
    ]));
    f.render_widget(
        Paragraph::new(lines)
            .block(block)
            .wrap(ratatui::widgets::Wrap { trim: false }),
        area,
    );
}
