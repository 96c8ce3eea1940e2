use std::process::ExitCode;

mod cli;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("trove: {err:#}");
            ExitCode::from(2)
        }
    }
}
