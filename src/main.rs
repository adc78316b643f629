//! The `knowhow` binary: parses the command line and hands it to the library.

use clap::Parser;

/// mimalloc keeps freed memory for reuse: an update allocates and frees buffers of a few hundred KB (a MinAtar
/// batch's unfolded patches and gradients), which glibc's allocator hands back to the OS and faults in again each
/// time (a sixth of a MinAtar run's time in page faults).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() -> std::process::ExitCode {
    // A closed standard output (`knowhow bench | head`) ends the process quietly, as it does any Unix tool: Rust
    // ignores SIGPIPE by default, and `println!` then panics on the broken pipe. Nothing is lost: results are written
    // atomically, and an interrupted batch resumes.
    #[cfg(unix)]
    // SAFETY: the first thing the process does, before any thread starts; it restores one signal's default action.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    knowhow::cli::main_with(knowhow::cli::Cli::parse())
}
