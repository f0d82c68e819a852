use std::io;
use std::process::ExitCode;

fn main() -> ExitCode {
    xsell::cmd::sink::catch_file_size_signal();
    let cli = xsell::cli::parse();
    match xsell::run(&cli) {
        Ok(code) => code,
        Err(err) if is_broken_pipe(&err) => ExitCode::SUCCESS,
        Err(err) => {
            xsell::cmd::sink::to_stderr(format_args!("xsell: error: {err:#}"));
            ExitCode::from(2)
        }
    }
}

/// Output cut short by a closed pipe (`xsell ... | head`) is not an error.
fn is_broken_pipe(err: &anyhow::Error) -> bool {
    err.chain().any(|cause| {
        cause
            .downcast_ref::<io::Error>()
            .is_some_and(|e| e.kind() == io::ErrorKind::BrokenPipe)
    })
}

/// Whether standard output is closed (`>&-`), asked before the Rust runtime opens /dev/null on a
/// closed one: a function the loader runs from `.init_array`, before `main` and the runtime's
/// start-up (Linux). An open descriptor has an entry in /proc/self/fd; without /proc nothing is
/// concluded.
#[cfg(target_os = "linux")]
mod closed_stdout {
    use std::sync::atomic::Ordering;

    extern "C" fn check() {
        let fd = std::path::Path::new("/proc/self/fd");
        let closed = fd.is_dir() && std::fs::symlink_metadata(fd.join("1")).is_err();
        xsell::cmd::sink::STDOUT_CLOSED_AT_START.store(closed, Ordering::Relaxed);
    }

    // SAFETY: `.init_array` holds plain `extern "C" fn()` pointers that the loader calls once,
    // in order, before `main`; `check` takes no arguments, does not unwind (its calls return
    // errors, not panics) and only stores a flag.
    #[used]
    #[unsafe(link_section = ".init_array")]
    static CHECK: extern "C" fn() = check;
}
