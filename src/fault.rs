//! Debug builds only: switches that make the process fail on purpose, so tests can prove a kill
//! in the middle of a write, or a panic in any wizard step, leaves files and the terminal whole.
//! Release builds compile them to nothing.

/// `HOSTWIZ_KILL_AT=N` sends SIGKILL to this process at the Nth point a write passes (each file
/// staged, half-written, synced, renamed). Counting from 1 over the life of the process.
pub fn kill_point() {
    #[cfg(all(debug_assertions, unix))]
    {
        use std::sync::atomic::{AtomicU32, Ordering};
        static PASSED: AtomicU32 = AtomicU32::new(0);
        let n = PASSED.fetch_add(1, Ordering::SeqCst) + 1;
        if std::env::var("HOSTWIZ_KILL_AT")
            .ok()
            .and_then(|v| v.parse().ok())
            == Some(n)
        {
            // SAFETY: kill(2) on our own pid; SIGKILL cannot be caught, so nothing runs after it.
            unsafe {
                libc::kill(libc::getpid(), libc::SIGKILL);
            }
        }
    }
}

/// `HOSTWIZ_PANIC_IN=STEP` panics when the wizard shows that step (`host`, `domains`, `scale`,
/// `services`, `review`, `write`; any case).
pub fn panic_point(step: impl std::fmt::Debug) {
    #[cfg(debug_assertions)]
    if let Ok(wanted) = std::env::var("HOSTWIZ_PANIC_IN") {
        if format!("{step:?}").eq_ignore_ascii_case(&wanted) {
            panic!(
                "HOSTWIZ_PANIC_IN={wanted}: a panic on purpose, to test the terminal is restored"
            );
        }
    }
    #[cfg(not(debug_assertions))]
    let _ = step;
}
