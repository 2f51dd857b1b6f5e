//! The topology the answers describe: the way in (browser → entry → web host), one box per
//! process with its replicas and what it does with billing, and the API host's edge when set.
//! A broken rule marks the part it breaks.

use super::paragraph;
use crate::ui::tui::app::State;
use crate::ui::tui::strings;
use hostwiz::answers::WorkerMode;
use hostwiz::contracts::rules;
use hostwiz::contracts::{Rule, Severity};
use hostwiz::plan::Role;
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Color, Stylize};
use ratatui::text::{Line, Span};
use ratatui::widgets::Block;
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
            paragraph("(complete the answers to see the topology)")
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
    let plan = host.plan(a);
    let inner = block.inner(area);
    f.render_widget(block, area);
    let api_line = a.domains.api.as_ref().map(|api| {
        Line::from(vec![
            Span::raw(format!("servers ─▶ {api} ─▶ api")),
            mark(failing(&API_HOST)),
        ])
    });
    let [top, boxes, bottom] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(3),
        Constraint::Length(u16::from(api_line.is_some())),
    ])
    .areas(inner);
    f.render_widget(
        paragraph(Line::from(vec![
            Span::raw(format!("browser ─▶ {entry} ─▶ {} ─▶ web", a.domains.web)),
            mark(failing(&ENTRY)),
        ])),
        top,
    );
    if let Some(line) = api_line {
        f.render_widget(paragraph(line), bottom);
    }
    // One box per process: its replicas in the title, inside what it does: the BFF, the owner of
    // billing retries and replay, or an API with both flags off.
    let processes: Vec<_> = plan.processes.iter().collect();
    let cells = Layout::horizontal(
        processes
            .iter()
            .map(|_| Constraint::Ratio(1, processes.len().max(1) as u32)),
    )
    .split(boxes);
    for (p, cell) in processes.iter().zip(cells.iter()) {
        let (duty, part): (&str, &[&Rule]) = match (p.role, a.worker) {
            // Few words: at 80 columns a box has about ten.
            (Role::Web, _) => ("BFF", &ENTRY),
            (Role::Api, WorkerMode::Inline) => ("billing", &API),
            (Role::Api, WorkerMode::Dedicated) => ("flags off", &API),
            (Role::Worker, _) => ("billing", &WORKER),
        };
        let r = p.replicas.value;
        let count = if r.min == r.max {
            r.max.to_string()
        } else {
            format!("{}–{}", r.min, r.max)
        };
        let title = Line::from(vec![
            Span::raw(format!("{} ×{count}", p.role.as_str())),
            mark(failing(part)),
        ]);
        f.render_widget(
            paragraph(duty)
                .block(Block::bordered().title(title))
                .wrap(ratatui::widgets::Wrap { trim: true }),
            *cell,
        );
    }
}
