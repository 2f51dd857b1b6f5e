//! `hostwiz gcp services`: every API of the catalog, whether this deployment needs it and why,
//! whether the blueprint lists it and the project has it, and what to do about it; then the one
//! `gcloud services enable …` command for everything missing and the Terraform change when the
//! blueprint's list lacks an always-needed API.
//!
//! [`review`] judges a [`Services`] and nothing else; [`load`] builds that from the blueprint
//! folder, an answers file and a `gcloud services list --enabled` dump. The CLI only prints.

use super::{files_plan, gcloud};
use crate::catalog::{self, When};
use crate::error::{Error, Result};
use crate::ingest::Input;
use crate::pipeline;
use crate::plan::{Origin, Plan, Services, Sourced};
use crate::source::{self, Source};
use serde::Serialize;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// What the operator pointed the review at; every input is optional.
#[derive(Clone, Debug, Default)]
pub struct Options {
    /// The blueprint folder (`ops/infra/gcp`): its `.tf` files and any `.tfvars` in it.
    pub tf: Option<PathBuf>,
    /// An answers file (hostwiz.toml) for `host = "gcp"`.
    pub answers: Option<PathBuf>,
    /// `gcloud services list --enabled` output, either form.
    pub enabled: Option<PathBuf>,
}

/// What to do about one API.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Action {
    /// Needed and the project has it.
    Enabled,
    /// Needed; Terraform enables it (enablement on, the blueprint lists it).
    Terraform,
    /// Needed; Terraform enables it, and the enabled list shows it is not on yet.
    TerraformNotYet,
    /// Needed and nobody else will: enable it before the first apply.
    ByHand,
    /// An always-needed API the blueprint's list lacks, with enablement on.
    AddToBlueprint,
    NotNeeded,
}

impl Action {
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Enabled => "ok (enabled)",
            Action::Terraform => "Terraform enables it",
            Action::TerraformNotYet => "Terraform enables it (not enabled yet)",
            Action::ByHand => "enable by hand before the first apply",
            Action::AddToBlueprint => "add to required_project_services",
            Action::NotNeeded => "not needed",
        }
    }
}

/// One row of the table.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ApiRow {
    pub name: String,
    /// `None` for an API the operator added that the catalog does not know.
    pub when: Option<When>,
    pub needed: bool,
    /// Why it is needed: the catalog's `needed_by`, or the condition and the setting that
    /// switched it on. `None` when not needed.
    pub why: Option<String>,
    /// `None` when the blueprint's list was not read.
    pub in_blueprint: Option<bool>,
    /// `None` without an enabled-services list.
    pub enabled: Option<bool>,
    pub action: Action,
    /// Needed, not enabled, and Terraform will not enable it.
    pub missing: bool,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Review {
    pub apis: Vec<ApiRow>,
    pub project_id: Option<Sourced<String>>,
    pub enable_project_services: Sourced<bool>,
    /// Where the blueprint's list was read, when it was.
    pub blueprint_at: Option<Origin>,
    /// Everything to enable by hand, bootstrap APIs first.
    pub missing: Vec<String>,
    /// Always-needed APIs the blueprint's list lacks while enablement is on (SVC-001).
    pub blueprint_lacks: Vec<String>,
    /// `gcloud services enable …` for [`Review::missing`]; `None` when nothing is missing.
    pub command: Option<String>,
    /// The blueprint's list with [`Review::blueprint_lacks`] added; `None` when nothing lacks.
    pub terraform: Option<String>,
}

impl Review {
    /// Exit 1: a needed API is known to be missing (the project's list shows it off), or the
    /// blueprint lacks an always-needed one. A needed API whose state is unknown (no
    /// enabled-services list) is listed with the command to run, as `check` warns about it,
    /// but does not fail.
    pub fn failing(&self) -> bool {
        self.problems() > 0
    }

    /// How many distinct APIs need attention: known missing, or lacking from the blueprint.
    pub fn problems(&self) -> usize {
        let known_missing = self
            .apis
            .iter()
            .filter(|r| r.missing && r.enabled == Some(false))
            .map(|r| &r.name);
        let mut names: Vec<&String> = known_missing.chain(&self.blueprint_lacks).collect();
        names.sort();
        names.dedup();
        names.len()
    }
}

/// Judges the services of a plan. Pure: same input, same review.
pub fn review(s: &Services) -> Review {
    let on = s.enable_project_services.value;
    let blueprint = s.blueprint.as_ref().map(|b| &b.value);
    let listed = |name: &str| blueprint.map(|b| b.iter().any(|n| n == name));
    let enabled = |name: &str| {
        s.enabled
            .as_ref()
            .map(|e| e.value.iter().any(|n| n == name))
    };
    let extra_why = |name: &str| {
        s.extra
            .iter()
            .find(|e| e.value == name)
            .map(|e| format!("operator's extra list ({})", e.origin))
    };

    let mut rows = Vec::new();
    let catalog_rows = catalog::apis().iter().map(|a| (a.name.clone(), Some(a)));
    let extra_rows = s
        .extra
        .iter()
        .filter(|e| catalog::lookup(&e.value).is_none())
        .map(|e| (e.value.clone(), None));
    let mut seen = Vec::new();
    for (name, api) in catalog_rows.chain(extra_rows) {
        if seen.contains(&name) {
            continue;
        }
        seen.push(name.clone());
        let when = api.map(|a| a.when);
        let why = match when {
            Some(When::Always) | Some(When::Bootstrap) => api.map(|a| a.needed_by.clone()),
            Some(When::If(c)) => s
                .conditions
                .iter()
                .find(|x| x.value == c)
                .map(|x| format!("{} ({})", c.describe(), x.origin))
                .or_else(|| extra_why(&name)),
            None => extra_why(&name),
        };
        let needed = why.is_some();
        let in_blueprint = listed(&name);
        let is_enabled = enabled(&name);
        // Terraform enables what the blueprint lists, when enablement is on; never the
        // bootstrap APIs (it needs them to enable anything). An unread list is taken to hold
        // the always-needed APIs, as the starter's does.
        let by_terraform = on
            && when != Some(When::Bootstrap)
            && match in_blueprint {
                Some(listed) => listed,
                None => when == Some(When::Always),
            };
        let lacks = on && when == Some(When::Always) && in_blueprint == Some(false);
        let missing = needed && is_enabled != Some(true) && !by_terraform;
        let action = if !needed {
            Action::NotNeeded
        } else if lacks {
            Action::AddToBlueprint
        } else if is_enabled == Some(true) {
            Action::Enabled
        } else if by_terraform {
            if is_enabled == Some(false) {
                Action::TerraformNotYet
            } else {
                Action::Terraform
            }
        } else {
            Action::ByHand
        };
        rows.push(ApiRow {
            name,
            when,
            needed,
            why,
            in_blueprint,
            enabled: is_enabled,
            action,
            missing,
        });
    }

    let mut missing: Vec<String> = rows
        .iter()
        .filter(|r| r.missing && r.when == Some(When::Bootstrap))
        .chain(
            rows.iter()
                .filter(|r| r.missing && r.when != Some(When::Bootstrap)),
        )
        .map(|r| r.name.clone())
        .collect();
    missing.dedup();
    let blueprint_lacks: Vec<String> = rows
        .iter()
        .filter(|r| r.action == Action::AddToBlueprint)
        .map(|r| r.name.clone())
        .collect();
    let command = (!missing.is_empty()).then(|| crate::contracts::enable_command(s, &missing));
    let terraform = match (&s.blueprint, blueprint_lacks.is_empty()) {
        (Some(list), false) => Some(snippet(&list.value, &blueprint_lacks)),
        _ => None,
    };
    Review {
        apis: rows,
        project_id: s.project_id.clone(),
        enable_project_services: s.enable_project_services.clone(),
        blueprint_at: s.blueprint.as_ref().map(|b| b.origin.clone()),
        missing,
        blueprint_lacks,
        command,
        terraform,
    }
}

/// The blueprint's `locals` entry with the lacking APIs added, each saying what needs it.
fn snippet(list: &[String], add: &[String]) -> String {
    let mut s = String::from("locals {\n  required_project_services = toset([\n");
    for name in list {
        let _ = writeln!(s, "    \"{name}\",");
    }
    for name in add {
        let by = catalog::lookup(name).map_or("", |a| a.needed_by.as_str());
        let _ = writeln!(s, "    \"{name}\", # added: {by}");
    }
    s.push_str("  ])\n}\n");
    s
}

/// What `gcp services` says when given nothing to review.
pub const NOTHING_GIVEN: &str = "gcp services needs what to review: --tf DIR (the blueprint's \
     folder, such as ops/infra/gcp) and/or --answers FILE (answers for host = \"gcp\", such as \
     a hostwiz.toml written before); add --enabled FILE (`gcloud services list --enabled` \
     output) to compare with the project";

/// Reads the inputs into the [`Services`] the review judges.
///
/// The blueprint's list comes from the `.tf` files in `--tf`; `enable_project_services` and
/// `project_id` from its `.tfvars` files (layered in name order) where they set them, else
/// from the answers, else the blueprint's defaults; conditions from both; extra APIs from
/// the answers; the enabled list from `--enabled`.
pub fn load(opts: &Options) -> Result<Services> {
    if opts.tf.is_none() && opts.answers.is_none() && opts.enabled.is_none() {
        return Err(Error::Usage(NOTHING_GIVEN.into()));
    }
    let from_tf = match &opts.tf {
        Some(dir) => Some(tf_services(dir)?),
        None => None,
    };
    let from_answers = match &opts.answers {
        Some(path) => {
            let answers = source::load(&Source::File(path.clone()), &[])?;
            let host = answers.host;
            let services = Plan::from(&answers).services.ok_or_else(|| {
                Error::Usage(format!(
                    "{}: host = \"{}\"; the GCP services review needs answers for host = \"gcp\"",
                    path.display(),
                    host.as_str()
                ))
            })?;
            Some(services)
        }
        None => None,
    };
    let enabled = match &opts.enabled {
        Some(path) => Some(read_enabled(path)?),
        None => None,
    };
    let base = from_tf
        .clone()
        .or_else(|| from_answers.clone())
        .unwrap_or_else(|| Services {
            project_id: None,
            enable_project_services: Sourced::new(
                true,
                Origin::Default("the blueprint's variables.tf"),
            ),
            blueprint: None,
            enabled: None,
            conditions: Vec::new(),
            extra: Vec::new(),
            overrides: None,
        });
    let mut s = base;
    if let (Some(tf), Some(a)) = (&from_tf, &from_answers) {
        let set_in_file = |o: &Origin| matches!(o, Origin::File { .. });
        if !set_in_file(&tf.enable_project_services.origin) {
            s.enable_project_services = a.enable_project_services.clone();
        }
        if tf.project_id.is_none() {
            s.project_id = a.project_id.clone();
        }
        for c in &a.conditions {
            if !s.conditions.iter().any(|x| x.value == c.value) {
                s.conditions.push(c.clone());
            }
        }
        s.extra = a.extra.clone();
    }
    s.enabled = enabled;
    Ok(s)
}

fn tf_services(dir: &Path) -> Result<Services> {
    if !dir.is_dir() {
        let e = std::fs::metadata(dir).err().unwrap_or_else(|| {
            std::io::Error::new(std::io::ErrorKind::InvalidInput, "not a folder")
        });
        return Err(Error::io(dir, "read the blueprint folder", e));
    }
    let tf = pipeline::files(dir, |n| n.ends_with(".tf"))?
        .iter()
        .map(|p| pipeline::read(p))
        .collect::<Result<Vec<_>>>()?;
    let tfvars = pipeline::files(dir, |n| {
        n.ends_with(".tfvars") || n.ends_with(".tfvars.json")
    })?
    .iter()
    .map(|p| pipeline::read(p))
    .collect::<Result<Vec<_>>>()?;
    if tf.is_empty() && tfvars.is_empty() {
        return Err(Error::Usage(format!(
            "{} has no .tf or .tfvars files: --tf names the blueprint's folder, such as ops/infra/gcp",
            dir.display()
        )));
    }
    let plan = files_plan(&tfvars, &tf, None)?;
    Ok(plan.services.expect("a Terraform plan always has services"))
}

/// `gcloud services list --enabled` output; an empty file is an empty project.
fn read_enabled(path: &Path) -> Result<Sourced<Vec<String>>> {
    let bytes = crate::ingest::bounded::read(
        path,
        crate::ingest::bounded::MAX_LIST,
        "`gcloud services list --enabled` output",
        "read the enabled-services list",
    )?;
    let shown = path.display().to_string();
    let text = String::from_utf8(bytes).map_err(|_| Error::Parse {
        path: shown.clone(),
        message: "is not UTF-8 text; expected `gcloud services list --enabled` output".into(),
    })?;
    Ok(gcloud::enabled(&Input::new(shown, text))?)
}

fn yes_no(v: Option<bool>) -> &'static str {
    match v {
        Some(true) => "yes",
        Some(false) => "no",
        None => "?",
    }
}

/// The table, then the command, then the Terraform change.
pub fn text(r: &Review) -> String {
    let mut s = String::new();
    let _ = writeln!(
        s,
        "project: {}   enable_project_services = {} ({})",
        r.project_id.as_ref().map_or("?", |p| p.value.as_str()),
        r.enable_project_services.value,
        r.enable_project_services.origin
    );
    let _ = writeln!(
        s,
        "blueprint list: {}",
        r.blueprint_at
            .as_ref()
            .map_or("not read (give --tf DIR)".to_string(), |o| o.to_string())
    );
    s.push('\n');
    let header = ["API", "NEEDED", "BLUEPRINT", "ENABLED", "ACTION", "WHY"];
    let cells: Vec<[String; 6]> = r
        .apis
        .iter()
        .map(|a| {
            let why = match (&a.why, a.when) {
                (Some(w), _) => w.clone(),
                (None, Some(When::If(c))) => format!("only when {}", c.describe()),
                (None, _) => String::new(),
            };
            [
                a.name.clone(),
                if a.needed { "yes" } else { "no" }.to_string(),
                yes_no(a.in_blueprint).to_string(),
                yes_no(a.enabled).to_string(),
                a.action.as_str().to_string(),
                why,
            ]
        })
        .collect();
    let mut widths = header.map(str::len);
    for row in &cells {
        for (w, c) in widths.iter_mut().zip(row) {
            *w = (*w).max(c.chars().count());
        }
    }
    let mut line = |cols: [&str; 6]| {
        let mut l = String::new();
        for (i, c) in cols.iter().enumerate() {
            if i + 1 == cols.len() {
                l.push_str(c);
            } else {
                let _ = write!(l, "{c:<w$}  ", w = widths[i]);
            }
        }
        s.push_str(l.trim_end());
        s.push('\n');
    };
    line(header);
    for row in &cells {
        line(row.each_ref().map(String::as_str));
    }
    s.push('\n');
    match &r.command {
        Some(cmd) => {
            let _ = writeln!(
                s,
                "Enable by hand ({} API{}, bootstrap APIs first):\n  {cmd}",
                r.missing.len(),
                if r.missing.len() == 1 { "" } else { "s" }
            );
        }
        None => s.push_str("Nothing to enable by hand.\n"),
    }
    if let Some(tf) = &r.terraform {
        let at = r
            .blueprint_at
            .as_ref()
            .map_or(String::new(), |o| format!(" at {o}"));
        let _ = writeln!(
            s,
            "\nrequired_project_services{at} lacks {}; change it to:",
            r.blueprint_lacks.join(", ")
        );
        for l in tf.lines() {
            let _ = writeln!(s, "  {l}");
        }
    }
    s
}

/// `{"apis": [...], "command", "terraform", "missing"}`, pretty, in that key order; `null` for
/// unknown.
pub fn json(r: &Review) -> String {
    #[derive(Serialize)]
    struct Row<'a> {
        name: &'a str,
        needed: bool,
        why: Option<&'a str>,
        in_blueprint: Option<bool>,
        enabled: Option<bool>,
        action: &'a str,
    }
    #[derive(Serialize)]
    struct Out<'a> {
        apis: Vec<Row<'a>>,
        command: Option<&'a str>,
        terraform: Option<&'a str>,
        missing: &'a [String],
    }
    let out = Out {
        apis: r
            .apis
            .iter()
            .map(|a| Row {
                name: &a.name,
                needed: a.needed,
                why: a.why.as_deref(),
                in_blueprint: a.in_blueprint,
                enabled: a.enabled,
                action: a.action.as_str(),
            })
            .collect(),
        command: r.command.as_deref(),
        terraform: r.terraform.as_deref(),
        missing: &r.missing,
    };
    let mut s = serde_json::to_string_pretty(&out).expect("plain data serializes");
    s.push('\n');
    s
}
