//! `hostwiz check`: existing files → one plan per deployment they describe → the same rules
//! the wizard uses → findings with file:line, suppressions applied.

use crate::answers::Host;
use crate::contracts::{self, Finding};
use crate::error::{Error, Result};
use crate::ingest::detect::{detect, Kind};
use crate::ingest::{envfile, gcloud, helm, manifests, suppress, terraform, vps, Input, Vars};
use crate::plan::Plan;
use std::io::Read;
use std::path::{Path, PathBuf};

#[derive(Clone, Debug, Default)]
pub struct Options {
    pub paths: Vec<PathBuf>,
    pub repo: Option<PathBuf>,
    pub host: Option<Host>,
    pub env_files: Vec<PathBuf>,
    pub profiles: Vec<String>,
    pub enabled_services: Option<PathBuf>,
}

/// One deployment checked: what it was read from, the plan, and its findings.
pub struct Checked {
    pub host: Host,
    /// The file findings without a line of their own (documented defaults) are reported at.
    pub primary: String,
    pub plan: Plan,
    pub findings: Vec<Finding>,
}

/// Files larger than this are refused rather than read: no deployment file comes near it.
const MAX_INPUT: u64 = 256 * 1024 * 1024;

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
    let mut groups: Vec<Group> = Vec::new();
    if let Some(repo) = &opts.repo {
        groups.extend(discover(repo, opts)?);
    }
    if !opts.paths.is_empty() {
        groups.extend(group(&opts.paths, opts)?);
    }
    if groups.is_empty() {
        if opts.enabled_services.is_some() {
            groups.push(Group::gcp(Vec::new(), Vec::new()));
        } else {
            return Err(Error::Usage(
                "nothing to check: name files (or - for stdin), or use --repo DIR for the starter's ops/ layout".into(),
            ));
        }
    }
    let env = opts
        .env_files
        .iter()
        .map(|p| read(p))
        .collect::<Result<Vec<_>>>()?;
    let enabled = opts.enabled_services.as_deref().map(read).transpose()?;
    let today = suppress::today();
    for g in groups
        .into_iter()
        .filter(|g| opts.host.is_none_or(|h| h == g.host))
    {
        f(g.check(&env, enabled.as_ref(), &opts.profiles, today)?)?;
    }
    Ok(())
}

/// The files of one deployment, by kind.
struct Group {
    host: Host,
    values: Vec<Src>,
    manifests: Option<Src>,
    caddyfiles: Vec<Src>,
    compose: Vec<Src>,
    env: Vec<Src>,
    tfvars: Vec<Src>,
    tf: Vec<Src>,
}

/// A file of a group, read when its group is checked: one group is in memory at a time, so
/// memory follows the largest deployment (for a manifest stream, the largest input), not the
/// sum of everything checked. Standard input can only be read once and is kept as read.
#[derive(Clone, Debug)]
enum Src {
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

fn load_all(files: Vec<Src>) -> Result<Vec<Input>> {
    files.into_iter().map(Src::load).collect()
}

impl Group {
    fn new(host: Host) -> Self {
        Self {
            host,
            values: Vec::new(),
            manifests: None,
            caddyfiles: Vec::new(),
            compose: Vec::new(),
            env: Vec::new(),
            tfvars: Vec::new(),
            tf: Vec::new(),
        }
    }

    fn gcp(tfvars: Vec<Src>, tf: Vec<Src>) -> Self {
        Self {
            tfvars,
            tf,
            ..Self::new(Host::Gcp)
        }
    }

    fn is_empty(&self) -> bool {
        self.values.is_empty()
            && self.manifests.is_none()
            && self.caddyfiles.is_empty()
            && self.compose.is_empty()
            && self.env.is_empty()
            && self.tfvars.is_empty()
            && self.tf.is_empty()
    }

    fn check(
        self,
        env: &[Input],
        enabled: Option<&Input>,
        profiles: &[String],
        today: (i32, u32, u32),
    ) -> Result<Checked> {
        let host = self.host;
        // Read in the order files are reported: the first one is where defaults are reported.
        let values = load_all(self.values)?;
        let manifests = self.manifests.map(Src::load).transpose()?;
        let caddyfiles = load_all(self.caddyfiles)?;
        let compose = load_all(self.compose)?;
        let own_env = load_all(self.env)?;
        let tfvars = load_all(self.tfvars)?;
        let tf = load_all(self.tf)?;
        let plan = match host {
            Host::K8s => match &manifests {
                Some(m) => manifests::manifests_plan(m)?,
                None => helm::values_plan(&values)?,
            },
            Host::Vps => {
                let mut vars = Vars::default();
                for e in own_env.iter().chain(env) {
                    vars.extend(envfile::parse(e)?);
                }
                vps::plan(&caddyfiles, &compose, &vars, profiles)?
            }
            Host::Gcp => {
                let enabled = enabled.map(gcloud::enabled).transpose()?;
                terraform::plan(&tfvars, &tf, enabled)?
            }
        };
        let inputs = || {
            values
                .iter()
                .chain(&manifests)
                .chain(&caddyfiles)
                .chain(&compose)
                .chain(&own_env)
                .chain(&tfvars)
                .chain(&tf)
        };
        let mut findings = contracts::check(&plan);
        let suppressions: Vec<_> = inputs().chain(env).flat_map(suppress::scan).collect();
        suppress::apply(&mut findings, &suppressions, today);
        findings.sort_by(|a, b| b.severity.cmp(&a.severity).then(a.rule.cmp(b.rule)));
        let primary = inputs()
            .next()
            .map_or_else(|| "-".to_string(), |i| i.path.clone());
        Ok(Checked {
            host,
            primary,
            plan,
            findings,
        })
    }
}

/// Files named on the command line: every manifest stream on its own, values files layered
/// in the order given, the VPS files together, the GCP files together.
fn group(paths: &[PathBuf], opts: &Options) -> Result<Vec<Group>> {
    let mut k8s = Group::new(Host::K8s);
    let mut vps = Group::new(Host::Vps);
    let mut gcp = Group::new(Host::Gcp);
    let mut out = Vec::new();
    for path in paths {
        // Read once to tell the kind; a named file is read again when its group is checked.
        let input = read(path)?;
        // Without a recognisable name or content, --host says how to read it where one kind
        // fits: values for k8s, variables for gcp.
        let fallback = match opts.host {
            Some(Host::K8s) => Some(Kind::HelmValues),
            Some(Host::Gcp) => Some(Kind::Tfvars),
            _ => None,
        };
        let kind = detect(&input).or(fallback).ok_or_else(|| {
            Error::Usage(format!(
                "cannot tell what {} is: name Helm values values*.yaml, Compose files *compose*.yml, \
                 a Caddyfile Caddyfile, env files *.env, Terraform *.tf / *.tfvars",
                input.path
            ))
        })?;
        if let Some(h) = opts.host {
            if h != kind.host() {
                return Err(Error::Usage(format!(
                    "{} is a {} (a {} file), but --host is {h}",
                    input.path,
                    kind.describe(),
                    kind.host()
                )));
            }
        }
        let input = if input.path == "<stdin>" {
            Src::Read(input)
        } else {
            Src::Path(path.clone())
        };
        match kind {
            Kind::HelmValues => k8s.values.push(input),
            Kind::Manifests => out.push(Group {
                manifests: Some(input),
                ..Group::new(Host::K8s)
            }),
            Kind::Caddyfile => vps.caddyfiles.push(input),
            Kind::Compose => vps.compose.push(input),
            Kind::EnvFile => vps.env.push(input),
            Kind::Tfvars => gcp.tfvars.push(input),
            Kind::Terraform => gcp.tf.push(input),
        }
    }
    for g in [k8s, vps, gcp] {
        if !g.is_empty() {
            out.push(g);
        }
    }
    Ok(out)
}

/// The starter's layout under `repo`: each Helm values file as its own environment on top of
/// `values.yaml`, the Compose deployment (the worker override only when the `worker` profile
/// is active, as it only matters then), each tfvars file with the blueprint's `.tf` files.
fn discover(repo: &Path, opts: &Options) -> Result<Vec<Group>> {
    let mut groups = Vec::new();
    let chart = repo.join("ops/charts/starter");
    if chart.is_dir() {
        let base_path = chart.join("values.yaml");
        let base = base_path.is_file().then_some(Src::Path(base_path));
        let envs: Vec<PathBuf> = files(&chart, |n| {
            n != "values.yaml"
                && n.starts_with("values")
                && (n.ends_with(".yaml") || n.ends_with(".yml"))
        })?;
        let layered = |extra: Option<Src>| Group {
            values: base.iter().cloned().chain(extra).collect(),
            ..Group::new(Host::K8s)
        };
        if envs.is_empty() {
            groups.push(layered(None));
        }
        for p in envs {
            groups.push(layered(Some(Src::Path(p))));
        }
    }
    let compose_dir = repo.join("ops/compose");
    if compose_dir.is_dir() {
        let mut g = Group::new(Host::Vps);
        // Env files are read now: whether the worker override counts depends on them.
        let env: Vec<Input> = files(&compose_dir, |n| n == ".env" || n.ends_with(".env"))?
            .iter()
            .map(|p| read(p))
            .collect::<Result<_>>()?;
        let caddyfile = compose_dir.join("caddy/Caddyfile");
        if caddyfile.is_file() {
            g.caddyfiles.push(Src::Path(caddyfile));
        }
        for name in [
            "docker-compose.prod.yml",
            "docker-compose.yml",
            "compose.yaml",
        ] {
            let p = compose_dir.join(name);
            if p.is_file() {
                g.compose.push(Src::Path(p));
                break;
            }
        }
        let worker_active = opts.profiles.iter().any(|p| p == "worker")
            || env.iter().any(|e| {
                e.text.lines().any(|l| {
                    l.trim_start()
                        .strip_prefix("COMPOSE_PROFILES=")
                        .is_some_and(|v| {
                            v.trim_matches(['"', '\''])
                                .split(',')
                                .any(|p| p.trim() == "worker")
                        })
                })
            });
        let worker = compose_dir.join("docker-compose.worker.yml");
        if worker_active && worker.is_file() {
            g.compose.push(Src::Path(worker));
        }
        g.env = env.into_iter().map(Src::Read).collect();
        groups.push(g);
    }
    let gcp_dir = repo.join("ops/infra/gcp");
    if gcp_dir.is_dir() {
        let tf: Vec<Src> = files(&gcp_dir, |n| n.ends_with(".tf"))?
            .into_iter()
            .map(Src::Path)
            .collect();
        let tfvars = files(&gcp_dir, |n| {
            n.ends_with(".tfvars") || n.ends_with(".tfvars.json")
        })?;
        if tfvars.is_empty() {
            groups.push(Group::gcp(Vec::new(), tf.clone()));
        }
        for p in tfvars {
            groups.push(Group::gcp(vec![Src::Path(p)], tf.clone()));
        }
    }
    if groups.is_empty() {
        return Err(Error::Usage(format!(
            "{} has none of the starter's layout (ops/charts/starter, ops/compose, ops/infra/gcp)",
            repo.display()
        )));
    }
    Ok(groups)
}

fn files(dir: &Path, keep: impl Fn(&str) -> bool) -> Result<Vec<PathBuf>> {
    let mut found: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| Error::io(dir, "read the folder", e))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.is_file() && p.file_name().and_then(|n| n.to_str()).is_some_and(&keep))
        .collect();
    found.sort();
    Ok(found)
}

/// Reads one input: `-` is standard input; a folder, a missing file, a binary or empty file
/// each get a message that says what to do.
pub fn read(path: &Path) -> Result<Input> {
    // `--repo .` joins to `./ops/...`; findings read better without the `./`.
    let shown = path.display().to_string();
    let shown = shown
        .strip_prefix("./")
        .map(str::to_string)
        .unwrap_or(shown);
    let mut bytes = Vec::new();
    if shown == "-" {
        std::io::stdin()
            .take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io("standard input", "read", e))?;
    } else {
        if path.is_dir() {
            return Err(Error::Usage(format!(
                "{shown} is a folder: name the files in it, or use --repo {shown} for the starter's ops/ layout"
            )));
        }
        let file = std::fs::File::open(path).map_err(|e| Error::io(path, "read", e))?;
        file.take(MAX_INPUT + 1)
            .read_to_end(&mut bytes)
            .map_err(|e| Error::io(path, "read", e))?;
    }
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
        return Err(fail("larger than 256 MiB; not a deployment file"));
    }
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return Err(fail("is empty; expected a deployment file (Helm values, manifests, Caddyfile, Compose, env, Terraform)"));
    }
    if bytes.contains(&0) {
        return Err(fail("is a binary file; expected text"));
    }
    let text = String::from_utf8(bytes).map_err(|_| fail("is not UTF-8 text"))?;
    Ok(Input::new(name, text))
}
