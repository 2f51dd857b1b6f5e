//! `hostwiz check`: existing files → one plan per deployment they describe → the same rules
//! the wizard uses → findings with file:line, suppressions applied.

use crate::answers::Host;
use crate::contracts::{Capability, Finding};
use crate::error::{Error, Result};
use crate::hosts;
use crate::pipeline::{self, Context, Deployment, Found};
use crate::plan::Plan;
use std::collections::BTreeMap;
use std::sync::{mpsc, Condvar, Mutex, PoisonError};

pub use crate::pipeline::{read, Options};

/// One deployment checked: what it was read from, the plan, and its findings.
pub struct Checked {
    pub host: Host,
    /// The file findings without a line of their own (documented defaults) are reported at.
    pub primary: String,
    pub plan: Plan,
    pub findings: Vec<Finding>,
    /// How the host judged it, to say once in the report (`Plan::note`).
    pub note: Option<&'static str>,
    /// Every file the deployment was read from, in reading order.
    pub files: Vec<String>,
}

pub fn run(opts: &Options) -> Result<Vec<Checked>> {
    let mut all = Vec::new();
    for_each(opts, |c| {
        all.push(c);
        Ok(())
    })?;
    Ok(all)
}

/// Checks each deployment in turn and hands it to `f`, so a caller that keeps only the
/// findings holds one deployment's files and plan at a time.
pub fn for_each(opts: &Options, mut f: impl FnMut(Checked) -> Result<()>) -> Result<()> {
    if let Some(answers) = opts.paths.iter().find(|p| is_answers_file(p)) {
        return Err(answers_given(answers));
    }
    let ctx = opts.context()?;
    let mut found = pipeline::deployments(opts, &ctx)?;
    if found.is_empty() && opts.repo.is_none() && opts.paths.is_empty() {
        // An enabled-services dump alone is judged against the blueprint's defaults.
        let services = hosts::all().find(|m| m.has(Capability::ProjectServices));
        match services {
            Some(m) if ctx.enabled.is_some() => found.push(Found::new(m.host(), Vec::new())),
            _ => {
                return Err(Error::Usage(
                    "nothing to check: name files (or - for stdin), or use --repo DIR for the starter's ops/ layout".into(),
                ))
            }
        }
    }
    for d in found {
        let d = d.load()?;
        judge_each(d.module().split(d), &ctx, &mut f)?;
    }
    Ok(())
}

fn checked(d: Deployment, ctx: &Context) -> Result<Checked> {
    let (host, primary) = (d.host, d.primary().to_string());
    let files = d.files.iter().map(|(_, i)| i.path.clone()).collect();
    let (plan, findings) = d.judge(ctx)?;
    Ok(Checked {
        note: plan.note,
        host,
        files,
        primary,
        plan,
        findings,
    })
}

/// Judges the deployments one file splits into (the releases of a rendered stream) on every
/// core, handing each to `f` in their order, so the report is the same as judged one by one;
/// the first error in that order ends the run, as it would one by one. This thread judges too,
/// between hand-overs, and waits only for a result it needs next: a thread that only handed
/// over was woken once per release, and those switches cost more than a third of the time the
/// helpers saved. Nothing is taken more than `WINDOW` deployments per thread ahead of the one
/// `f` waits for, so a slow release does not let the others' plans pile up.
fn judge_each(
    deployments: impl Iterator<Item = Deployment> + Send,
    ctx: &Context,
    f: &mut impl FnMut(Checked) -> Result<()>,
) -> Result<()> {
    const WINDOW: usize = 4;
    let mut deployments = deployments.peekable();
    let first = deployments.next();
    let helpers = crate::cores::available() - 1;
    if deployments.peek().is_none() || helpers == 0 {
        for d in first.into_iter().chain(deployments) {
            f(checked(d, ctx)?)?;
        }
        return Ok(());
    }
    let shared = Shared {
        queue: Mutex::new(Queue {
            deployments: first.into_iter().chain(deployments),
            taken: 0,
            handed: 0,
            parked: 0,
            stop: false,
        }),
        turn: Condvar::new(),
        ahead: WINDOW * (helpers + 1),
    };
    std::thread::scope(|scope| {
        let (sender, results) = mpsc::channel::<(usize, Result<Checked>)>();
        for _ in 0..helpers {
            let (sender, shared) = (sender.clone(), &shared);
            scope.spawn(move || {
                let _stop = Stop(shared);
                while let Some((at, d)) = shared.take(true) {
                    if sender.send((at, checked(d, ctx))).is_err() {
                        break;
                    }
                }
            });
        }
        drop(sender);
        let _stop = Stop(&shared);
        let mut waiting = BTreeMap::new();
        let mut handed = 0;
        loop {
            waiting.extend(results.try_iter());
            while let Some(result) = waiting.remove(&handed) {
                handed += 1;
                shared.handed(handed);
                result.and_then(&mut *f)?;
            }
            if let Some((at, d)) = shared.take(false) {
                waiting.insert(at, checked(d, ctx));
                continue;
            }
            // All taken, or the window is full: the next result is a helper's.
            if handed == shared.lock().taken {
                return Ok(());
            }
            match results.recv() {
                Ok((at, result)) => _ = waiting.insert(at, result),
                // Every helper gone with a result missing: one panicked, which the scope
                // raises here once the others have stopped.
                Err(_) => return Ok(()),
            }
        }
    })
}

/// What the threads judging a stream's deployments share.
struct Shared<I> {
    queue: Mutex<Queue<I>>,
    /// Wakes the helpers parked on a full window.
    turn: Condvar,
    /// How far past the last deployment handed over one may be taken.
    ahead: usize,
}

/// The deployments still to judge, how many were taken and handed over, how many helpers wait
/// for the window to move, and whether to stop.
struct Queue<I> {
    deployments: I,
    taken: usize,
    handed: usize,
    parked: usize,
    stop: bool,
}

impl<I> Shared<I> {
    fn lock(&self) -> std::sync::MutexGuard<'_, Queue<I>> {
        self.queue.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Moves the window: `handed` deployments are handed over.
    fn handed(&self, handed: usize) {
        let mut q = self.lock();
        q.handed = handed;
        if q.parked > 0 {
            self.turn.notify_all();
        }
    }
}

impl<I: Iterator<Item = Deployment>> Shared<I> {
    /// The next deployment and its place; `None` when there is none or the run stops, and,
    /// unless `park` (then it waits for the window to move), when the window is full.
    fn take(&self, park: bool) -> Option<(usize, Deployment)> {
        let mut q = self.lock();
        while !q.stop && q.taken >= q.handed + self.ahead {
            if !park {
                return None;
            }
            q.parked += 1;
            q = self.turn.wait(q).unwrap_or_else(PoisonError::into_inner);
            q.parked -= 1;
        }
        if q.stop {
            return None;
        }
        let d = q.deployments.next()?;
        q.taken += 1;
        Some((q.taken - 1, d))
    }
}

/// Stops the helpers when dropped: when the results are all handed over or one failed, and
/// when a thread panics, so no helper waits for a turn that never comes and the panic reaches
/// the caller instead of a hang.
struct Stop<'a, I>(&'a Shared<I>);

impl<I> Drop for Stop<'_, I> {
    fn drop(&mut self) {
        self.0.lock().stop = true;
        self.0.turn.notify_all();
    }
}

/// Whether `path` is a hostwiz answers file (`hostwiz.toml`), which is no deployment file.
fn is_answers_file(path: &std::path::Path) -> bool {
    path.extension().is_some_and(|e| e == "toml")
        && std::fs::read_to_string(path)
            .ok()
            .and_then(|text| crate::answers::RawAnswers::from_toml(&text).ok())
            .is_some_and(|raw| raw.version.is_some())
}

/// What to do with an answers file given to `check`: apply it, or check what it wrote.
fn answers_given(path: &std::path::Path) -> Error {
    let p = path.display();
    let dir = path
        .parent()
        .filter(|d| !d.as_os_str().is_empty())
        .map_or_else(|| ".".to_string(), |d| d.display().to_string());
    Error::Usage(format!(
        "{p} is a hostwiz answers file, not deployment configuration: \
         `hostwiz apply --answers {p}` writes its files into {dir}; check those files, \
         or the starter's with `hostwiz check --repo DIR`"
    ))
}
