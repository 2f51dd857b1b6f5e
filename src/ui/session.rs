//! Unfinished wizard answers, saved after every step in the user's state folder and keyed by
//! the output folder, so a wizard that was quit or killed can resume where it stood.

use hostwiz::answers::RawAnswers;
use hostwiz::error::{Error, Result};
use hostwiz::questions::Step;
use std::path::{Path, PathBuf};

/// The answers a fresh wizard starts from: every key at its default, nothing guessed for the
/// hosts and images, which the operator must give.
pub fn blank() -> RawAnswers {
    RawAnswers::blank()
}

/// `<state dir>/hostwiz/sessions/<name>.toml`, the name derived from the output folder.
pub fn file_for(out: &Path) -> Option<PathBuf> {
    let dirs = directories::ProjectDirs::from("", "", "hostwiz")?;
    let base = dirs.state_dir().unwrap_or_else(|| dirs.data_local_dir());
    let absolute = std::path::absolute(out).unwrap_or_else(|_| out.to_path_buf());
    // FNV-1a: stable across runs and platforms, unlike the std hasher.
    let mut hash: u64 = 0xcbf2_9ce4_8422_2325;
    for b in absolute.to_string_lossy().bytes() {
        hash = (hash ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3);
    }
    Some(base.join("sessions").join(format!("{hash:016x}.toml")))
}

pub fn save(out: &Path, raw: &RawAnswers) -> Result<()> {
    let Some(file) = file_for(out) else {
        return Ok(());
    };
    let dir = file.parent().expect("a session file has a folder");
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create the session folder", e))?;
    let text = format!(
        "# hostwiz wizard session for {}\n{}",
        out.display(),
        raw.to_toml()
    );
    hostwiz::write::atomic_write(&file, text.as_bytes(), false)
}

/// The saved answers for this output folder, if a readable session exists.
pub fn load(out: &Path) -> Option<RawAnswers> {
    let text = std::fs::read_to_string(file_for(out)?).ok()?;
    RawAnswers::from_toml(&text).ok()
}

pub fn clear(out: &Path) {
    if let Some(file) = file_for(out) {
        let _ = std::fs::remove_file(file.with_extension("step"));
        let _ = std::fs::remove_file(file);
    }
}

/// The step the operator is at, kept beside the answers so a resume reopens there.
pub fn save_step(out: &Path, step: Step) -> Result<()> {
    let Some(file) = file_for(out) else {
        return Ok(());
    };
    let dir = file.parent().expect("a session file has a folder");
    std::fs::create_dir_all(dir).map_err(|e| Error::io(dir, "create the session folder", e))?;
    let index = STEPS.iter().position(|s| *s == step).unwrap_or(0);
    hostwiz::write::atomic_write(
        &file.with_extension("step"),
        index.to_string().as_bytes(),
        false,
    )
}

/// The step saved with the answers for this output folder, if one was.
pub fn load_step(out: &Path) -> Option<Step> {
    let text = std::fs::read_to_string(file_for(out)?.with_extension("step")).ok()?;
    STEPS.get(text.trim().parse::<usize>().ok()?).copied()
}

/// Every step, in the order their number is saved.
const STEPS: [Step; 6] = [
    Step::Host,
    Step::Domains,
    Step::Scale,
    Step::Services,
    Step::Review,
    Step::Write,
];

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blank_answers_need_only_hosts_and_images() {
        let mut raw = blank();
        for s in [
            "domains.web=app.example.com",
            "images.api=acme/api:1",
            "images.web=acme/web:1",
        ] {
            raw.set(s).unwrap();
        }
        hostwiz::answers::Answers::from_raw(&raw).unwrap();
    }
}
