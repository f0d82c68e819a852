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
