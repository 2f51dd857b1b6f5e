//! `hostwiz migrate worker`: an inline deployment (the API owns billing retries and replay) to
//! one dedicated worker, in the two phases of CONTRACTS.md ("Safe migration"): phase 1 takes
//! ownership away from the API with the worker still off, phase 2 starts exactly one worker.
//!
//! The existing files are read with `check`'s ingesters; each phase is the operator's own files
//! with only the settings that must change edited in place (comments kept), checked with the
//! same rules before anything is written. Phase 1 is knowingly without a retry owner, so its
//! files carry a dated `hostwiz:ignore BILL-006` on the API's retry flag. Writing goes through
//! [`crate::write`], as `apply` does.

mod doc;
pub(crate) mod yaml_edit;

use crate::answers::Host;
use crate::answers::WorkerMode;
use crate::contracts::{self, Contract, Finding, Severity};
use crate::error::{Error, Result};
use crate::ingest::detect::Kind;
use crate::ingest::{suppress, Input};
use crate::pipeline::{self, Context, Deployment};
use crate::plan::{Origin, Plan};
use crate::render::File;
use crate::write::{self, Planned};
use std::path::{Path, PathBuf};

pub const DEFAULT_OUT: &str = "hostwiz-out/migrate";
pub const GUIDE: &str = "MIGRATION.md";
/// How long phase 1 may stay in place before `check` complains again.
pub const GRACE_DAYS: i64 = 7;
/// What the starter logs in every process that does not own billing retries.
pub const DISABLED: &str = "Stripe dispatch retry worker disabled";

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub repo: Option<PathBuf>,
    pub out: Option<PathBuf>,
    pub dry_run: bool,
    pub yes: bool,
    /// As `check --env-file` / `--profile`: the same reading of the same files.
    pub env_files: Vec<PathBuf>,
    pub profiles: Vec<String>,
    /// Where a Kubernetes release runs, when `hostwiz.toml` does not say.
    pub namespace: Option<String>,
    pub release: Option<String>,
    /// As `check --caddy`: the `caddy` that adapts Caddyfiles.
    pub caddy: Option<PathBuf>,
}

/// One phase of one deployment: the files that differ from the operator's.
#[derive(Clone, Debug)]
pub struct Phase {
    pub changed: Vec<(Kind, Input)>,
    /// Compose profiles to pass as `--profile` (no env file carries them).
    pub profiles: Vec<String>,
}

impl Phase {
    /// Both phases from the original file and each phase's text; phase 2 also carries every
    /// file phase 1 changed, so either phase can be copied over the operator's originals.
    pub fn pair(kind: Kind, original: &Input, t1: String, t2: String) -> (Phase, Phase) {
        let changed1 = t1 != original.text;
        let input = |text: String| (kind, Input::new(original.path.clone(), text));
        let p1 = Phase {
            changed: if changed1 { vec![input(t1)] } else { vec![] },
            profiles: vec![],
        };
        let p2 = Phase {
            changed: if changed1 || t2 != original.text {
                vec![input(t2)]
            } else {
                vec![]
            },
            profiles: vec![],
        };
        (p1, p2)
    }
}

/// How one host deploys, watches and rolls back, given the files as they will be in place.
#[derive(Default)]
pub struct Operations {
    /// Shell variables the operator sets first (`RELEASE=starter`), with a comment each.
    pub vars: Vec<String>,
    /// The command that deploys with the files in place (phase 1 / 2 / original).
    pub deploy: [String; 3],
    /// What to run after deploying, before watching.
    pub settle: [String; 2],
    pub api_logs: String,
    pub worker_logs: String,
    /// Lists the API processes, to see that no old one remains.
    pub api_ps: String,
    /// Stops the worker (rollback of phase 2, step 1), after which none may remain.
    pub stop_worker: String,
}

/// What `migrate` decided for one deployment.
pub struct Report {
    pub host: Host,
    pub primary: String,
    /// The findings of the configuration as it is now.
    pub findings: Vec<Finding>,
    pub migrated: bool,
}

/// Everything decided before any write.
pub struct Outcome {
    pub reports: Vec<Report>,
    pub out: PathBuf,
    /// `phase-1/…`, `phase-2/…` and `MIGRATION.md`; empty when nothing needs migrating.
    pub files: Vec<File>,
}

/// Reads the deployments, builds and checks both phases of each inline one.
pub fn plan(opts: &Options) -> Result<Outcome> {
    let ctx = Context {
        namespace: opts.namespace.clone(),
        release: opts.release.clone(),
        ..pipeline::Options {
            env_files: opts.env_files.clone(),
            profiles: opts.profiles.clone(),
            caddy: opts.caddy.clone(),
            ..Default::default()
        }
        .context()?
    };
    let deployments = read(opts, &ctx)?;
    let out = opts
        .out
        .clone()
        .unwrap_or_else(|| PathBuf::from(DEFAULT_OUT));
    let until = add_days(suppress::today(), GRACE_DAYS);
    let mut reports = Vec::new();
    let mut sections = Vec::new();
    let mut files: Vec<File> = Vec::new();
    for d in deployments {
        let (plan, findings) = d.evaluate(&ctx)?;
        let inline = plan.worker_mode() == WorkerMode::Inline;
        reports.push(Report {
            host: d.host,
            primary: d.primary().to_string(),
            findings,
            migrated: inline,
        });
        if !inline {
            continue;
        }
        let (mut p1, p2) = d.module().phases(&d, &plan)?;
        suppress_bill_006(&d, &mut p1, until, &ctx)?;
        verify(&d, &p1, 1, &ctx)?;
        verify(&d, &p2, 2, &ctx)?;
        for (n, phase) in [(1, &p1), (2, &p2)] {
            for (_, input) in &phase.changed {
                let path = format!("phase-{n}/{}", file_name(&input.path));
                if files.iter().any(|f| f.path == path) {
                    return Err(Error::Usage(format!(
                        "two deployments would both write {path}: migrate them one at a time with --out"
                    )));
                }
                files.push(File::new(path, input.text.clone()));
            }
        }
        sections.push(doc::section(&d, &plan, &p1, &p2, &out, until, &ctx));
    }
    if !sections.is_empty() {
        files.push(File::new(GUIDE, doc::guide(&sections)));
    }
    Ok(Outcome {
        reports,
        out,
        files,
    })
}

pub fn file_name(path: &str) -> &str {
    path.rsplit(['/', '\\']).next().unwrap_or(path)
}

/// The folder part of a path, without its last slash.
pub fn dir_of(path: &str) -> &str {
    let d = &path[..path.len() - file_name(path).len()];
    d.trim_end_matches('/')
}

/// A path or word as one shell argument.
pub fn sh(path: &str) -> String {
    if path
        .chars()
        .all(|c| c.is_ascii_alphanumeric() || "/._-+:=@%".contains(c))
    {
        path.to_string()
    } else {
        format!("'{}'", path.replace('\'', "'\\''"))
    }
}

/// The deployments `check` would read from the same files. A named file that migrate cannot
/// edit is an error; in a checkout, such a deployment (a blueprint without tfvars) is passed
/// over, as long as another one can be migrated.
fn read(opts: &Options, ctx: &Context) -> Result<Vec<Deployment>> {
    let mut out = Vec::new();
    let mut passed_over = None;
    if let Some(repo) = &opts.repo {
        for d in load(
            pipeline::Options {
                repo: Some(repo.clone()),
                ..Default::default()
            },
            ctx,
        )? {
            match d.module().migratable(&d) {
                Ok(()) => out.push(d),
                Err(e) => {
                    passed_over.get_or_insert(e);
                }
            }
        }
    }
    if !opts.paths.is_empty() {
        for d in load(
            pipeline::Options {
                paths: opts.paths.clone(),
                ..Default::default()
            },
            ctx,
        )? {
            d.module().migratable(&d)?;
            out.push(d);
        }
    }
    if out.is_empty() {
        return Err(passed_over.unwrap_or_else(|| {
            Error::Usage(
                "nothing to migrate: name the deployment's files, or use --repo DIR for the starter's ops/ layout".into(),
            )
        }));
    }
    Ok(out)
}

fn load(opts: pipeline::Options, ctx: &Context) -> Result<Vec<Deployment>> {
    pipeline::deployments(&opts, ctx)?
        .into_iter()
        .map(|f| f.load())
        .collect()
}

/// Phase `n`'s plan and findings, with the profiles it is deployed with: the operator's but
/// `worker` (the phases decide it), the phase's own, and in phase 2 `worker` when the operator
/// named profiles (`--profile` replaces the env file's `COMPOSE_PROFILES`).
fn evaluate(d: &Deployment, phase: &Phase, n: u32, ctx: &Context) -> Result<(Plan, Vec<Finding>)> {
    d.overlay(&phase.changed).evaluate(&Context {
        profiles: phase_profiles(ctx, phase, n),
        ..ctx.clone()
    })
}

/// The profiles phase `n` is checked and deployed with (see [`evaluate`]).
pub(crate) fn phase_profiles(ctx: &Context, phase: &Phase, n: u32) -> Vec<String> {
    let worker = "worker".to_string();
    let mut all: Vec<String> = ctx
        .profiles
        .iter()
        .filter(|p| **p != worker)
        .cloned()
        .collect();
    if n == 2 && !ctx.profiles.is_empty() {
        all.push(worker);
    }
    for p in &phase.profiles {
        if !all.contains(p) {
            all.push(p.clone());
        }
    }
    all
}

pub fn suppression(until: (i32, u32, u32)) -> String {
    let (y, m, d) = until;
    format!("hostwiz:ignore BILL-006 reason=\"migration phase 1 of 2\" until={y:04}-{m:02}-{d:02}")
}

/// Puts the dated BILL-006 suppression on the line above each setting BILL-006 points at.
fn suppress_bill_006(
    d: &Deployment,
    p1: &mut Phase,
    until: (i32, u32, u32),
    ctx: &Context,
) -> Result<()> {
    let (_, findings) = evaluate(d, p1, 1, ctx)?;
    let mut at: Vec<(String, u32)> = findings
        .iter()
        .filter(|f| f.rule == "BILL-006")
        .filter_map(|f| match &f.origin {
            Origin::File { path, line, .. } => Some((path.clone(), *line)),
            _ => None,
        })
        .collect();
    at.sort();
    at.dedup();
    // From the bottom up, so earlier line numbers stay right.
    for (path, line) in at.into_iter().rev() {
        let Some((kind, input)) = p1.changed.iter_mut().find(|(_, i)| i.path == path) else {
            return Err(Error::NotWritten(format!(
                "phase 1 leaves the API's retry flag at {path}:{line}, a file migrate does not \
                 change; set ENABLE_BILLING_RETRY_WORKER there by hand"
            )));
        };
        let mut lines: Vec<String> = input.text.split_inclusive('\n').map(String::from).collect();
        let idx = (line as usize).saturating_sub(1).min(lines.len());
        let target = lines.get(idx).cloned().unwrap_or_default();
        // In Terraform a comment line splits the `=` alignment `terraform fmt` keeps, so the
        // file would no longer be in canonical form: there it goes at the end of the line.
        let hcl = *kind == Kind::Tfvars && !target.contains('#') && target.ends_with('\n');
        if hcl {
            lines[idx] = format!("{} # {}\n", target.trim_end(), suppression(until));
        } else {
            let indent = &target[..target.len() - target.trim_start().len()];
            lines.insert(idx, format!("{indent}# {}\n", suppression(until)));
        }
        input.text = lines.concat();
    }
    Ok(())
}

/// A phase must leave no unsuppressed billing error (other contracts are reported as found);
/// phase 2 must need no suppression from migrate at all.
fn verify(d: &Deployment, phase: &Phase, n: u32, ctx: &Context) -> Result<()> {
    let (plan, findings) = evaluate(d, phase, n, ctx)?;
    let expected = if n == 1 {
        WorkerMode::Inline
    } else {
        WorkerMode::Dedicated
    };
    let bad: Vec<String> = findings
        .iter()
        .filter(|f| f.severity == Severity::Error)
        .filter(|f| contracts::rule(f.rule).is_some_and(|r| r.contract == Contract::Billing))
        .filter(|f| f.suppressed.is_none() || (n == 2 && f.rule == "BILL-006"))
        .map(|f| format!("{} at {}: {}", f.rule, f.origin, f.message))
        .collect();
    if !bad.is_empty() || plan.worker_mode() != expected {
        return Err(Error::NotWritten(format!(
            "{}: phase {n} as migrate would write it still breaks the billing contract ({}); \
             please report this",
            d.primary(),
            if bad.is_empty() {
                format!("the worker mode is not {}", expected.as_str())
            } else {
                bad.join("; ")
            }
        )));
    }
    Ok(())
}

/// A date plus some days (proleptic Gregorian).
pub fn add_days((y, m, d): (i32, u32, u32), days: i64) -> (i32, u32, u32) {
    // Howard Hinnant's days_from_civil; its inverse is the one suppressions use for today.
    let y = i64::from(y) - i64::from(m <= 2);
    let era = y.div_euclid(400);
    let yoe = y - era * 400;
    let mp = (i64::from(m) + 9) % 12;
    let doy = (153 * mp + 2) / 5 + i64::from(d) - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    suppress::civil_from_days(era * 146_097 + doe - 719_468 + days)
}

/// Writes the planned phase files: the phase folders are made here, and never through a
/// symlink (`write::commit` creates the output folder only), so nothing lands outside it.
pub fn write_phases(dir: &Path, planned: &[Planned]) -> Result<Vec<write::Written>> {
    for n in [1, 2] {
        let sub = dir.join(format!("phase-{n}"));
        if !planned.iter().any(|p| p.target.starts_with(&sub)) {
            continue;
        }
        if std::fs::symlink_metadata(&sub).is_ok_and(|m| !m.is_dir()) {
            return Err(Error::NotWritten(format!(
                "refusing to write into {}: it is not a plain folder",
                sub.display()
            )));
        }
        std::fs::create_dir_all(&sub).map_err(|e| Error::io(&sub, "create the folder", e))?;
    }
    write::commit(dir, planned)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn adding_days_crosses_months_and_years() {
        assert_eq!(add_days((2026, 5, 24), 7), (2026, 5, 31));
        assert_eq!(add_days((2026, 5, 27), 7), (2026, 6, 3));
        assert_eq!(add_days((2026, 12, 28), 7), (2027, 1, 4));
        assert_eq!(add_days((2028, 2, 25), 7), (2028, 3, 3));
    }
}
