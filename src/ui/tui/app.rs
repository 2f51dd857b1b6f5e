//! The wizard's state and how each key changes it. `update` does no I/O: what needs the disk
//! (saving the session, reading the files to diff, writing) comes back as a [`Cmd`] for the
//! loop to run, and its result comes back as a [`Msg`].

use super::failure::Failure;
use crate::ui::wizard::Start;
use hostwiz::answers::{check_value, AnswerError, Answers, Host, Kind, RawAnswers};
use hostwiz::contracts::rules::{BILL_004, BILL_005};
use hostwiz::contracts::{self, Capability, Finding, Rule, Severity};
use hostwiz::plan::Origin;
use hostwiz::questions::{self, Question, Step};
use hostwiz::write::Planned;
use ratatui::crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};
use std::path::PathBuf;

#[derive(Debug)]
pub enum Msg {
    Key(KeyEvent),
    Resize(u16, u16),
    /// The files as they would be written, compared with the disk.
    Reviewed(Result<Vec<Planned>, Failure>),
    /// What writing did: lines to show, or why it failed.
    Written(Result<Vec<String>, Failure>),
    /// The migration plan of the checkout: MIGRATION.md and the files of both phases.
    Migration(Result<(String, Vec<Planned>), hostwiz::Error>),
    /// The GCP API review of the checkout, as `hostwiz gcp services` prints it.
    Services(Result<String, hostwiz::Error>),
}

#[derive(Clone, Debug, PartialEq)]
pub enum Cmd {
    SaveSession,
    Review,
    Write,
    PlanMigration,
    WriteMigration,
    ReviewServices,
    Quit,
    /// Ctrl-C: leave at once, saying how to resume (exit 130).
    Interrupt,
}

/// Screens of their own, opened from the welcome screen.
#[derive(Clone, Debug)]
pub enum Screen {
    Migration {
        doc: String,
        planned: Vec<Planned>,
        written: Option<Vec<String>>,
    },
    Services {
        text: String,
    },
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Modal {
    Resume,
    Welcome { selected: usize },
    ConfirmQuit,
    Explain { selected: usize },
}

/// A text field being edited: the buffer and the cursor (in chars).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Edit {
    pub buffer: String,
    pub cursor: usize,
}

pub struct State {
    pub raw: RawAnswers,
    /// `raw` as text per answer key, refreshed by `evaluate` so drawing reads a map.
    values: std::collections::BTreeMap<&'static str, String>,
    pub out: Option<PathBuf>,
    pub resume: Option<RawAnswers>,
    /// Where the unfinished run was left: a resume reopens there.
    pub resume_step: Option<Step>,
    pub existing: Vec<crate::ui::wizard::Existing>,
    pub repo: Option<PathBuf>,
    pub screen: Option<Screen>,
    pub step: Step,
    pub field: usize,
    pub edit: Option<Edit>,
    /// The checked answers, or the first answer that is not accepted.
    pub answers: Result<Answers, AnswerError>,
    pub findings: Vec<Finding>,
    /// The rules whose inputs are not all given yet: the panel shows them pending, not passed.
    pub pending: Vec<&'static str>,
    pub modal: Option<Modal>,
    pub review: Vec<Planned>,
    pub review_error: Option<Failure>,
    pub selected_file: usize,
    pub scroll: u16,
    /// How far the preview is scrolled to the right, for lines wider than the pane.
    pub hscroll: u16,
    pub done: Option<Vec<String>>,
    pub status: Option<String>,
    pub dirty: bool,
    pub size: (u16, u16),
    /// The explicit choice of `--generate-secrets` on the Write step (`g`), off by default.
    pub generate_secrets: bool,
}

impl State {
    pub fn new(start: Start) -> Self {
        let modal = if start.resume.is_some() {
            Some(Modal::Resume)
        } else if !start.existing.is_empty() {
            Some(Modal::Welcome { selected: 0 })
        } else {
            None
        };
        let answers = Answers::from_raw(&start.raw);
        let mut s = State {
            raw: start.raw,
            values: Default::default(),
            out: start.out,
            resume: start.resume,
            resume_step: start.resume_step,
            existing: start.existing,
            repo: start.repo,
            screen: None,
            step: Step::Host,
            field: 0,
            edit: None,
            answers,
            findings: Vec::new(),
            pending: Vec::new(),
            modal,
            review: Vec::new(),
            review_error: None,
            selected_file: 0,
            scroll: 0,
            hscroll: 0,
            done: None,
            status: None,
            dirty: false,
            size: (80, 24),
            generate_secrets: false,
        };
        s.evaluate();
        s
    }

    /// The answer under a key as the wizard shows it.
    pub fn value(&self, key: &str) -> &str {
        self.values.get(key).map_or("", String::as_str)
    }

    pub fn host(&self) -> Option<Host> {
        self.raw.host()
    }

    /// What the chosen host offers that rules are about; nothing before a host is chosen.
    pub fn capabilities(&self) -> &'static [Capability] {
        self.host().map_or(&[], Host::capabilities)
    }

    /// The rules these answers can break, in table order: what the contracts panel lists.
    pub fn rules(&self) -> impl Iterator<Item = &'static Rule> + '_ {
        contracts::rules().filter(|r| r.judges_answers(self.capabilities()))
    }

    /// The most severe finding of a rule now, if it has any.
    pub fn worst(&self, rule: &Rule) -> Option<Severity> {
        self.findings
            .iter()
            .filter(|f| f.rule == rule.id)
            .map(|f| f.severity)
            .max()
    }

    pub fn steps(&self) -> Vec<Step> {
        Step::all(self.host())
    }

    pub fn questions(&self) -> Vec<&'static Question> {
        questions::for_step(self.step, &self.raw)
    }

    pub fn focused(&self) -> Option<&'static Question> {
        self.questions().get(self.field).copied()
    }

    /// The answers with the field being edited applied, as the panel judges them live.
    fn tentative(&self) -> RawAnswers {
        let mut raw = self.raw.clone();
        if let (Some(e), Some(q)) = (&self.edit, self.focused()) {
            let _ = raw.set(&format!("{}={}", q.key, e.buffer));
        }
        raw
    }

    /// Re-checks the answers and re-runs every rule: on every change, as the panel promises.
    pub fn evaluate(&mut self) {
        self.values = self.raw.values();
        let raw = self.tentative();
        self.answers = Answers::from_raw(&raw);
        // Judged from the first answer on, as far as the answers go (the core's partial judge).
        let judged = contracts::judge(&raw);
        self.findings = judged.findings;
        self.pending = judged.pending;
    }

    /// Whether a rule waits for answers not given yet.
    pub fn is_pending(&self, rule: &Rule) -> bool {
        self.pending.contains(&rule.id)
    }

    /// The reason the value being typed is refused, if it is.
    pub fn edit_error(&self) -> Option<String> {
        let (e, q) = (self.edit.as_ref()?, self.focused()?);
        check_value(q.key, &e.buffer).err()
    }

    pub fn has_errors(&self) -> bool {
        self.answers.is_err() || contracts::has_errors(&self.findings)
    }

    /// The findings that name this answer key, for the marker beside a field.
    pub fn findings_for(&self, key: &str) -> impl Iterator<Item = &Finding> {
        let key = key.to_string();
        self.findings
            .iter()
            .filter(move |f| matches!(&f.origin, Origin::Answer(k) if *k == key))
    }

    /// Guidance for the focused question: what to choose to stay within the contracts.
    pub fn hint(&self) -> Option<String> {
        let q = self.focused()?;
        let replicas: u32 = self.value("scale.api_replicas").parse().unwrap_or(1);
        match q.key {
            "billing.worker" | "scale.api_replicas"
                if replicas > 1 && self.value("billing.worker") == "inline" =>
            {
                BILL_004.hint.map(Into::into)
            }
            "scale.worker_replicas" => BILL_005.hint.map(Into::into),
            _ => None,
        }
    }
}

pub fn update(s: &mut State, msg: Msg) -> Vec<Cmd> {
    match msg {
        Msg::Resize(w, h) => {
            s.size = (w, h);
            Vec::new()
        }
        Msg::Reviewed(r) => {
            match r {
                Ok(p) => {
                    s.review = p;
                    s.review_error = None;
                }
                Err(e) => {
                    s.review.clear();
                    s.review_error = Some(e);
                }
            }
            s.selected_file = 0;
            (s.scroll, s.hscroll) = (0, 0);
            Vec::new()
        }
        Msg::Written(r) if matches!(s.screen, Some(Screen::Migration { .. })) => {
            match (r, &mut s.screen) {
                (Ok(lines), Some(Screen::Migration { written, .. })) => *written = Some(lines),
                (Err(e), _) => s.status = Some(e.to_string()),
                _ => {}
            }
            Vec::new()
        }
        Msg::Written(r) => {
            match r {
                Ok(lines) => {
                    s.done = Some(lines);
                    s.dirty = false;
                    s.status = None;
                }
                Err(e) => s.status = Some(e.to_string()),
            }
            Vec::new()
        }
        Msg::Migration(r) => {
            match r {
                Ok((doc, planned)) => {
                    s.screen = Some(Screen::Migration {
                        doc,
                        planned,
                        written: None,
                    });
                    s.scroll = 0;
                    s.modal = None;
                }
                Err(e) => s.status = Some(e.to_string()),
            }
            Vec::new()
        }
        Msg::Services(r) => {
            match r {
                Ok(text) => {
                    s.screen = Some(Screen::Services { text });
                    s.scroll = 0;
                    s.modal = None;
                }
                Err(e) => s.status = Some(e.to_string()),
            }
            Vec::new()
        }
        Msg::Key(k) if k.kind == KeyEventKind::Release => Vec::new(),
        Msg::Key(k) => key(s, k),
    }
}

fn key(s: &mut State, k: KeyEvent) -> Vec<Cmd> {
    if k.modifiers.contains(KeyModifiers::CONTROL) && k.code == KeyCode::Char('c') {
        return vec![Cmd::SaveSession, Cmd::Interrupt];
    }
    if let Some(m) = s.modal.clone() {
        return modal_key(s, m, k);
    }
    if s.screen.is_some() {
        return screen_key(s, k);
    }
    if s.edit.is_some() {
        return edit_key(s, k);
    }
    s.status = None;
    match k.code {
        KeyCode::Char('q') => {
            if s.done.is_some() || !s.dirty {
                return vec![Cmd::Quit];
            }
            s.modal = Some(Modal::ConfirmQuit);
            Vec::new()
        }
        // Esc closes what is open (handled above) or goes back; it never quits.
        KeyCode::Esc if s.step == Step::Host => {
            s.status = Some(super::strings::FIRST_STEP.into());
            Vec::new()
        }
        KeyCode::Tab => go(s, 1),
        KeyCode::BackTab | KeyCode::Esc => go(s, -1),
        KeyCode::Char('?') => {
            s.modal = Some(Modal::Explain { selected: 0 });
            Vec::new()
        }
        KeyCode::Char('p') if s.step != Step::Review && s.step != Step::Write => {
            to_step(s, Step::Review)
        }
        _ => match s.step {
            Step::Review => review_key(s, k),
            Step::Write => write_key(s, k),
            _ => form_key(s, k),
        },
    }
}

/// Moves `by` steps, saving the answers when leaving a step.
fn go(s: &mut State, by: isize) -> Vec<Cmd> {
    let steps = s.steps();
    let at = steps.iter().position(|x| *x == s.step).unwrap_or(0) as isize;
    let next = (at + by).clamp(0, steps.len() as isize - 1) as usize;
    to_step(s, steps[next])
}

fn to_step(s: &mut State, step: Step) -> Vec<Cmd> {
    if step == s.step {
        return Vec::new();
    }
    s.step = step;
    s.field = 0;
    let mut cmds = vec![Cmd::SaveSession];
    if step == Step::Review || step == Step::Write {
        cmds.push(Cmd::Review);
    }
    cmds
}

fn form_key(s: &mut State, k: KeyEvent) -> Vec<Cmd> {
    let count = s.questions().len();
    let Some(q) = s.focused() else {
        return Vec::new();
    };
    match k.code {
        KeyCode::Up | KeyCode::Char('k') => s.field = s.field.saturating_sub(1),
        KeyCode::Down | KeyCode::Char('j') => s.field = (s.field + 1).min(count.saturating_sub(1)),
        KeyCode::Enter | KeyCode::Char(' ') | KeyCode::Left | KeyCode::Right => match q.kind() {
            Kind::Flag => {
                let now = s.value(q.key) == "true";
                set(s, q.key, if now { "false" } else { "true" });
            }
            Kind::Choice(options) => {
                let at = options
                    .iter()
                    .position(|o| *o == s.value(q.key))
                    .unwrap_or(0);
                let step = if k.code == KeyCode::Left {
                    options.len() - 1
                } else {
                    1
                };
                set(s, q.key, options[(at + step) % options.len()]);
            }
            Kind::Text | Kind::Count | Kind::Instances | Kind::List
                if matches!(k.code, KeyCode::Enter) =>
            {
                let buffer = s.value(q.key).to_string();
                s.edit = Some(Edit {
                    cursor: buffer.chars().count(),
                    buffer,
                });
            }
            _ => {}
        },
        _ => {}
    }
    Vec::new()
}

fn set(s: &mut State, key: &str, value: &str) {
    if let Err(e) = s.raw.set(&format!("{key}={value}")) {
        s.status = Some(e.to_string());
    }
    s.dirty = true;
    s.evaluate();
    // An answer can take questions away (inline billing has no worker to ask about).
    s.field = s.field.min(s.questions().len().saturating_sub(1));
}

fn edit_key(s: &mut State, k: KeyEvent) -> Vec<Cmd> {
    let q = s.focused().expect("editing a focused field");
    let e = s.edit.as_mut().expect("editing");
    let at = |e: &Edit| {
        e.buffer
            .char_indices()
            .nth(e.cursor)
            .map_or(e.buffer.len(), |(i, _)| i)
    };
    match k.code {
        KeyCode::Esc => s.edit = None,
        KeyCode::Enter => {
            if let Some(reason) = s.edit_error() {
                s.status = Some(format!("{}: expected {reason}", q.key));
                return Vec::new();
            }
            let value = s.edit.take().expect("editing").buffer;
            set(s, q.key, value.trim());
            return Vec::new();
        }
        KeyCode::Backspace if e.cursor > 0 => {
            e.cursor -= 1;
            let i = at(e);
            e.buffer.remove(i);
        }
        KeyCode::Delete if e.cursor < e.buffer.chars().count() => {
            let i = at(e);
            e.buffer.remove(i);
        }
        KeyCode::Left => e.cursor = e.cursor.saturating_sub(1),
        KeyCode::Right => e.cursor = (e.cursor + 1).min(e.buffer.chars().count()),
        KeyCode::Home => e.cursor = 0,
        KeyCode::End => e.cursor = e.buffer.chars().count(),
        KeyCode::Char(c)
            if !k.modifiers.contains(KeyModifiers::CONTROL) && e.buffer.len() < 512 =>
        {
            let i = at(e);
            e.buffer.insert(i, c);
            e.cursor += 1;
        }
        _ => return Vec::new(),
    }
    s.evaluate();
    Vec::new()
}

/// The migration and GCP API screens: scroll, write the phases, or go back to the welcome.
fn screen_key(s: &mut State, k: KeyEvent) -> Vec<Cmd> {
    match k.code {
        KeyCode::Esc => {
            s.screen = None;
            s.modal = Some(Modal::Welcome { selected: 0 });
        }
        KeyCode::Char('q') => return vec![Cmd::Quit],
        KeyCode::Down | KeyCode::Char('j') => {
            s.scroll = s.scroll.saturating_add(1).min(screen_limit(s))
        }
        KeyCode::Up | KeyCode::Char('k') => s.scroll = s.scroll.saturating_sub(1),
        KeyCode::PageDown => s.scroll = s.scroll.saturating_add(10).min(screen_limit(s)),
        KeyCode::PageUp => s.scroll = s.scroll.saturating_sub(10),
        KeyCode::Enter if matches!(&s.screen, Some(Screen::Migration { written: None, planned, .. }) if !planned.is_empty()) =>
        {
            return vec![Cmd::WriteMigration];
        }
        _ => {}
    }
    Vec::new()
}

/// How far the open screen scrolls: to its last line, never into blank space.
fn screen_limit(s: &State) -> u16 {
    s.screen.as_ref().map_or(0, |screen| {
        super::widgets::screen::scroll_limit(screen, s.size)
    })
}

fn review_key(s: &mut State, k: KeyEvent) -> Vec<Cmd> {
    let (down, right) = super::widgets::review::scroll_limits(s);
    match k.code {
        KeyCode::Up | KeyCode::Char('k') => {
            s.selected_file = s.selected_file.saturating_sub(1);
            (s.scroll, s.hscroll) = (0, 0);
        }
        KeyCode::Down | KeyCode::Char('j') => {
            s.selected_file = (s.selected_file + 1).min(s.review.len().saturating_sub(1));
            (s.scroll, s.hscroll) = (0, 0);
        }
        // Down to the last line and right to the end of the longest, never into blank space.
        KeyCode::PageDown => s.scroll = s.scroll.saturating_add(10).min(down),
        KeyCode::PageUp => s.scroll = s.scroll.saturating_sub(10),
        KeyCode::Right | KeyCode::Char('l') => s.hscroll = s.hscroll.saturating_add(8).min(right),
        KeyCode::Left | KeyCode::Char('h') => s.hscroll = s.hscroll.saturating_sub(8),
        KeyCode::End => s.scroll = down,
        KeyCode::Home => (s.scroll, s.hscroll) = (0, 0),
        KeyCode::Enter => return go(s, 1),
        _ => {}
    }
    Vec::new()
}

/// Whether the files to write hold random secrets the wizard may generate.
pub fn offers_generated_secrets(s: &State) -> bool {
    s.review
        .iter()
        .any(|p| hostwiz::render::secrets::holds_random(&p.file))
}

fn write_key(s: &mut State, k: KeyEvent) -> Vec<Cmd> {
    if k.code == KeyCode::Char('g') && s.done.is_none() && offers_generated_secrets(s) {
        s.generate_secrets = !s.generate_secrets;
        // The preview shows what will be written, the generated values masked.
        return vec![Cmd::Review];
    }
    if k.code != KeyCode::Enter || s.done.is_some() {
        return Vec::new();
    }
    if s.has_errors() || s.review_error.is_some() {
        s.status = Some(super::strings::REFUSED.into());
        return Vec::new();
    }
    vec![Cmd::Write]
}

fn modal_key(s: &mut State, m: Modal, k: KeyEvent) -> Vec<Cmd> {
    match (m, k.code) {
        (Modal::Resume, KeyCode::Char('y')) => {
            if let Some(r) = s.resume.take() {
                s.raw = r;
                s.dirty = true;
                s.evaluate();
                // Reopen where the operator left, if that step is still one of this host's.
                if let Some(step) = s.resume_step.filter(|st| s.steps().contains(st)) {
                    s.step = step;
                    s.field = 0;
                }
            }
            s.modal = after_resume(s);
        }
        (Modal::Resume, KeyCode::Char('n') | KeyCode::Esc) => {
            s.resume = None;
            s.modal = after_resume(s);
        }
        (Modal::Welcome { selected }, KeyCode::Up) => {
            s.modal = Some(Modal::Welcome {
                selected: selected.saturating_sub(1),
            })
        }
        (Modal::Welcome { selected }, KeyCode::Down) => {
            let last = s.existing.len().saturating_sub(1);
            s.modal = Some(Modal::Welcome {
                selected: (selected + 1).min(last),
            });
        }
        (Modal::Welcome { selected }, KeyCode::Enter) => {
            if let Some(e) = s.existing.get(selected).cloned() {
                s.raw = e.answers;
                s.dirty = true;
                s.evaluate();
                s.status = Some(format!("answers taken from {}", e.label));
            }
            s.modal = None;
        }
        (Modal::Welcome { selected }, KeyCode::Char('m'))
            if s.existing.get(selected).is_some_and(|e| e.inline) =>
        {
            return vec![Cmd::PlanMigration];
        }
        (Modal::Welcome { selected }, KeyCode::Char('g'))
            if s.existing.get(selected).is_some_and(|e| {
                hostwiz::hosts::module(e.host).has(hostwiz::contracts::Capability::ProjectServices)
            }) =>
        {
            return vec![Cmd::ReviewServices];
        }
        (Modal::Welcome { .. }, KeyCode::Esc | KeyCode::Char('n')) => s.modal = None,
        (Modal::ConfirmQuit, KeyCode::Char('y')) => return vec![Cmd::SaveSession, Cmd::Quit],
        (Modal::ConfirmQuit, KeyCode::Char('n') | KeyCode::Esc) => s.modal = None,
        (Modal::Explain { .. }, KeyCode::Esc | KeyCode::Char('q') | KeyCode::Char('?')) => {
            s.modal = None
        }
        (Modal::Explain { selected }, KeyCode::Up) => {
            s.modal = Some(Modal::Explain {
                selected: selected.saturating_sub(1),
            })
        }
        (Modal::Explain { selected }, KeyCode::Down) => {
            let last = explainable(s).len().saturating_sub(1);
            s.modal = Some(Modal::Explain {
                selected: (selected + 1).min(last),
            });
        }
        (Modal::Explain { selected }, KeyCode::Enter) => {
            let rules = explainable(s);
            if let Some(rule) = rules.get(selected) {
                match autofix(s, rule) {
                    Some((key, value)) => {
                        set(s, key, &value);
                        s.status = Some(format!("set {key} = {value:?}"));
                        s.modal = None;
                    }
                    None => s.status = Some(super::strings::NO_AUTOFIX.into()),
                }
            }
        }
        _ => {}
    }
    Vec::new()
}

/// After the resume question, the welcome screen when the checkout had deployments.
fn after_resume(s: &State) -> Option<Modal> {
    (!s.existing.is_empty()).then_some(Modal::Welcome { selected: 0 })
}

/// The rules that apply to this host, failing ones first: what the explain view lists.
pub fn explainable(s: &State) -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = s.rules().collect();
    rules.sort_by_key(|r| std::cmp::Reverse(s.worst(r).map_or(0, |sev| sev as u8 + 1)));
    rules
}

/// The answer that fixes a failing rule, where one answer does.
pub fn autofix(s: &State, rule: &Rule) -> Option<(&'static str, String)> {
    let failing = s.findings.iter().find(|f| f.rule == rule.id)?;
    let fix = failing.autofix.as_ref()?;
    Some(fix.answer(|key| s.value(key).to_string()))
}

/// A one-line summary of what the review found, for the status bar.
pub fn review_summary(s: &State) -> String {
    let n = |c: &str| s.review.iter().filter(|p| p.change.as_str() == c).count();
    format!(
        "{} new · {} changed · {} same",
        n("create"),
        n("update"),
        n("unchanged")
    )
}
