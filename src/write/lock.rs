//! One writer per output folder: an exclusive `flock` on `<out>/.hostwiz.lock`, held from the
//! moment a run looks at the folder to commit until its last rename is synced. A second run
//! waits for the first, then sees what the first wrote.

use crate::error::{Error, Result};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub const LOCK_NAME: &str = ".hostwiz.lock";

/// How long a run waits for another hostwiz writing the same folder before it gives up.
const WAIT: Duration = Duration::from_secs(120);

/// The held lock; dropping it removes the lock file and releases the lock.
pub struct Lock {
    path: PathBuf,
    #[cfg(unix)]
    file: std::fs::File,
}

impl Lock {
    /// Waits (up to two minutes) until no other hostwiz holds `out`, then holds it. `out` must
    /// exist.
    pub fn acquire(out: &Path) -> Result<Lock> {
        let path = out.join(LOCK_NAME);
        #[cfg(unix)]
        {
            use std::os::unix::fs::MetadataExt;
            use std::os::unix::io::AsRawFd;
            let started = Instant::now();
            loop {
                let file = std::fs::OpenOptions::new()
                    .read(true)
                    .write(true)
                    .create(true)
                    .truncate(false)
                    .open(&path)
                    .map_err(|e| Error::io(&path, "create the lock file", e))?;
                // SAFETY: flock(2) on a descriptor this function owns.
                let got = unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX | libc::LOCK_NB) };
                if got != 0 {
                    let e = std::io::Error::last_os_error();
                    if e.kind() != std::io::ErrorKind::WouldBlock {
                        return Err(Error::io(&path, "lock", e));
                    }
                    if started.elapsed() > WAIT {
                        return Err(Error::NotWritten(format!(
                            "another hostwiz has been writing to {} for over {} s; wait for it \
                             to finish and run the same command again",
                            out.display(),
                            WAIT.as_secs()
                        )));
                    }
                    std::thread::sleep(Duration::from_millis(20));
                    continue;
                }
                // The holder before us removes the file as it lets go; a lock on a file that
                // is no longer at the path locks nothing, so start over on the new one.
                let same = match (file.metadata(), std::fs::symlink_metadata(&path)) {
                    (Ok(a), Ok(b)) => a.ino() == b.ino() && a.dev() == b.dev(),
                    _ => false,
                };
                if same {
                    return Ok(Lock { path, file });
                }
            }
        }
        #[cfg(not(unix))]
        {
            let _ = (Instant::now(), WAIT);
            Ok(Lock { path })
        }
    }
}

impl Drop for Lock {
    fn drop(&mut self) {
        // Removed while still held, so no waiter can lock the old file and think it holds the
        // folder (it checks the path still names the file it locked).
        let _ = std::fs::remove_file(&self.path);
        #[cfg(unix)]
        {
            use std::os::unix::io::AsRawFd;
            // SAFETY: flock(2) on the descriptor this lock owns; closing it would unlock too.
            unsafe {
                libc::flock(self.file.as_raw_fd(), libc::LOCK_UN);
            }
        }
    }
}
