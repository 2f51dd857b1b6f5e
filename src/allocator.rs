//! The binary's allocator: mimalloc. Reading a large rendered stream allocates a node per
//! YAML scalar from several threads; with the system allocator that was a third of `check`'s
//! time (benches/README.md). The library leaves the choice to whoever links it.

use libmimalloc_sys as mi;
use std::alloc::{GlobalAlloc, Layout};
use std::ffi::c_void;

/// The alignment every `mi_malloc` block has; larger alignments take the aligned calls.
const MIN_ALIGN: usize = 16;

struct MiMalloc;

#[global_allocator]
static ALLOCATOR: MiMalloc = MiMalloc;

// SAFETY: mimalloc returns blocks of at least the size asked, aligned as asked (the plain calls
// align to MIN_ALIGN, or to the size when it is smaller, as `System` assumes of malloc), null
// on failure, and takes back any block it returned.
unsafe impl GlobalAlloc for MiMalloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        match plain(layout.align(), layout.size()) {
            true => unsafe { mi::mi_malloc(layout.size()) as *mut u8 },
            false => unsafe { mi::mi_malloc_aligned(layout.size(), layout.align()) as *mut u8 },
        }
    }

    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        match plain(layout.align(), layout.size()) {
            true => unsafe { mi::mi_zalloc(layout.size()) as *mut u8 },
            false => unsafe { mi::mi_zalloc_aligned(layout.size(), layout.align()) as *mut u8 },
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        unsafe { mi::mi_free(ptr as *mut c_void) }
    }

    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let ptr = ptr as *mut c_void;
        match plain(layout.align(), new_size) {
            true => unsafe { mi::mi_realloc(ptr, new_size) as *mut u8 },
            false => unsafe { mi::mi_realloc_aligned(ptr, new_size, layout.align()) as *mut u8 },
        }
    }
}

/// Whether the unaligned calls give a block of `size` bytes alignment `align`: the aligned
/// calls cost a second look at every allocation, and almost every Rust allocation needs at
/// most 16.
fn plain(align: usize, size: usize) -> bool {
    align <= MIN_ALIGN && align <= size
}

/// Returns freed memory to the system at once and commits arena memory as it is used, instead
/// of mimalloc's defaults (later; whole arenas up front), which took a 12 MB stream's peak
/// memory from 23 MB to 50 MB (the gain in time, if any, was within the machine's noise).
/// The numbers are the options' places in `mi_option_e` of the mimalloc (v3) that
/// libmimalloc-sys builds: `mi_option_purge_delay` and `mi_option_arena_eager_commit` (the
/// crate names only v2's options).
///
/// Run from `.init_array`, before the first allocation: mimalloc decides on eager commit when
/// it makes its first arena, which is before `main`.
#[cfg(target_os = "linux")]
#[used]
#[link_section = ".init_array"]
static TUNE: extern "C" fn() = tune;

pub extern "C" fn tune() {
    const PURGE_DELAY: mi::mi_option_t = 15;
    const ARENA_EAGER_COMMIT: mi::mi_option_t = 4;
    for option in [PURGE_DELAY, ARENA_EAGER_COMMIT] {
        // SAFETY: sets an integer setting of the allocator; no memory is touched.
        unsafe { mi::mi_option_set(option, 0) };
    }
}
