//! `hostwiz wizard --plain`: the wizard's questions as line prompts (inquire), one at a time,
//! for simple terminals and screen readers. The questions and their words come from
//! [`questions`], each value is checked by [`check_value`] as it is typed, and after every answer
//! the contract verdicts that changed are printed — the same checks the full-screen wizard,
//! `apply` and `check` use, so plain mode can never accept what they refuse.

use crate::ui::session;
use crate::ui::wizard::{self, Start};
use hostwiz::answers::{check_value, AnswerError, Answers, Host, Kind, RawAnswers, COUNT_EXPECTED};
use hostwiz::apply;
use hostwiz::contracts::rules::BILL_004;
use hostwiz::contracts::{self, Finding, Severity};
use hostwiz::error::{Error, Result};
use hostwiz::plan::Origin;
use hostwiz::questions::{self, Question, Step};
use hostwiz::report;
use hostwiz::write::{self, Change};
use inquire::ui::{RenderConfig, Styled};
use inquire::validator::Validation;
use inquire::{Confirm, CustomType, InquireError, Select, Text};
use std::collections::HashSet;
use std::io::{IsTerminal, Write};
use std::path::PathBuf;

// The words of plain mode itself; the questions' words live in `questions`.
const INTRO: &str = "hostwiz wizard, plain mode: one question at a time. Enter keeps the value \
                     in parentheses, Esc goes back one question, Ctrl-C stops and keeps your \
                     answers.";
const BACK: &str = "(back)";
const RESUME: &str = "Resume the answers you left unfinished for this output folder?";
const QUIT: &str = "Quit the wizard? Your answers are kept for resume.";
const CLEAR: &str = "-";
const CLEAR_HELP: &str = " · - for none";
const BACK_TO_WORKER: &str = "Esc goes back to Billing worker.";
const WRITE_HELP: &str =
    "a file that exists is replaced and its old content kept as <name>.<n>.bak; \
                          no goes back to the questions";
const STDERR_NOT_TTY: &str = "the plain wizard draws its prompts on standard error, which is \
                              not a terminal; without prompts use `hostwiz apply --preset NAME` \
                              or `hostwiz apply --answers FILE`";

/// Runs the plain wizard from `start`; prompts go to standard error (inquire's choice), the
/// verdicts, the review and the result to `out`.
pub fn run(start: Start, out: &mut impl Write) -> Result<wizard::Ended> {
    inquire::set_global_render_config(render_config(std::env::var_os("NO_COLOR").is_some()));
    // `require_terminal` checked stdin and stdout; inquire also needs stderr to draw on.
    if !std::io::stderr().is_terminal() {
        return Err(not_a_terminal());
    }
    // Between prompts the terminal is cooked; during one inquire holds it raw and a signal
    // would leave it so.
    let hint = wizard::resume_hint(start.out.as_deref(), true);
    crate::ui::terminal::on_signal_say(hint.clone());
    crate::ui::terminal::restore_on_signals(b"\x1b[?25h", b"");
    let mut w = Plain {
        out,
        raw: start.raw,
        out_dir: start.out.clone(),
        session: wizard::session_key(start.out.as_deref()),
        asked: HashSet::new(),
        shown: Vec::new(),
        said_error: None,
        step: Step::Host,
    };
    match w.walk(start.resume, start.resume_step) {
        Ok(()) => Ok(wizard::Ended::Done),
        Err(Stop::Interrupted) => {
            w.save();
            // inquire leaves the cursor on the interrupted prompt's line: end it first.
            w.say("")?;
            Ok(wizard::Ended::Interrupted(format!("interrupted; {hint}")))
        }
        Err(Stop::Failed(e)) => {
            w.save();
            Err(e)
        }
    }
}

/// One look for the whole program; without colour, inquire's plain one.
fn render_config(no_color: bool) -> RenderConfig<'static> {
    let base = if no_color {
        RenderConfig::empty()
    } else {
        RenderConfig::default_colored()
    };
    // Esc means "back" here, not inquire's "<canceled>".
    base.with_canceled_prompt_indicator(Styled::new(BACK))
}

fn not_a_terminal() -> Error {
    wizard::require_terminal()
        .err()
        .unwrap_or_else(|| Error::Usage(STDERR_NOT_TTY.into()))
}

/// Why the walk ended early.
enum Stop {
    Interrupted,
    Failed(Error),
}

impl From<Error> for Stop {
    fn from(e: Error) -> Self {
        Stop::Failed(e)
    }
}

impl From<InquireError> for Stop {
    fn from(e: InquireError) -> Self {
        match e {
            InquireError::OperationInterrupted => Stop::Interrupted,
            InquireError::NotTTY => Stop::Failed(not_a_terminal()),
            InquireError::IO(e) => Stop::Failed(Error::io("the terminal", "draw prompts on", e)),
            other => Stop::Failed(Error::Usage(format!("the prompt failed: {other}"))),
        }
    }
}

struct Plain<'o, W: Write> {
    out: &'o mut W,
    raw: RawAnswers,
    out_dir: Option<PathBuf>,
    session: PathBuf,
    /// Keys answered in this run: a required answer left empty is then an error, not a stand-in.
    asked: HashSet<&'static str>,
    /// The findings last printed, so only what changed is printed next.
    shown: Vec<Finding>,
    /// The answer error last printed, so it is not repeated after every answer.
    said_error: Option<String>,
    /// The step being asked, saved with the answers so a resume reopens there.
    step: Step,
}

impl<W: Write> Plain<'_, W> {
    /// Walks the questions of every step as one list, so Esc at a step's first question lands
    /// on the previous step's last; the list is rebuilt each time, as the host decides it.
    fn walk(&mut self, resume: Option<RawAnswers>, left_at: Option<Step>) -> Result<(), Stop> {
        self.say(INTRO)?;
        let mut at = 0;
        if let Some(saved) = resume {
            if confirm(RESUME, true, None)? {
                self.raw = saved;
                // Reopen at the first question of the step the operator left.
                let list = self.questions();
                at = left_at
                    .and_then(|step| list.iter().position(|q| q.step == step))
                    .unwrap_or(0);
            }
        }
        self.report(false)?;
        let mut heading = None;
        loop {
            let list = self.questions();
            let Some(&q) = list.get(at) else {
                match self.review()? {
                    Some(back) => (at, heading) = (back, None),
                    None => return Ok(()),
                }
                continue;
            };
            if heading != Some(q.step) {
                self.heading(q.step)?;
                for (skipped, why) in hostwiz::questions::not_asked(q.step, &self.raw) {
                    self.say(&format!("({} is not asked here: {why})", skipped.label))?;
                }
                heading = Some(q.step);
                self.step = q.step;
            }
            match ask(q, &self.raw.get(q.key))? {
                Some(value) => {
                    self.answer(q, &value)?;
                    at += 1;
                    // Every answer is kept at once: a signal or a closed terminal loses none.
                    self.save();
                }
                None if at > 0 => at -= 1,
                None if confirm(QUIT, false, None)? => {
                    self.save();
                    let hint = wizard::resume_hint(self.out_dir.as_deref(), true);
                    return Ok(self.say(&format!("Quit: {hint}."))?);
                }
                None => {}
            }
        }
    }

    fn answer(&mut self, q: &'static Question, value: &str) -> Result<(), Stop> {
        let hinted = needs_dedicated(&self.raw);
        match self.raw.set(&format!("{}={value}", q.key)) {
            Ok(()) => self.asked.insert(q.key),
            Err(e) => return Ok(self.say(&format!("✗ {e}"))?),
        };
        self.report(hinted)
    }

    /// Prints the verdicts that changed since the last answer, or the answer error, and the
    /// worker hint when this answer made it apply.
    fn report(&mut self, hinted: bool) -> Result<(), Stop> {
        match judge(&self.raw, &self.asked) {
            Err(e) => {
                let line = format!("✗ {e}");
                if self.said_error.as_ref() != Some(&line) {
                    self.say(&line)?;
                    self.said_error = Some(line);
                }
            }
            Ok(now) => {
                self.said_error = None;
                for line in changes(&self.shown, &now) {
                    self.say(&line)?;
                }
                self.shown = now;
            }
        }
        if let (false, true, Some(hint)) = (hinted, needs_dedicated(&self.raw), BILL_004.hint) {
            self.say(&format!("hint: {hint} {BACK_TO_WORKER}"))?;
        }
        Ok(())
    }

    /// Review and Write: `Some(i)` goes back to question `i`, `None` is done.
    fn review(&mut self) -> Result<Option<usize>, Stop> {
        self.heading(Step::Review)?;
        let answers = match Answers::from_raw(&self.raw) {
            Ok(a) => a,
            Err(e) => {
                self.say(&format!("✗ {e}"))?;
                return Ok(Some(self.back_to(Some(&e.key))));
            }
        };
        let generate = match wizard::offers_generated_secrets(&answers) {
            true => confirm(
                wizard::GENERATE_SECRETS,
                false,
                Some(wizard::GENERATE_SECRETS_HELP),
            )?,
            false => false,
        };
        let outcome = match apply::prepare_with(answers, self.out_dir.as_deref(), generate) {
            Ok(o) => o,
            Err((findings, e @ Error::Refused { .. })) => {
                self.say(report::text(&findings).trim_end())?;
                self.say(&e.to_string())?;
                let mut errors = findings.iter().filter(|f| f.severity == Severity::Error);
                let key = errors.find_map(|f| match f.origin {
                    Origin::Answer(key) => Some(key),
                    _ => None,
                });
                return Ok(Some(self.back_to(key)));
            }
            Err((_, e)) => return Err(e.into()),
        };
        if !outcome.findings.is_empty() {
            self.say(report::text(&outcome.findings).trim_end())?;
        }
        for p in &outcome.planned {
            self.say(&format!("{:<9} {}", p.change.as_str(), p.target.display()))?;
            if let Change::Update { diff } = &p.change {
                self.say(diff.trim_end())?;
            }
        }
        self.heading(Step::Write)?;
        let updates = outcome.updates();
        let creates = outcome
            .planned
            .iter()
            .filter(|p| p.change == Change::Create);
        // Inquire draws the question raw; the folder was typed or given with --out.
        let dir = report::escape_controls(&outcome.out.display().to_string()).into_owned();
        let changed = updates + creates.count();
        if changed == 0 {
            self.say(&format!("nothing to write: {dir} is up to date"))?;
        } else {
            let s = if changed == 1 { "" } else { "s" };
            let question = format!("Write {changed} file{s} to {dir}?");
            // Replacing files needs a deliberate yes; creating them is the expected outcome.
            if !confirm(&question, updates == 0, Some(WRITE_HELP))? {
                return Ok(Some(self.back_to(None)));
            }
            for w in write::commit(&outcome.out, &outcome.planned)? {
                if w.change != "unchanged" {
                    self.say(&format!("wrote {}", w.target.display()))?;
                }
                if let Some(bak) = &w.backup {
                    self.say(&format!("  kept the old content as {}", bak.display()))?;
                }
            }
        }
        session::clear(&self.session);
        self.say("Next:")?;
        for command in wizard::next_commands(&outcome.answers, &outcome.out) {
            self.say(&format!("  {command}"))?;
        }
        Ok(None)
    }

    fn host(&self) -> Option<Host> {
        self.raw.host()
    }

    /// Every question this host is asked, step after step.
    fn questions(&self) -> Vec<&'static Question> {
        let steps = Step::all(self.host());
        steps
            .into_iter()
            .flat_map(|s| questions::for_step(s, &self.raw))
            .collect()
    }

    /// The question that sets `key`, else the first of its step, else the last question.
    fn back_to(&self, key: Option<&str>) -> usize {
        let list = self.questions();
        let step = key.and_then(questions::find).map(|q| q.step);
        list.iter()
            .position(|q| Some(q.key) == key)
            .or_else(|| list.iter().position(|q| Some(q.step) == step))
            .unwrap_or(list.len().saturating_sub(1))
    }

    fn heading(&mut self, step: Step) -> Result<()> {
        let all = Step::all(self.host());
        let n = all.iter().position(|s| *s == step).map_or(0, |i| i + 1);
        self.say(&format!(
            "\nStep {n} of {}: {}",
            all.len(),
            step.title_for(self.host())
        ))
    }

    fn save(&mut self) {
        let saved = session::save(&self.session, &self.raw)
            .and_then(|()| session::save_step(&self.session, self.step));
        if let Err(e) = saved {
            let _ = self.say(&format!("! cannot keep the answers for resume: {e}"));
        }
    }

    fn say(&mut self, line: &str) -> Result<()> {
        writeln!(self.out, "{line}")
            .and_then(|()| self.out.flush())
            .map_err(|e| Error::io("standard output", "write to", e))
    }
}

/// Asks one question by its kind; `None` is Esc.
fn ask(q: &'static Question, current: &str) -> Result<Option<String>, Stop> {
    let (key, step) = (q.key, q.step);
    let reply = match q.kind() {
        Kind::Choice(options) => {
            let start = options.iter().position(|o| *o == current).unwrap_or(0);
            Select::new(q.label, options.to_vec())
                .with_help_message(q.help)
                .with_starting_cursor(start)
                .prompt_skippable()?
                .map(str::to_string)
        }
        Kind::Flag => Confirm::new(q.label)
            .with_help_message(q.help)
            .with_default(current == "true")
            .prompt_skippable()?
            .map(|b| b.to_string()),
        Kind::Count | Kind::Instances => {
            let expected =
                hostwiz::answers::find(key).map_or(COUNT_EXPECTED, |k| k.count_expected());
            let count_expected = format!("expected {expected}");
            let mut p = CustomType::<u32>::new(q.label)
                .with_help_message(q.help)
                .with_error_message(&count_expected)
                .with_validator(move |n: &u32| {
                    hostwiz::fault::panic_point(step);
                    Ok(verdict(check_value(key, &n.to_string())))
                });
            if let Ok(n) = current.parse() {
                p = p.with_default(n);
            }
            p.prompt_skippable()?.map(|n| n.to_string())
        }
        Kind::Text | Kind::List => {
            // A default fills an empty line, so an optional answer needs a way to say "none".
            let clearable = !current.is_empty() && check_value(key, "").is_ok();
            let (default, held) = offered(current);
            let help = format!(
                "{}{}{held}",
                q.help,
                if clearable { CLEAR_HELP } else { "" }
            );
            let mut p =
                Text::new(q.label)
                    .with_help_message(&help)
                    .with_validator(move |v: &str| {
                        hostwiz::fault::panic_point(step);
                        Ok(verdict(check_value(key, cleared(v))))
                    });
            if let Some(d) = default {
                p = p.with_default(d);
            }
            p.prompt_skippable()?.map(|v| cleared(&v).to_string())
        }
    };
    Ok(reply)
}

/// The default a text question offers: the current answer, unless it holds control characters
/// (read from a file), which inquire would draw raw. Such an answer is named escaped in the help
/// instead, and must be typed again.
fn offered(current: &str) -> (Option<&str>, String) {
    match report::escape_controls(current) {
        _ if current.is_empty() => (None, String::new()),
        std::borrow::Cow::Borrowed(_) => (Some(current), String::new()),
        std::borrow::Cow::Owned(shown) => (
            None,
            format!(" · now \"{shown}\", which holds control characters: type it again"),
        ),
    }
}

fn cleared(v: &str) -> &str {
    match v.trim() {
        CLEAR => "",
        v => v,
    }
}

fn verdict(checked: Result<(), String>) -> Validation {
    match checked {
        Ok(()) => Validation::Valid,
        Err(expected) => Validation::Invalid(format!("expected {expected}").into()),
    }
}

fn confirm(question: &str, default: bool, help: Option<&str>) -> Result<bool, Stop> {
    let mut p = Confirm::new(question).with_default(default);
    if let Some(help) = help {
        p = p.with_help_message(help);
    }
    Ok(p.prompt_skippable()? == Some(true))
}

/// The findings for the answers so far, judged by the core as far as they go (rules waiting for
/// an answer not given yet stay silent); a required answer left empty once asked is an error.
fn judge(raw: &RawAnswers, asked: &HashSet<&str>) -> Result<Vec<Finding>, AnswerError> {
    let judged = contracts::judge(raw);
    if let Some(e) = judged
        .missing
        .iter()
        .find(|e| asked.contains(e.key.as_str()))
    {
        return Err(e.clone());
    }
    Ok(judged.findings)
}

/// Lines for what changed between two sets of findings: new or reworded ones, then resolved.
fn changes(before: &[Finding], now: &[Finding]) -> Vec<String> {
    let same = |a: &Finding, b: &Finding| a.rule == b.rule && a.origin == b.origin;
    let mut lines = Vec::new();
    for f in now
        .iter()
        .filter(|f| !before.iter().any(|b| same(b, f) && b.message == f.message))
    {
        let mark = match f.severity {
            Severity::Error => "✗",
            Severity::Warning => "!",
            Severity::Info => "i",
        };
        lines.push(format!("{mark} {} {} — fix: {}", f.rule, f.message, f.fix));
    }
    for gone in before.iter().filter(|b| !now.iter().any(|f| same(b, f))) {
        let line = format!("✓ {} resolved", gone.rule);
        if !lines.contains(&line) {
            lines.push(line);
        }
    }
    lines
}

/// More than one API process in inline mode: each would retry and replay (BILL-004).
fn needs_dedicated(raw: &RawAnswers) -> bool {
    let inline = matches!(raw.get("billing.worker").as_str(), "" | "inline");
    inline
        && raw
            .get("scale.api_replicas")
            .parse()
            .is_ok_and(|n: i64| n > 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_answer_with_control_characters_is_not_offered_raw() {
        // Issue 14 item 8: inquire draws a default as it is.
        assert_eq!(offered("app.acme.io"), (Some("app.acme.io"), String::new()));
        assert_eq!(offered(""), (None, String::new()));
        let (default, help) = offered("a\u{1b}[3A\u{1b}[J\rb");
        assert_eq!(default, None);
        assert!(help.contains(r"a\x1b[3A\x1b[J\x0db"), "{help}");
        assert!(!help.contains(['\u{1b}', '\r']), "{help:?}");
    }

    fn judged(sets: &[&str], asked: &[&str]) -> Result<Vec<Finding>, AnswerError> {
        let mut raw = session::blank();
        sets.iter().for_each(|s| raw.set(s).unwrap());
        judge(&raw, &asked.iter().copied().collect())
    }

    #[test]
    fn stand_ins_let_the_contracts_judge_before_the_images_are_asked() {
        let inline = judged(&["host=vps", "scale.api_replicas=3"], &[]).unwrap();
        let lines = changes(&[], &inline);
        assert!(lines
            .iter()
            .any(|l| l.starts_with("✗ BILL-004 ") && l.contains(" — fix: ")));
        assert!(
            changes(&inline, &inline).is_empty(),
            "only what changed is printed"
        );
        let dedicated = judged(&["host=vps", "billing.worker=dedicated"], &[]).unwrap();
        let lines = changes(&inline, &dedicated);
        assert!(
            lines.contains(&"✓ BILL-004 resolved".to_string()),
            "{lines:?}"
        );
    }

    #[test]
    fn no_stand_in_reaches_what_plain_mode_prints() {
        // Issue 15 item 4: GCP before the project is given printed `--project hostwiz-placeholder`.
        let findings = judged(&["host=gcp", "gcp.enable_project_services=false"], &[]).unwrap();
        for line in changes(&[], &findings) {
            assert!(!line.contains("hostwiz"), "{line}");
        }
        let given = judged(
            &[
                "host=gcp",
                "gcp.enable_project_services=false",
                "gcp.project_id=shop-prod",
            ],
            &[],
        );
        assert!(given.is_ok());
    }

    #[test]
    fn a_required_answer_left_empty_is_an_error_once_asked() {
        assert!(judged(&["host=gcp"], &[]).is_ok());
        let e = judged(&["host=gcp"], &["gcp.project_id"]).unwrap_err();
        assert_eq!(e.key, "gcp.project_id");
    }

    #[test]
    fn the_worker_hint_and_the_dash_for_none() {
        let mut raw = session::blank();
        raw.set("scale.api_replicas=2").unwrap();
        assert!(needs_dedicated(&raw));
        raw.set("billing.worker=dedicated").unwrap();
        assert!(!needs_dedicated(&raw));
        assert_eq!(cleared(" - "), "");
        assert!(matches!(
            verdict(check_value("domains.api", cleared("-"))),
            Validation::Valid
        ));
        let refused = verdict(check_value("domains.web", cleared("-")));
        assert!(matches!(refused, Validation::Invalid(_)));
    }
}
