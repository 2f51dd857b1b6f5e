//! Every word the full-screen wizard shows, in one place, so the texts read as one document.
//! The questions themselves live in `questions.rs`, shared with the plain prompts; the rules'
//! titles, texts and hints in `hostwiz::contracts::rules`, shared with every other consumer.

pub const STEPS: &str = " Steps ";
pub const CONTRACTS: &str = " Contracts ";
pub const TOPOLOGY: &str = " Topology ";
pub const FILES: &str = " Files ";
pub const FILES_WIDE: &str = " Files · ←→ for wide lines ";

pub const KEYS_FORM: &str =
    "↑↓ move  ⏎ edit/choose  tab next  ⇧tab/esc back  ? explain  p preview  q quit";
pub const KEYS_EDIT: &str = "type to edit  ⏎ keep  esc undo  ←→ move cursor";
pub const KEYS_REVIEW: &str = "↑↓ file  pgup/pgdn ←→ scroll  ⏎ continue  ⇧tab/esc back  q quit";
pub const KEYS_WRITE: &str = "⏎ write the files  ⇧tab/esc back  q quit";
pub const KEYS_DONE: &str = "q quit";
pub const KEYS_MODAL: &str = "↑↓ rule  ⏎ apply fix  esc close";
pub const KEYS_WELCOME: &str =
    "↑↓ deployment  ⏎ start from it  m migrate  g GCP APIs  esc start blank";
pub const KEYS_RESUME: &str = "y resume  n start over";

pub const TOO_SMALL: &str = "hostwiz needs a terminal of at least 80×24";
pub const QUIT_TITLE: &str = " Quit? ";
pub const QUIT_KEYS: &str = "y quit   n stay";
pub const FIRST_STEP: &str = "This is the first step: q quits (your answers are kept for resume).";
pub const RESUME_TITLE: &str = " Resume? ";
pub const RESUME_TEXT: &str = "Answers from an unfinished run for this output folder were found.\n\ny resume them   n start over";
pub const WELCOME_TITLE: &str = " Found in this checkout ";
pub const WELCOME_TEXT: &str = "hostwiz checked the starter's ops/ folder:";
pub const WELCOME_KEYS: &str = "⏎ start the answers from it   esc start as they are";
pub const WELCOME_MIGRATE: &str = "m migrate this inline deployment to a dedicated worker";
pub const WELCOME_SERVICES: &str = "g review the GCP APIs of this blueprint";
pub const SERVICES_TITLE: &str = " GCP APIs: what the blueprint enables, what it needs ";
pub const MIGRATION_TITLE: &str = " Migration to a dedicated worker (MIGRATION.md) ";
pub const MIGRATION_FILES: &str = " Files of both phases ";
pub const KEYS_MIGRATION: &str = "↑↓ pgup/pgdn scroll  ⏎ write the phases  esc back  q quit";
pub const KEYS_SERVICES: &str = "↑↓ pgup/pgdn scroll  esc back  q quit";
pub const EXPLAIN_TITLE: &str = " Explain ";
pub const NO_AUTOFIX: &str = "No automatic fix: change the answer named above.";

pub const PASS: &str = "✓";
pub const FAIL: &str = "✗";
pub const WARN: &str = "!";
pub const INFO: &str = "i";
pub const PENDING: &str = "⋯";

pub const REFUSED: &str = "Fix the failing contracts first: the files would break them.";
pub const WRITE_HINT: &str = "Press ⏎ to write these files. Nothing is written before that.";
/// The Write step's choice of `--generate-secrets` (SECRET_KEY and the peppers into the 0600
/// secret files; never shown; filled values kept), toggled with `g`.
pub const GENERATE_SECRETS_OFF: &str = "g generate random secrets: no";
pub const GENERATE_SECRETS_ON: &str = "g generate random secrets: yes";
pub const WROTE: &str = "Written. Next:";
pub const HINT_SERVICES_OFF: &str = "Enablement off: enable these by hand before the first apply:";
pub const REQUIRED_API: &str = "required";
pub const NEEDED_API: &str = "needed";
pub const OPTIONAL_API: &str = "off";
