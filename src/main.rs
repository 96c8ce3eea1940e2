use std::process::ExitCode;

mod cli;
mod commands;
mod reporter;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(err) => {
            eprintln!("trove: {err:#}");
            ExitCode::from(2)
        }
    }
}
