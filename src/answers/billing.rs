//! `[billing]`: who owns billing retries and stream replay.

use super::key::{Ask, Key, Kind, Need, Value, ALL, ANY};
use crate::questions::Step;

pub const KEYS: &[Key] = &[Key {
    name: "billing.worker",
    kind: Kind::Choice(&["inline", "dedicated"]),
    need: Need::Defaulted,
    default: "inline",
    example: "dedicated",
    help: "who owns billing retries and stream replay",
    hosts: ALL,
    check: ANY,
    write: |a| Value::text(a.worker.as_str()),
    ask: Ask::at(
        Step::Scale,
        "Billing worker",
        "inline: the one API process owns billing retries and replay · dedicated: one worker \
         owns them and every API process has both off",
    ),
}];
