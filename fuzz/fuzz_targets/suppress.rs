#![no_main]
use hostwiz::ingest::{suppress, Input};
use libfuzzer_sys::fuzz_target;

// Any text, scanned for suppressions: never a panic, every `until` a real calendar date, and
// every suppression found on a line that has the mark in a comment of its own.
fuzz_target!(|data: &[u8]| {
    let input = Input::new("part0", String::from_utf8_lossy(data));
    for s in suppress::scan(&input) {
        if let Some((y, m, d)) = s.until {
            assert!((1..=12).contains(&m) && (1..=31).contains(&d) && (0..=9999).contains(&y));
        }
        let line = input.text.lines().nth(s.line as usize - 1).unwrap_or("");
        assert!(line.contains("hostwiz:ignore"));
    }
});
