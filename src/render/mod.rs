//! Answers to files. Each host module renders its own files; every host also gets the checklist
//! and the answers themselves, so a re-run resumes and a review can diff the decision. The
//! string helpers here are shared by the hosts' renderers.

mod checklist;
pub mod secrets;

pub use checklist::{api_count, Checklist};

use crate::answers::Answers;
use crate::hosts;

/// A file to write, relative to the output directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: String,
    /// Written with the executable bit (scripts).
    pub executable: bool,
    /// Readable by the owner only (0600): a file that holds or will hold secrets.
    pub private: bool,
}

impl File {
    pub fn new(path: impl Into<String>, contents: String) -> Self {
        Self {
            path: path.into(),
            contents,
            executable: false,
            private: false,
        }
    }

    pub fn private(mut self) -> Self {
        self.private = true;
        self
    }

    /// The permission bits it is written with.
    pub fn mode(&self) -> u32 {
        match (self.executable, self.private) {
            (true, _) => 0o755,
            (false, true) => 0o600,
            (false, false) => 0o644,
        }
    }

    pub fn executable(mut self) -> Self {
        self.executable = true;
        self
    }
}

pub const ANSWERS_FILE: &str = "hostwiz.toml";

pub fn render(a: &Answers) -> Vec<File> {
    let mut files = hosts::module(a.host).render(a);
    files.push(File::new("CHECKLIST.md", checklist::render(a)));
    files.push(File::new(ANSWERS_FILE, answers_file(a)));
    files
}

/// The first line of every answers file written: taplo (Even Better TOML) reads the answers
/// schema from here, resolved next to the file (`hostwiz schema > answers.schema.json` puts it
/// there; there is no public URL to point at).
pub const SCHEMA_DIRECTIVE: &str = "#:schema ./answers.schema.json";

fn answers_file(a: &Answers) -> String {
    format!(
        "{SCHEMA_DIRECTIVE}\n# hostwiz answers: re-run with `hostwiz apply --answers hostwiz.toml`, or edit and re-run.\n\n{}",
        a.to_raw().to_toml()
    )
}

/// A YAML double-quoted scalar. Values are validated before they get here; quoting anyway
/// means no value can ever change the document's structure.
pub fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).expect("strings always serialize")
}

/// An HCL quoted string: JSON escapes plus HCL's template sequences.
pub fn hcl_str(s: &str) -> String {
    yaml_str(s).replace("${", "$${").replace("%{", "%%{")
}

/// Map entries for `hcl_map`: key and rendered value.
pub type HclEntries<'a> = Vec<(&'a str, String)>;

/// A Terraform blueprint's `api_env` (the API's settings beyond the blueprint's own `base`
/// env, which it merges them over) and `api_secrets` (references), as HCL map entries.
pub fn api_tfvars<'a>(
    plan: &'a crate::plan::Plan,
    base: &[&str],
) -> (HclEntries<'a>, HclEntries<'a>) {
    let api = plan
        .processes(crate::plan::Role::Api)
        .next()
        .expect("every plan has an API");
    let env = api
        .env
        .iter()
        .filter(|(k, _)| !base.contains(&k.as_str()))
        // A plan built from answers knows every value; an unknown is nothing to write.
        .filter_map(|(k, v)| Some((k.as_str(), hcl_str(v.value.known()?))))
        .collect();
    let secrets = api
        .secrets
        .iter()
        .map(|(k, v)| (k.as_str(), hcl_str(&v.value)))
        .collect();
    (env, secrets)
}

/// An HCL map attribute, `=` aligned the way `terraform fmt` aligns it.
pub fn hcl_map(w: &mut String, name: &str, entries: &[(&str, String)]) {
    out!(w, "{name} = {{");
    let width = entries.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in entries {
        out!(w, "  {k:width$} = {v}");
    }
    out!(w, "}}");
}

/// Attributes separated from the previous group by a blank line, with `=` aligned the way
/// `terraform fmt` aligns them.
pub fn hcl_group(w: &mut String, attrs: &[(&str, String)]) {
    out!(w);
    let width = attrs.iter().map(|(k, _)| k.len()).max().unwrap_or(0);
    for (k, v) in attrs {
        out!(w, "{k:width$} = {v}");
    }
}
