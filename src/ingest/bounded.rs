//! Reading a file the operator named without trusting what it is: the size is checked before
//! the first byte is read, a device (`/dev/zero`, a terminal) is refused, and a pipe is opened
//! without waiting for a writer and read only up to the cap. So `--answers /dev/zero` or a
//! named pipe nobody writes to ends with a message instead of growing or hanging for ever.

use crate::error::{Error, Result};
use std::io::Read;
use std::path::Path;

/// The largest deployment file hostwiz reads: `helm template` of 100,000 releases of the
/// starter chart is 1.2 GB.
pub const MAX_INPUT: u64 = 2 * 1024 * 1024 * 1024;

/// The largest file another file names (a Compose `env_file:`) or a service list.
pub const MAX_LIST: u64 = 64 * 1024 * 1024;

/// The largest answers file or preset: a few hundred lines of TOML at most.
pub const MAX_ANSWERS: u64 = 4 * 1024 * 1024;

/// The bytes of `path`, at most `cap`; `what` names the file in errors ("an answers file"),
/// `action` what could not be done ("read the answers file").
pub fn read(path: &Path, cap: u64, what: &str, action: &'static str) -> Result<Vec<u8>> {
    let shown = path.display().to_string();
    let refuse = |message: String| Error::Parse {
        path: shown.clone(),
        message,
    };
    let too_large = || refuse(format!("is larger than {} MiB; not {what}", cap >> 20));
    let meta = std::fs::metadata(path).map_err(|e| Error::io(path, action, e))?;
    let kind = meta.file_type();
    if meta.is_dir() {
        return Err(refuse(format!("is a folder; expected {what}")));
    }
    if meta.is_file() && meta.len() > cap {
        return Err(too_large());
    }
    let pipe = is_pipe(&kind);
    if !meta.is_file() && !pipe {
        return Err(refuse(format!(
            "is a device, not a file; expected {what} (save it to a file first)"
        )));
    }
    let file = open(path, pipe).map_err(|e| Error::io(path, action, e))?;
    // The exact size up front: grown by doubling, a 200 MB file would briefly need 400 MB.
    let size = if meta.is_file() {
        meta.len() as usize + 1
    } else {
        0
    };
    let bytes = read_all(file, cap, size).map_err(|e| Error::io(path, action, e))?;
    if bytes.len() as u64 > cap {
        return Err(too_large());
    }
    if pipe && bytes.is_empty() {
        return Err(refuse(format!(
            "is a named pipe and nothing wrote to it; expected {what}"
        )));
    }
    Ok(bytes)
}

/// What `from` gives, up to `cap + 1` bytes (one past the cap, so the caller can tell too
/// large from just fitting), into memory for `size` bytes (the size, when known, + 1), grown
/// in large pages when more comes: `helm template … | hostwiz check -` gives no size.
fn read_all(from: impl Read, cap: u64, size: usize) -> std::io::Result<Vec<u8>> {
    let mut from = from.take(cap + 1);
    let mut bytes = buffer(size.min(cap as usize + 1));
    loop {
        let room = bytes.capacity() - bytes.len();
        // Read only into the room there is: `read_to_end` would grow it page by page.
        if (&mut from).take(room as u64).read_to_end(&mut bytes)? < room {
            return Ok(bytes);
        }
        let mut larger = buffer((2 * bytes.capacity()).max(64 << 10));
        larger.extend_from_slice(&bytes);
        bytes = larger;
    }
}

/// Memory for `size` bytes of a file. A large one is backed by 2 MB pages where the system
/// offers them (transparent huge pages on request, Linux's default): page by page, the first
/// touch of each 4 KB of a 12 MB stream took longer than reading it (3,000 faults, ~10 ms on
/// a virtual machine). The 2 MB past the end let the last of the file's bytes sit in a whole
/// large page; they take memory only as part of that page.
fn buffer(size: usize) -> Vec<u8> {
    const LARGE: usize = 2 << 20;
    if size < 2 * LARGE {
        return Vec::with_capacity(size);
    }
    let mut bytes = Vec::with_capacity(size + LARGE);
    #[cfg(target_os = "linux")]
    {
        let start = bytes.as_mut_ptr() as usize;
        let from = start.next_multiple_of(LARGE);
        let to = (start + bytes.capacity()) & !(LARGE - 1);
        // SAFETY: advice on how to back memory this Vec owns and has not written to; it
        // changes no byte of it, and a system without large pages ignores or refuses it.
        unsafe { libc::madvise(from as *mut libc::c_void, to - from, libc::MADV_HUGEPAGE) };
    }
    bytes
}

#[cfg(unix)]
fn is_pipe(kind: &std::fs::FileType) -> bool {
    use std::os::unix::fs::FileTypeExt;
    kind.is_fifo()
}

#[cfg(not(unix))]
fn is_pipe(_: &std::fs::FileType) -> bool {
    false
}

/// Whether `path`, symlinks resolved, is inside `dir` or the current folder: where a file that
/// another file names (a Compose `env_file:`) may be read from. A missing file counts as
/// inside, so the reader reports it as missing.
pub fn inside(path: &Path, dir: &Path) -> bool {
    let Ok(real) = std::fs::canonicalize(path) else {
        return !path.is_absolute();
    };
    [
        dir.to_path_buf(),
        std::env::current_dir().unwrap_or_default(),
    ]
    .iter()
    .filter_map(|d| std::fs::canonicalize(d).ok())
    .any(|d| real.starts_with(d))
}

/// Standard input, at most `cap` bytes (one more is read, so the caller can tell too large),
/// looked at once: a device other than a terminal (`< /dev/zero`), which would never end, is
/// refused (`what` names what was expected); a terminal is read until Ctrl-D as usual; input
/// redirected from a file is read into memory of its size, a pipe's grown as it comes.
pub fn read_stdin(cap: u64, what: &str) -> Result<Vec<u8>> {
    let meta = std::fs::metadata("/dev/stdin").ok();
    #[cfg(unix)]
    if let Some(kind) = meta.as_ref().map(std::fs::Metadata::file_type) {
        use std::os::unix::fs::FileTypeExt;
        // SAFETY: isatty(3) on descriptor 0.
        let tty = unsafe { libc::isatty(0) } == 1;
        if (kind.is_char_device() || kind.is_block_device()) && !tty {
            return Err(Error::Parse {
                path: "<stdin>".into(),
                message: format!("is a device, not a file; expected {what}"),
            });
        }
    }
    let size = meta
        .filter(std::fs::Metadata::is_file)
        .map_or(0, |m| m.len() as usize + 1);
    read_all(std::io::stdin(), cap, size).map_err(|e| Error::io("standard input", "read", e))
}

/// How long a named pipe may wait for its first writer.
const WRITER_WAIT: std::time::Duration = std::time::Duration::from_secs(3);

/// Opens `path`. A pipe is opened without blocking, so no writer cannot hang the open; then
/// its first bytes are awaited for a bounded time while nothing has it open for writing (a read
/// gives 0 then), and without a bound once a writer is there (a read would block: `EAGAIN`), as
/// with `<(sops -d …)`, whose writer is there from the start.
fn open(path: &Path, pipe: bool) -> std::io::Result<Box<dyn Read>> {
    #[cfg(unix)]
    if pipe {
        use std::os::unix::fs::OpenOptionsExt;
        use std::os::unix::io::AsRawFd;
        let mut f = std::fs::OpenOptions::new()
            .read(true)
            .custom_flags(libc::O_NONBLOCK)
            .open(path)?;
        let started = std::time::Instant::now();
        let mut first = [0u8; 4096];
        let got = loop {
            match f.read(&mut first) {
                Ok(0) if started.elapsed() < WRITER_WAIT => {
                    std::thread::sleep(std::time::Duration::from_millis(20))
                }
                Ok(n) => break n,
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => break 0,
                Err(e) => return Err(e),
            }
        };
        // SAFETY: fcntl(2) on a descriptor this function owns.
        unsafe {
            let flags = libc::fcntl(f.as_raw_fd(), libc::F_GETFL);
            libc::fcntl(f.as_raw_fd(), libc::F_SETFL, flags & !libc::O_NONBLOCK);
        }
        return Ok(Box::new(
            std::io::Cursor::new(first[..got].to_vec()).chain(f),
        ));
    }
    let _ = pipe;
    Ok(Box::new(std::fs::File::open(path)?))
}

#[cfg(all(test, unix))]
mod tests {
    use super::*;

    #[test]
    fn devices_are_refused_and_sizes_checked_first() {
        let err = read(Path::new("/dev/zero"), MAX_INPUT, "an answers file", "read").unwrap_err();
        assert!(err.to_string().contains("is a device"), "{err}");
        let dir = tempfile::tempdir().unwrap();
        let big = dir.path().join("big");
        std::fs::File::create(&big)
            .unwrap()
            .set_len(MAX_ANSWERS + 1)
            .unwrap();
        let err = read(&big, MAX_ANSWERS, "an answers file", "read").unwrap_err();
        assert!(err.to_string().contains("larger than 4 MiB"), "{err}");
    }

    /// A file read into large pages comes back byte for byte, on each side of the size at
    /// which they are asked for.
    #[test]
    fn large_files_read_whole() {
        let dir = tempfile::tempdir().unwrap();
        for size in [(4 << 20) - 2, (4 << 20) - 1, (5 << 20) + 12_345] {
            let path = dir.path().join(format!("f{size}"));
            let bytes: Vec<u8> = (0..size).map(|i| (i * 7 % 251) as u8).collect();
            std::fs::write(&path, &bytes).unwrap();
            let read = read(&path, MAX_INPUT, "a deployment file", "read").unwrap();
            assert!(read == bytes, "{size}");
            // Without its size, as from a pipe: grown as it comes, and cut one past the cap.
            assert!(
                read_all(&bytes[..], MAX_INPUT, 0).unwrap() == bytes,
                "{size}"
            );
            assert_eq!(
                read_all(&bytes[..], 1 << 20, 0).unwrap().len(),
                (1 << 20) + 1
            );
        }
    }

    #[test]
    fn a_named_pipe_nobody_writes_to_ends_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("p");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        // SAFETY: mkfifo(3) with a valid NUL-terminated path.
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let err = read(&fifo, MAX_INPUT, "an env file", "read").unwrap_err();
        assert!(err.to_string().contains("named pipe"), "{err}");
    }
}
