//! The command line: the clap tree, and a thin dispatch onto the library.

use crate::ui::wizard;
use clap::{Args, Parser, Subcommand, ValueEnum};
use hostwiz::answers::Host;
use hostwiz::answers::KEYS;
use hostwiz::apply::{self, Outcome};
use hostwiz::check;
use hostwiz::contracts::{self, Finding, Severity};
use hostwiz::error::{Error, Result};
use hostwiz::presets;
use hostwiz::report;
use hostwiz::source::{self, Source};
use hostwiz::write::{self, Change};
use serde_json::json;
use std::io::{self, Write};
use std::path::PathBuf;
use std::process::ExitCode;

const ABOUT: &str =
    "Correct deployment configuration for the SaaS starter: Helm, Compose + Caddy, or Cloud Run.";

const LONG_ABOUT: &str = "\
Correct deployment configuration for the SaaS starter (Next.js web app as the browser's only
entry point, FastAPI API, optional billing worker) on Kubernetes (Helm), a single VPS (Docker
Compose + Caddy) or GCP Cloud Run (Terraform).

Every answer is checked against three contracts:
  routing   browser /api goes to the web app (BFF), never straight to the API
  billing   exactly one process owns billing retries and stream replay
  services  a first GCP apply needs no manual API enablement, or says exactly what to enable

Exit codes: 0 done; 1 the answers break a contract (nothing written); 2 a usage error or a file
that cannot be read, parsed or written.";

#[derive(Parser, Debug)]
#[command(
    name = "hostwiz",
    version,
    about = ABOUT,
    long_about = LONG_ABOUT,
    args_conflicts_with_subcommands = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
    /// Without a command, `hostwiz` is `hostwiz wizard` and takes its options (`hostwiz --plain`).
    #[command(flatten)]
    wizard: WizardArgs,
}

impl Cli {
    /// The one clap definition, as a [`clap::Command`]: completions and the man page are
    /// generated from it.
    pub fn command() -> clap::Command {
        <Self as clap::CommandFactory>::command()
    }
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Ask for the answers interactively, checking each against the contracts as you go
    #[command(long_about = WIZARD_LONG_ABOUT)]
    Wizard(WizardArgs),
    /// Write the configuration for a preset or answers file, without prompts
    #[command(long_about = APPLY_LONG_ABOUT, after_help = apply_after_help())]
    Apply(ApplyArgs),
    /// Check existing configuration against the contracts, like a linter
    #[command(long_about = CHECK_LONG_ABOUT)]
    Check(CheckArgs),
    /// List every contract rule with its ID and severity
    Rules,
    /// Print a rule: what it requires, why, and how to fix it
    Explain {
        /// A rule ID such as ROUTE-001 (see `hostwiz rules`)
        rule: String,
    },
    /// List the built-in and your own presets
    Presets,
    /// GCP tools: which APIs this deployment needs and what to enable
    #[command(subcommand)]
    Gcp(GcpCommand),
    /// Move existing configuration to another topology, in safe phases
    #[command(subcommand)]
    Migrate(MigrateCommand),
    /// Print a shell completion script (bash, zsh, fish, powershell, elvish)
    #[command(long_about = COMPLETIONS_LONG_ABOUT)]
    Completions {
        /// The shell to complete in
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff), for `man -l -` or a man1 folder
    #[command(long_about = MANPAGE_LONG_ABOUT)]
    Manpage,
    /// Print the JSON Schema of the answers file (hostwiz.toml), for TOML editors
    #[command(long_about = SCHEMA_LONG_ABOUT)]
    Schema,
}

const COMPLETIONS_LONG_ABOUT: &str = "\
Print a completion script for the shell to standard output, generated from the same definition
as --help. For example:
  bash  mkdir -p ~/.local/share/bash-completion/completions &&
        hostwiz completions bash > ~/.local/share/bash-completion/completions/hostwiz
  zsh   mkdir -p ~/.zfunc && hostwiz completions zsh > ~/.zfunc/_hostwiz
        (with fpath+=~/.zfunc before compinit in ~/.zshrc)
  fish  mkdir -p ~/.config/fish/completions &&
        hostwiz completions fish > ~/.config/fish/completions/hostwiz.fish";

const MANPAGE_LONG_ABOUT: &str = "\
Print the hostwiz(1) man page as roff to standard output, generated from the same definition as
--help. Read it with `hostwiz manpage | man -l -`, or install it with
`mkdir -p ~/.local/share/man/man1 && hostwiz manpage > ~/.local/share/man/man1/hostwiz.1`
(then `man hostwiz`).";

const SCHEMA_LONG_ABOUT: &str = "\
Print the JSON Schema of the answers file. Every hostwiz.toml written starts with
`#:schema ./answers.schema.json`, so TOML editors (taplo, Even Better TOML) complete and validate
the answers once the schema is beside it:
  hostwiz schema > hostwiz-out/prod/answers.schema.json";

#[derive(Subcommand, Debug)]
enum MigrateCommand {
    /// Inline billing (the API owns retries) to one dedicated worker, in two phases
    #[command(long_about = MIGRATE_WORKER_LONG_ABOUT)]
    Worker(MigrateWorkerArgs),
}

const MIGRATE_WORKER_LONG_ABOUT: &str = "\
Move an inline deployment (the API process owns billing retries and stream replay) to one
dedicated worker, without ever having two owners.

Reads the deployment's files as `check` does and writes, under --out, phase-1/ (the API gets
both flags false and mode dedicated, the worker still off) and phase-2/ (the worker on, exactly
one instance), each holding only the files that change with your comments and other settings
kept, plus MIGRATION.md: per phase the commands, what to watch before moving on, and the
rollback. Phase 1 carries a dated `hostwiz:ignore BILL-006` so `check` passes on it for 7 days.
A deployment already in dedicated mode is reported and nothing is written.

Writing is safe, as with `apply`: diffs first, --yes (or a confirmation) to replace files that
differ, old content kept as <name>.<n>.bak, atomic writes, nothing outside --out.";

#[derive(Args, Debug)]
struct MigrateWorkerArgs {
    /// The deployment's files (Helm values, Compose + Caddyfile + env files, tfvars + .tf)
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// A checkout of the starter: migrates every deployment under its ops/ folder
    #[arg(long, value_name = "DIR")]
    repo: Option<PathBuf>,
    /// Where to write phase-1/, phase-2/ and MIGRATION.md [default: hostwiz-out/migrate]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Show what would be written, with diffs, and write nothing
    #[arg(long)]
    dry_run: bool,
    /// Replace files that differ without asking (their old content is kept as <name>.<n>.bak)
    #[arg(long)]
    yes: bool,
    /// Variables for {$VAR} and ${VAR} placeholders, as `check --env-file` (repeatable)
    #[arg(long = "env-file", value_name = "FILE")]
    env_files: Vec<PathBuf>,
    /// An active Compose profile, as `check --profile` (repeatable)
    #[arg(long = "profile", value_name = "NAME")]
    profiles: Vec<String>,
    /// The Kubernetes namespace of the release, when no hostwiz.toml beside the values says it
    #[arg(long, value_name = "NAME")]
    namespace: Option<String>,
    /// The Helm release, when no hostwiz.toml beside the values says it
    #[arg(long, value_name = "NAME")]
    release: Option<String>,
    /// The caddy binary that adapts Caddyfiles, as `check --caddy`
    #[arg(long, value_name = "PATH")]
    caddy: Option<PathBuf>,
}

#[derive(Subcommand, Debug)]
enum GcpCommand {
    /// Every catalog API: needed and why, listed by the blueprint, enabled, and what to do
    #[command(long_about = GCP_SERVICES_LONG_ABOUT)]
    Services(GcpServicesArgs),
}

const GCP_SERVICES_LONG_ABOUT: &str = "\
A table of every GCP API the blueprint may need: needed by this deployment and why (conditional
APIs by the answers or tfvars), listed in the blueprint's required_project_services, enabled in
the project (with --enabled), and the action for each. Then one `gcloud services enable ...`
command for everything to enable by hand, bootstrap APIs first, and the Terraform change when
the blueprint's list lacks an always-needed API.

Exit codes: 0 nothing missing; 1 a needed API is missing or the blueprint's list lacks one; 2 a
usage error or a file that cannot be read or parsed.";

#[derive(Args, Debug)]
struct GcpServicesArgs {
    /// The blueprint's folder (ops/infra/gcp): its .tf files and any .tfvars in it
    #[arg(long, value_name = "DIR")]
    tf: Option<PathBuf>,
    /// An answers file for host = "gcp", such as a hostwiz.toml written before
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// `gcloud services list --enabled` output (value(config.name) text or --format=json)
    #[arg(long, value_name = "FILE")]
    enabled: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

const WIZARD_LONG_ABOUT: &str = "\
Ask for the answers interactively: host, domains, scale and billing worker, GCP services. Every
answer is checked as it is typed, the contract verdicts are shown live, and the files are
previewed with a diff before anything is written (atomically, as `apply` writes).

Answers are saved after each step, keyed by the output folder, and offered for resume.
Needs a terminal; --plain asks the same questions one line at a time (simple terminals, screen
readers). Without a terminal, use `hostwiz apply`.";

const APPLY_LONG_ABOUT: &str = "\
Write the configuration for a preset or an answers file, without prompts.

The answers are checked against every contract rule first. Any error finding refuses the run:
the findings and their fixes are printed, exit code 1, nothing is written. Warnings are printed
and do not block.

Writing is safe: a file that exists and differs is shown as a unified diff and replaced only
with --yes (or a confirmation on a terminal), its old content kept as <name>.<n>.bak (never
overwriting anything, its mode kept); each file is written to a temporary file beside it and
renamed, one run at a time per folder, so a crash never leaves half a file and the next run
finishes an interrupted one; secret-looking values are masked in diffs; nothing is written
outside --out. Secret values already filled into the 0600 templates (api.env.local,
secrets-<env>.yaml) are kept on every run; --generate-secrets fills the random ones.";

const CHECK_LONG_ABOUT: &str = "\
Check existing configuration against the routing, billing and services contracts, like a
linter: every finding names the file, line and column of the setting that causes it.

Reads Helm values files (layered in the order given, like helm -f a -f b) or rendered manifests
(`helm template ... | hostwiz check -`), a Caddyfile with Compose and env files, Terraform
tfvars and the blueprint's .tf files, and `gcloud services list --enabled` output. Kinds are
told from file names and content. --repo DIR finds the starter's ops/ layout and checks each
deployment in it: each Helm values file on top of values.yaml, the Compose deployment, each
tfvars file with the blueprint.

Suppress a finding with a comment on its line or the line above:
  # hostwiz:ignore RULE-ID reason=\"why it does not apply\" until=YYYY-MM-DD
A suppression without a reason is itself an error; after its date it no longer hides.

Exit codes: 0 clean; 1 findings at or above --fail-on; 2 a usage error or a file that cannot be
read or parsed (with file:line and what was expected).";

fn apply_after_help() -> String {
    let mut s = String::from("Answer keys for --set (KEY=VALUE):\n");
    for k in KEYS.iter() {
        s.push_str(&format!("  {:<28} {}\n", k.name, k.summary()));
    }
    s.push_str(
        "\nExamples:\n  hostwiz apply --preset k8s-single --set domains.web=app.acme.io --dry-run\n  \
         hostwiz apply --answers hostwiz-out/prod/hostwiz.toml --yes",
    );
    s
}

#[derive(Args, Debug, Default)]
struct WizardArgs {
    /// Ask one question at a time on plain prompts instead of the full screen
    #[arg(long)]
    plain: bool,
    /// Start from a preset (see `hostwiz presets`)
    #[arg(long, value_name = "NAME", conflicts_with = "answers", value_parser = PresetName)]
    preset: Option<String>,
    /// Start from an answers file, such as a hostwiz.toml written before
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// Where to write [default: beside the --answers file; otherwise hostwiz-out/<environment>]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// A checkout of the starter: shows what `check` finds there and can start from it
    /// [default: the current folder when it has the starter's ops/ layout]
    #[arg(long, value_name = "DIR")]
    repo: Option<PathBuf>,
}

#[derive(Args, Debug)]
struct ApplyArgs {
    /// A preset name (see `hostwiz presets`)
    #[arg(
        long,
        value_name = "NAME",
        conflicts_with = "answers",
        required_unless_present = "answers",
        value_parser = PresetName
    )]
    preset: Option<String>,
    /// An answers file (TOML, `version = 1`), such as a hostwiz.toml written before
    #[arg(long, value_name = "FILE")]
    answers: Option<PathBuf>,
    /// Override one answer, by its dotted key (repeatable); keys are listed below
    #[arg(long = "set", value_name = "KEY=VALUE")]
    sets: Vec<String>,
    /// Where to write [default: beside the --answers file; with --preset, hostwiz-out/<environment>]
    #[arg(long, value_name = "DIR")]
    out: Option<PathBuf>,
    /// Show what would be written, with diffs, and write nothing
    #[arg(long)]
    dry_run: bool,
    /// Replace files that differ without asking (their old content is kept as <name>.<n>.bak)
    #[arg(long)]
    yes: bool,
    /// Fill the random secrets (SECRET_KEY and the peppers, as `openssl rand -hex 32`) into the
    /// 0600 secret files hostwiz writes: a VPS's api.env.local, or the chart's own Secret
    /// (k8s.secret_store empty). Never printed; values already filled are kept. Refused where
    /// the secrets live in a store (External Secrets, Secret Manager): create them there
    #[arg(long)]
    generate_secrets: bool,
    #[arg(long, value_enum, default_value_t = Format::Text)]
    format: Format,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum Format {
    Text,
    Json,
}

#[derive(Args, Debug)]
struct CheckArgs {
    /// Files to check; - reads standard input
    #[arg(value_name = "PATH")]
    paths: Vec<PathBuf>,
    /// A checkout of the starter: checks every deployment under its ops/ folder
    #[arg(long, value_name = "DIR")]
    repo: Option<PathBuf>,
    /// Check only this host's files (and read ambiguous input as this host's)
    #[arg(long, value_parser = host_parser())]
    host: Option<Host>,
    /// Variables for {$VAR} and ${VAR} placeholders, such as compose.env (repeatable)
    #[arg(long = "env-file", value_name = "FILE")]
    env_files: Vec<PathBuf>,
    /// An active Compose profile, as docker compose --profile (repeatable)
    #[arg(long = "profile", value_name = "NAME")]
    profiles: Vec<String>,
    /// `gcloud services list --enabled` output (value(config.name) text or --format=json)
    #[arg(long, value_name = "FILE")]
    enabled_services: Option<PathBuf>,
    /// The helm binary that renders the repo's chart with the values (default: HOSTWIZ_HELM,
    /// then helm on PATH; without one, the documented chart semantics apply)
    #[arg(long, value_name = "PATH")]
    helm: Option<PathBuf>,
    /// The caddy binary whose `caddy adapt` decides where a Caddyfile sends requests (default:
    /// HOSTWIZ_CADDY, then caddy on PATH; without one, hostwiz's own Caddyfile reader decides)
    #[arg(long, value_name = "PATH")]
    caddy: Option<PathBuf>,
    #[arg(long, value_enum, default_value_t = CheckFormat::Text)]
    format: CheckFormat,
    /// The lowest severity that makes the exit code 1
    #[arg(long, value_enum, default_value_t = FailOn::Error)]
    fail_on: FailOn,
}

/// A preset name: any text is taken (the preset is looked up, with a clear error, when loaded),
/// and the presets there are now are offered to shell completion.
#[derive(Clone)]
struct PresetName;

impl clap::builder::TypedValueParser for PresetName {
    type Value = String;

    fn parse_ref(
        &self,
        _cmd: &clap::Command,
        _arg: Option<&clap::Arg>,
        value: &std::ffi::OsStr,
    ) -> std::result::Result<String, clap::Error> {
        value
            .to_str()
            .map(str::to_string)
            .ok_or_else(|| clap::Error::new(clap::error::ErrorKind::InvalidUtf8))
    }

    fn possible_values(
        &self,
    ) -> Option<Box<dyn Iterator<Item = clap::builder::PossibleValue> + '_>> {
        let names: Vec<clap::builder::PossibleValue> = presets::all()
            .unwrap_or_default()
            .into_iter()
            .map(|p| {
                let help = p.description().to_string();
                clap::builder::PossibleValue::new(p.name).help(help)
            })
            .collect();
        Some(Box::new(names.into_iter()))
    }
}

/// The hosts of the registry, as `--host` accepts them.
fn host_parser() -> impl clap::builder::TypedValueParser<Value = Host> {
    let names: Vec<&'static str> = Host::ALL.iter().map(|h| h.as_str()).collect();
    use clap::builder::TypedValueParser as _;
    clap::builder::PossibleValuesParser::new(names)
        .map(|name| Host::parse(&name).expect("clap accepts only the registry's names"))
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum CheckFormat {
    Text,
    Json,
    Sarif,
    Github,
    Gitlab,
    Junit,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Error,
    Warning,
}

/// Parses the arguments and runs the command; every outcome becomes an exit code here.
pub fn run<I, T>(args: I) -> ExitCode
where
    I: IntoIterator<Item = T>,
    T: Into<std::ffi::OsString> + Clone,
{
    let cli = match Cli::try_parse_from(args) {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            return ExitCode::from(if e.use_stderr() { 2 } else { 0 });
        }
    };
    let stdout = io::stdout();
    let mut out = stdout.lock();
    // The wizard draws the terminal itself; every other command's output passes through
    // `Escaped`, so no value read from a file or the command line can drive the terminal.
    let result = match cli.command.unwrap_or(Command::Wizard(cli.wizard)) {
        Command::Wizard(args) => match run_wizard(args, &mut out) {
            Ok(wizard::Ended::Interrupted(line)) => {
                let _ = out.flush();
                eprintln!("hostwiz: {}", report::escape_controls(&line));
                return ExitCode::from(130);
            }
            other => other.map(drop),
        },
        command => dispatch(command, &mut super::escaped::Escaped(&mut out)),
    };
    let _ = out.flush();
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("hostwiz: {}", report::escape_controls(&e.to_string()));
            ExitCode::from(e.exit_code())
        }
    }
}

fn io_err(e: io::Error) -> Error {
    Error::io("standard output", "write to", e)
}

/// Every command but the wizard.
fn dispatch(command: Command, mut out: &mut impl Write) -> Result<()> {
    match command {
        Command::Wizard(args) => run_wizard(args, &mut out).map(drop),
        Command::Apply(args) => run_apply(args, &mut out),
        Command::Check(args) => run_check(args, &mut out),
        Command::Rules => rules(&mut out),
        Command::Explain { rule } => explain(&rule, &mut out),
        Command::Presets => list_presets(&mut out),
        Command::Completions { shell } => completions(shell, &mut out),
        Command::Manpage => manpage(&mut out),
        Command::Schema => out
            .write_all(hostwiz::answers::schema().as_bytes())
            .map_err(io_err),
        Command::Migrate(MigrateCommand::Worker(a)) => super::migrate::run_worker(
            &hostwiz::migrate::Options {
                paths: a.paths,
                repo: a.repo,
                out: a.out,
                dry_run: a.dry_run,
                yes: a.yes,
                env_files: a.env_files,
                profiles: a.profiles,
                namespace: a.namespace,
                release: a.release,
                caddy: a.caddy,
            },
            &mut out,
        ),
        Command::Gcp(GcpCommand::Services(a)) => super::gcp::run_services(
            &hostwiz::hosts::gcp::services_review::Options {
                tf: a.tf,
                answers: a.answers,
                enabled: a.enabled,
            },
            a.format == Format::Json,
            &mut out,
        ),
    }
}

fn run_wizard(args: WizardArgs, out: &mut impl Write) -> Result<wizard::Ended> {
    let source = match (args.preset, args.answers) {
        (Some(p), _) => Some(Source::Preset(p)),
        (None, Some(f)) => Some(Source::File(f)),
        (None, None) => None,
    };
    let out_dir = out_for(args.out, source.as_ref());
    let mut start = wizard::Start::new(source, out_dir)?;
    wizard::require_terminal()?;
    if let Some(repo) = wizard::repo_dir(args.repo) {
        start.existing = wizard::existing(&repo, &start.raw)?;
        start.repo = Some(repo);
    }
    // The lines the wizards print (findings, diffs, paths, the next commands) hold values read
    // from files and typed in: escaped like every other command's output.
    let out = &mut super::escaped::Escaped(out);
    if args.plain {
        crate::ui::prompt::run(start, out)
    } else {
        crate::ui::tui::run(start, out)
    }
}

fn run_apply(args: ApplyArgs, out: &mut impl Write) -> Result<()> {
    let source = match (args.preset, args.answers) {
        (Some(p), _) => Source::Preset(p),
        (None, Some(f)) => Source::File(f),
        (None, None) => {
            return Err(Error::Usage(
                "apply needs --preset NAME or --answers FILE".into(),
            ))
        }
    };
    let out_dir = out_for(args.out, Some(&source));
    let answers = source::load(&source, &args.sets)?;
    let outcome = match apply::prepare_with(answers, out_dir.as_deref(), args.generate_secrets) {
        Ok(o) => o,
        Err((findings, e)) => {
            match args.format {
                Format::Text => write!(out, "{}", report::text(&findings)).map_err(io_err)?,
                Format::Json => print_json(out, &findings, None, "refused")?,
            }
            return Err(e);
        }
    };
    let updates = outcome.updates();
    let consent = args.yes || args.dry_run || updates == 0;
    if args.format == Format::Text {
        print_plan(out, &outcome, args.dry_run)?;
    }
    if args.dry_run {
        if args.format == Format::Json {
            print_json(out, &outcome.findings, Some(&outcome), "dry-run")?;
        } else {
            writeln!(out, "dry run: nothing was written").map_err(io_err)?;
        }
        return Ok(());
    }
    if !consent && !super::consent::confirm(out, updates)? {
        if args.format == Format::Json {
            print_json(out, &outcome.findings, Some(&outcome), "not-written")?;
        }
        return Err(write::not_replaced(updates, &outcome.out));
    }
    let written = write::commit(&outcome.out, &outcome.planned)?;
    match args.format {
        Format::Json => print_json(out, &outcome.findings, Some(&outcome), "written")?,
        Format::Text => {
            let guide = outcome.out.join("CHECKLIST.md");
            out.write_all(write::summary(&written, &guide).as_bytes())
                .map_err(io_err)?;
        }
    }
    Ok(())
}

/// Where `apply` and the wizards write: `--out`, else beside an answers file. An answers file
/// without --out is re-applied where it lives: the README's re-run
/// (`apply --answers deploy/prod/hostwiz.toml`) updates deploy/prod, not a new folder.
fn out_for(out: Option<PathBuf>, source: Option<&Source>) -> Option<PathBuf> {
    out.or_else(|| match source? {
        Source::File(f) => Some(beside(f)),
        Source::Preset(_) => None,
    })
}

/// The folder a file is in (`.` for a bare file name).
fn beside(file: &std::path::Path) -> PathBuf {
    match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

fn run_check(args: CheckArgs, out: &mut impl Write) -> Result<()> {
    let opts = check::Options {
        paths: args.paths,
        repo: args.repo,
        host: args.host,
        env_files: args.env_files,
        profiles: args.profiles,
        enabled_services: args.enabled_services,
        helm: args.helm,
        caddy: args.caddy,
    };
    let threshold = match args.fail_on {
        FailOn::Error => Severity::Error,
        FailOn::Warning => Severity::Warning,
    };
    let mut failing = 0;
    // Only the findings are kept: each deployment's files and plan are dropped once judged.
    // The text report is made as deployments are judged, and keeps none; the other formats
    // need them all.
    let mut checked: Vec<(String, Vec<Finding>)> = Vec::new();
    let mut text = report::CheckText::default();
    let mut notes: Vec<&'static str> = Vec::new();
    // With --repo, what was found is said too: a clean run then shows what it covered.
    let mut read: Vec<String> = Vec::new();
    let repo = opts.repo.is_some();
    check::for_each(&opts, |c| {
        failing += c
            .findings
            .iter()
            .filter(|f| f.suppressed.is_none() && f.severity >= threshold)
            .count();
        if let Some(n) = c.note.filter(|n| !notes.contains(n)) {
            notes.push(n);
        }
        if repo {
            read.push(format!(
                "  {} {}: {}",
                c.host,
                c.primary,
                c.files.join(", ")
            ));
        }
        match args.format {
            CheckFormat::Text => text.add(&c.primary, &c.findings),
            _ => checked.push((c.primary, c.findings)),
        }
        Ok(())
    })?;
    // Notes go to standard error, so every format on standard output stays as it is.
    for n in notes {
        eprintln!("note: {n}");
    }
    let results: Vec<(&str, &[Finding])> = checked
        .iter()
        .map(|(p, f)| (p.as_str(), f.as_slice()))
        .collect();
    let text = match args.format {
        CheckFormat::Text if repo => {
            let s = if read.len() == 1 { "" } else { "s" };
            format!(
                "{}checked {} deployment{s}:\n{}\n",
                text.finish(),
                read.len(),
                read.join("\n")
            )
        }
        CheckFormat::Text => text.finish(),
        CheckFormat::Json => format!(
            "{}\n",
            serde_json::to_string_pretty(&report::check_json(&results)).expect("JSON")
        ),
        CheckFormat::Sarif => format!(
            "{}\n",
            serde_json::to_string_pretty(&report::sarif(&results)).expect("JSON")
        ),
        CheckFormat::Github => report::github(&results),
        CheckFormat::Gitlab => format!(
            "{}\n",
            serde_json::to_string_pretty(&report::gitlab(&results)).expect("JSON")
        ),
        CheckFormat::Junit => report::junit(&results),
    };
    out.write_all(text.as_bytes()).map_err(io_err)?;
    if failing > 0 {
        return Err(Error::Findings {
            count: failing,
            threshold: threshold.as_str(),
        });
    }
    Ok(())
}

fn print_plan(out: &mut impl Write, o: &Outcome, dry_run: bool) -> Result<()> {
    let mut s = report::text(&o.findings);
    s.push_str(&write::describe(&o.planned, dry_run));
    out.write_all(s.as_bytes()).map_err(io_err)
}

fn print_json(
    out: &mut impl Write,
    findings: &[Finding],
    o: Option<&Outcome>,
    status: &str,
) -> Result<()> {
    let files: Vec<_> = o
        .map(|o| {
            o.planned
                .iter()
                .map(|p| {
                    let mut f = json!({"path": p.target.display().to_string(), "change": p.change.as_str()});
                    if let Change::Update { diff } = &p.change {
                        f["diff"] = json!(diff);
                    }
                    f
                })
                .collect()
        })
        .unwrap_or_default();
    let v = json!({
        "status": status,
        "out": o.map(|o| o.out.display().to_string()),
        "findings": report::findings_json(findings),
        "files": files,
    });
    writeln!(
        out,
        "{}",
        serde_json::to_string_pretty(&v).expect("JSON values serialize")
    )
    .map_err(io_err)
}

fn rules(out: &mut impl Write) -> Result<()> {
    let mut s = String::new();
    // Columns as wide as their longest entry, so every row lines up (`suppressions` too).
    let width = |f: fn(&contracts::Rule) -> usize| contracts::rules().map(f).max().unwrap_or(0);
    let id = width(|r| r.id.len());
    let severity = width(|r| r.severity.as_str().len());
    let contract = width(|r| r.contract.as_str().len());
    for r in contracts::rules() {
        s.push_str(&format!(
            "{:<id$} {:<severity$} {:<contract$} {}\n",
            r.id,
            r.severity,
            r.contract.as_str(),
            r.rule
        ));
    }
    s.push_str("\n`hostwiz explain RULE-ID` prints why a rule exists and how to fix it.\n");
    out.write_all(s.as_bytes()).map_err(io_err)
}

fn explain(id: &str, out: &mut impl Write) -> Result<()> {
    let rule = contracts::rule(id).ok_or_else(|| {
        Error::Usage(format!(
            "unknown rule ID {id:?}: {}",
            hostwiz::answers::suggest(&id.to_ascii_uppercase(), contracts::rules().map(|r| r.id))
        ))
    })?;
    write!(
        out,
        "{} ({}, {} contract)\n\nRule: {}\nWhy:  {}\nFix:  {}\n",
        rule.id,
        rule.severity,
        rule.contract.as_str(),
        rule.rule,
        rule.why,
        rule.fix
    )
    .map_err(io_err)
}

fn list_presets(out: &mut impl Write) -> Result<()> {
    let mut s = String::new();
    for p in presets::all()? {
        let mark = if p.path.is_some() { " (yours)" } else { "" };
        s.push_str(&format!("{:<22} {}{mark}\n", p.name, p.description()));
    }
    if let Some(dir) = presets::user_dir() {
        s.push_str(&format!(
            "\nYour own presets: answers files in {}\n",
            dir.display()
        ));
    }
    out.write_all(s.as_bytes()).map_err(io_err)
}

fn completions(shell: clap_complete::Shell, out: &mut impl Write) -> Result<()> {
    let mut cmd = Cli::command();
    let mut buf = Vec::new();
    clap_complete::generate(shell, &mut cmd, "hostwiz", &mut buf);
    out.write_all(&buf).map_err(io_err)
}

fn manpage(out: &mut impl Write) -> Result<()> {
    let cmd = Cli::command();
    let man = clap_mangen::Man::new(cmd.clone());
    let mut buf = Vec::new();
    man.render_title(&mut buf)
        .and_then(|()| man.render_name_section(&mut buf))
        .and_then(|()| man.render_synopsis_section(&mut buf))
        .and_then(|()| man.render_description_section(&mut buf))
        .and_then(|()| man.render_options_section(&mut buf))
        .map_err(io_err)?;
    // clap_mangen's own section links a hostwiz-COMMAND(1) page per command, which one page
    // cannot ship; this one names each command and where its options are.
    buf.extend_from_slice(commands_section(&cmd).as_bytes());
    man.render_version_section(&mut buf).map_err(io_err)?;
    out.write_all(&buf).map_err(io_err)
}

/// The COMMANDS section of the man page: each command with what it does.
fn commands_section(cmd: &clap::Command) -> String {
    let mut s = String::from(".SH COMMANDS\n");
    for sub in cmd.get_subcommands().filter(|c| c.get_name() != "help") {
        let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
        s.push_str(&format!(
            ".TP\n\\fBhostwiz {}\\fR\n{}\n",
            roff(sub.get_name()),
            roff(&about)
        ));
    }
    s.push_str(".PP\nEach command's options: \\fBhostwiz help\\fR \\fICOMMAND\\fR.\n");
    s
}

/// Text as roff reads it literally: backslashes and hyphens escaped, no line starting a request.
fn roff(text: &str) -> String {
    let escaped = text.replace('\\', "\\\\").replace('-', "\\-");
    match escaped.chars().next() {
        Some('.' | '\'') => format!("\\&{escaped}"),
        _ => escaped,
    }
}
