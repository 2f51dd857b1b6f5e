//! The one reading of files: files → deployments → Plan → findings. `check`, `migrate`,
//! `gcp services` and the wizard's start from a checkout all read through here, so they always
//! see the same deployments the same way.

use crate::answers::Host;
use crate::contracts::{self, Finding};
use crate::error::{Error, Result};
use crate::hosts::{self, HostModule};
use crate::ingest::detect::{detect, Kind};
use crate::ingest::{suppress, Input};
use crate::plan::Plan;
use std::path::{Path, PathBuf};

/// What to read: files named on the command line, the starter's layout under a checkout, or
/// both, with what every deployment of them shares.
#[derive(Clone, Debug, Default)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub repo: Option<PathBuf>,
    pub host: Option<Host>,
    pub env_files: Vec<PathBuf>,
    pub profiles: Vec<String>,
    pub enabled_services: Option<PathBuf>,
    /// The `helm` to render charts with (`--helm`); `HOSTWIZ_HELM` or PATH otherwise.
    pub helm: Option<PathBuf>,
    /// The `caddy` to adapt Caddyfiles with (`--caddy`); `HOSTWIZ_CADDY` or PATH otherwise.
    pub caddy: Option<PathBuf>,
}

/// What every deployment is read with: the env files and profiles given, and the project's
/// enabled services.
#[derive(Clone, Debug, Default)]
pub struct Context {
    pub env: Vec<Input>,
    pub profiles: Vec<String>,
    pub enabled: Option<Input>,
    /// Where the deployment runs, as the operator said it (`migrate --namespace/--release`).
    pub namespace: Option<String>,
    pub release: Option<String>,
    /// The `helm` that renders the repo's chart; `None`: the documented chart semantics apply.
    pub helm: Option<PathBuf>,
    /// The `caddy` that adapts Caddyfiles; `None`: hostwiz's own Caddyfile reader decides.
    pub caddy: Option<PathBuf>,
    /// The checkout `--repo` names, while its files are discovered: nothing outside it is read.
    pub tree: Option<PathBuf>,
}

/// A file of a deployment, read when its deployment is: one deployment is in memory at a
/// time, so memory follows the largest deployment, not the sum of everything read. Standard
/// input can only be read once and is kept as read.
#[derive(Clone, Debug)]
pub enum Src {
    Path(PathBuf),
    Read(Input),
}

impl Src {
    fn load(self) -> Result<Input> {
        match self {
            Src::Path(p) => read(&p),
            Src::Read(i) => Ok(i),
        }
    }
}

/// A deployment found, its files not read yet.
#[derive(Clone, Debug)]
pub struct Found {
    pub host: Host,
    pub files: Vec<(Kind, Src)>,
}

impl Found {
    pub fn new(host: Host, files: Vec<(Kind, Src)>) -> Self {
        Self { host, files }
    }

    /// Reads its files, in the order findings report them.
    pub fn load(self) -> Result<Deployment> {
        let files = self
            .files
            .into_iter()
            .map(|(k, s)| s.load().map(|i| (k, i)))
            .collect::<Result<_>>()?;
        Ok(Deployment {
            host: self.host,
            files,
        })
    }
}

/// The files of one deployment, as read.
#[derive(Clone, Debug)]
pub struct Deployment {
    pub host: Host,
    pub files: Vec<(Kind, Input)>,
}

impl Deployment {
    pub fn of(&self, kind: Kind) -> impl Iterator<Item = &Input> {
        self.files
            .iter()
            .filter(move |(k, _)| *k == kind)
            .map(|(_, i)| i)
    }

    /// The file findings without a line of their own (documented defaults) are reported at.
    pub fn primary(&self) -> &str {
        self.files.first().map_or("-", |(_, i)| i.path.as_str())
    }

    pub fn module(&self) -> &'static dyn HostModule {
        hosts::module(self.host)
    }

    /// The same deployment with `changed` files replacing those of the same path, new ones
    /// added at the end (a Compose override after the operator's Compose files).
    pub fn overlay(&self, changed: &[(Kind, Input)]) -> Deployment {
        let mut files = self.files.clone();
        for (kind, input) in changed {
            match files.iter_mut().find(|(_, i)| i.path == input.path) {
                Some(slot) => slot.1 = input.clone(),
                None => files.push((*kind, input.clone())),
            }
        }
        Deployment {
            host: self.host,
            files,
        }
    }

    /// The plan and its findings, suppressions in the files (and the env files given) applied.
    pub fn evaluate(&self, ctx: &Context) -> Result<(Plan, Vec<Finding>)> {
        let plan = self.module().read(self, ctx)?;
        let suppressions = self.suppressions(ctx);
        Ok(judged(plan, &suppressions))
    }

    /// [`Self::evaluate`] of a deployment not needed afterwards: its files' text is dropped
    /// once the plan is read and the suppressions found, so a large stream is not held while
    /// the rules run and their findings are written.
    pub fn judge(self, ctx: &Context) -> Result<(Plan, Vec<Finding>)> {
        let plan = self.module().read(&self, ctx)?;
        let suppressions = self.suppressions(ctx);
        drop(self);
        Ok(judged(plan, &suppressions))
    }

    fn suppressions(&self, ctx: &Context) -> Vec<suppress::Suppression> {
        self.files
            .iter()
            .map(|(_, i)| i)
            .chain(&ctx.env)
            .flat_map(suppress::scan)
            .collect()
    }
}

/// The plan's findings, suppressions applied, the worst first.
fn judged(plan: Plan, suppressions: &[suppress::Suppression]) -> (Plan, Vec<Finding>) {
    let mut findings = contracts::check(&plan);
    suppress::apply(&mut findings, suppressions, suppress::today());
    findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(b.rule)));
    (plan, findings)
}

impl Options {
    /// The env files, profiles and enabled-services dump, read once for every deployment.
    pub fn context(&self) -> Result<Context> {
        Ok(Context {
            env: self
                .env_files
                .iter()
                .map(|p| read(p))
                .collect::<Result<_>>()?,
            profiles: self.profiles.clone(),
            enabled: self.enabled_services.as_deref().map(read).transpose()?,
            namespace: None,
            release: None,
            helm: crate::hosts::k8s::helm_binary(self.helm.as_deref()),
            caddy: crate::hosts::vps::caddy_binary(self.caddy.as_deref()),
            tree: None,
        })
    }
}

/// The deployments to read: the starter's layout under `--repo`, then the files named, grouped
/// by host (each host decides what belongs together), filtered by `--host`.
pub fn deployments(opts: &Options, ctx: &Context) -> Result<Vec<Found>> {
    let mut found = Vec::new();
    if let Some(repo) = &opts.repo {
        found.extend(discover(repo, ctx)?);
    }
    if !opts.paths.is_empty() {
        found.extend(group(&opts.paths, opts.host)?);
    }
    found.retain(|d| opts.host.is_none_or(|h| h == d.host));
    Ok(found)
}

/// Files named on the command line, each host's kinds handed to that host to group.
fn group(paths: &[PathBuf], host: Option<Host>) -> Result<Vec<Found>> {
    let mut by_host: Vec<(Host, Vec<(Kind, Src)>)> = Vec::new();
    for path in paths {
        // Read once to tell the kind; a named file is read again when its deployment is.
        let input = read(path)?;
        let fallback = host.and_then(|h| hosts::module(h).fallback_kind());
        let kind = detect(&input).or(fallback).ok_or_else(|| {
            Error::Usage(format!(
                "cannot tell what {} is: name Helm values values*.yaml, Compose files *compose*.yml, \
                 a Caddyfile Caddyfile, env files *.env, Terraform *.tf / *.tfvars",
                input.path
            ))
        })?;
        // With --host, a kind that host reads is its; else the host that claims the file.
        let of = match host {
            Some(h) if hosts::module(h).kinds().contains(&kind) => h,
            _ => hosts::of_input(kind, &input),
        };
        if let Some(h) = host.filter(|h| *h != of) {
            return Err(Error::Usage(format!(
                "{} is a {} (a {of} file), but --host is {h}",
                input.path,
                kind.describe(),
            )));
        }
        // Standard input can be read only once; a single file is kept as read rather than read
        // twice (it may be a gigabyte). Of several, each is read again when its deployment is,
        // so only one is in memory at a time.
        let src = if input.path == "<stdin>" || paths.len() == 1 {
            Src::Read(input)
        } else {
            Src::Path(path.clone())
        };
        match by_host.iter_mut().find(|(h, _)| *h == of) {
            Some((_, files)) => files.push((kind, src)),
            None => by_host.push((of, vec![(kind, src)])),
        }
    }
    // Reported in the registry's order, whatever the order of the arguments.
    by_host.sort_by_key(|(h, _)| Host::ALL.iter().position(|x| x == h));
    Ok(by_host
        .into_iter()
        .flat_map(|(h, files)| hosts::module(h).group(files))
        .collect())
}

/// The starter's layout under `repo`: each host's folder, as that host finds it.
fn discover(repo: &Path, ctx: &Context) -> Result<Vec<Found>> {
    let ctx = &Context {
        tree: Some(repo.to_path_buf()),
        ..ctx.clone()
    };
    let mut found = Vec::new();
    let mut any = false;
    for m in hosts::all() {
        let dir = repo.join(m.layout());
        if dir.is_dir() {
            any = true;
            found.extend(m.discover(&dir, ctx)?);
        }
    }
    for d in &found {
        for (_, src) in &d.files {
            if let Src::Path(p) = src {
                inside_tree(repo, p)?;
            }
        }
    }
    if !any {
        let layouts: Vec<&str> = hosts::all().map(|m| m.layout()).collect();
        return Err(Error::Usage(format!(
            "{} has none of the starter's layout ({})",
            repo.display(),
            layouts.join(", ")
        )));
    }
    Ok(found)
}

/// The files directly in `dir` whose names `keep` accepts, sorted.
pub fn files(dir: &Path, keep: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, "read the folder", e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .collect();
    found.sort();
    Ok(found)
}

use crate::ingest::bounded::{self, MAX_INPUT};

/// [`read`], refusing a file outside the checkout being discovered ([`inside_tree`]).
pub fn read_in_tree(ctx: &Context, path: &Path) -> Result<Input> {
    if let Some(tree) = &ctx.tree {
        inside_tree(tree, path)?;
    }
    read(path)
}

/// Refuses a file of `--repo` that a symlink (of the file or a folder above it) takes outside
/// the checkout: its lines would be printed in findings and SARIF as if they were the repo's.
pub fn inside_tree(repo: &Path, path: &Path) -> Result<()> {
    let root = std::fs::canonicalize(repo).map_err(|e| Error::io(repo, "open", e))?;
    let real = std::fs::canonicalize(path).map_err(|e| Error::io(path, "open", e))?;
    if real.starts_with(&root) {
        return Ok(());
    }
    Err(Error::Usage(format!(
        "{} leads to {}, outside {}: hostwiz reads only files inside the checkout (name the \
         file itself to check it)",
        path.display(),
        real.display(),
        repo.display()
    )))
}

/// Reads one input: `-` is standard input; a folder, a missing file, a binary or empty file
/// each get a message that says what to do.
pub fn read(path: &Path) -> Result<Input> {
    // `--repo .` joins to `./ops/...`; findings read better without the `./` and `..` parts.
    let shown = match path.as_os_str() == "-" {
        true => "-".to_string(),
        false => crate::ingest::shown_path(path),
    };
    let bytes = if shown == "-" {
        bounded::read_stdin(MAX_INPUT, "a deployment file")?
    } else {
        if path.is_dir() {
            return Err(Error::Usage(format!(
                "{shown} is a folder: name the files in it, or use --repo {shown} for the starter's ops/ layout"
            )));
        }
        bounded::read(path, MAX_INPUT, "a deployment file", "read").map_err(|e| match e {
            Error::Parse { message, .. } => Error::Parse {
                path: shown.clone(),
                message,
            },
            e => e,
        })?
    };
    let name = if shown == "-" {
        "<stdin>".to_string()
    } else {
        shown
    };
    let fail = |message: &str| Error::Parse {
        path: name.clone(),
        message: message.to_string(),
    };
    if bytes.len() as u64 > MAX_INPUT {
        return Err(fail(&format!(
            "larger than {} MiB; not a deployment file",
            MAX_INPUT >> 20
        )));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(fail("is empty; expected a deployment file (Helm values, manifests, Caddyfile, Compose, env, Terraform)"));
    }
    if memchr::memchr(0, &bytes).is_some() {
        return Err(fail("is a binary file; expected text"));
    }
    let mut text = String::from_utf8(bytes).map_err(|_| fail("is not UTF-8 text"))?;
    // Helm, Caddy, Compose and Terraform all skip a UTF-8 byte-order mark; read as they do.
    if text.starts_with('\u{feff}') {
        text.drain(..'\u{feff}'.len_utf8());
    }
    Ok(Input::new(name, text))
}
