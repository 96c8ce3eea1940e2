use std::process::ExitCode;

mod cli;
mod commands;
mod reporter;

fn main() -> ExitCode {
    match cli::run() {
        Ok(code) => code,
        Err(err) => {
            // The message may quote a file name or a query: one safe line.
            eprintln!("trove: {}", trove::term::message(&format!("{err:#}")));
            ExitCode::from(2)
        }
    }
}
