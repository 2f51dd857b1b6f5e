//! Answers to files. Each host has its own renderer; every host also gets the checklist and
//! the answers themselves, so a re-run resumes and a review can diff the decision.

/// `writeln!` into a `String`, which cannot fail.
macro_rules! out {
    ($w:expr) => {
        $w.push('\n')
    };
    ($w:expr, $($arg:tt)*) => {{
        use std::fmt::Write as _;
        writeln!($w, $($arg)*).expect("writing to a String cannot fail");
    }};
}

mod checklist;
mod helm;
mod terraform;
mod vps;

use crate::answers::{Answers, Host};

/// A file to write, relative to the output directory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct File {
    pub path: String,
    pub contents: String,
    /// Written with the executable bit (scripts).
    pub executable: bool,
}

impl File {
    fn new(path: impl Into<String>, contents: String) -> Self {
        Self {
            path: path.into(),
            contents,
            executable: false,
        }
    }

    fn executable(mut self) -> Self {
        self.executable = true;
        self
    }
}

pub const ANSWERS_FILE: &str = "hostwiz.toml";

pub fn render(a: &Answers) -> Vec<File> {
    let mut files = match a.host {
        Host::K8s => helm::render(a),
        Host::Vps => vps::render(a),
        Host::Gcp => terraform::render(a),
    };
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

/// The names of the files each host writes, for the checklist and for tests.
pub fn values_file(a: &Answers) -> String {
    format!("values-{}.yaml", a.environment)
}

pub fn tfvars_file(a: &Answers) -> String {
    format!("{}.tfvars", a.environment)
}

/// A YAML double-quoted scalar. Values are validated before they get here; quoting anyway
/// means no value can ever change the document's structure.
fn yaml_str(s: &str) -> String {
    serde_json::to_string(s).expect("strings always serialize")
}

/// An HCL quoted string: JSON escapes plus HCL's template sequences.
fn hcl_str(s: &str) -> String {
    yaml_str(s).replace("${", "$${").replace("%{", "%%{")
}
