use std::io;
use std::process::ExitCode;

use clap::CommandFactory;

mod cli;
mod commands;
mod reporter;

use cli::{one_index, Cli, Command};

fn main() -> ExitCode {
    match run(Cli::from_env()) {
        Ok(code) => code,
        Err(err) => {
            // The message may quote a file name or a query: one safe line.
            eprintln!("trove: {}", trove::term::message(&format!("{err:#}")));
            ExitCode::from(2)
        }
    }
}

/// Runs the command `cli` names: the binary's one dispatch.
fn run(mut cli: Cli) -> anyhow::Result<ExitCode> {
    cli.global.index = cli.index_dirs().map_err(anyhow::Error::msg)?;
    let first = cli.global.index.first().cloned().unwrap_or_default();
    // A panic while reading an index (tantivy on damaged data) is said as such.
    let guarded = |f: &dyn Fn() -> anyhow::Result<ExitCode>| -> anyhow::Result<ExitCode> {
        trove::guard::catch(f).unwrap_or_else(|panic| {
            Err(trove::Error::Damaged {
                path: first.clone(),
                reason: format!("reading it failed: {panic}"),
            }
            .into())
        })
    };
    match cli.command {
        Command::Search(args) => guarded(&|| commands::search(cli.global.index.clone(), &args)),
        Command::Index(args) => commands::index(one_index(cli.global.index, "index")?, args),
        Command::Parse(args) => commands::parse(args),
        Command::Delete(args) => commands::delete(one_index(cli.global.index, "delete")?, args),
        Command::Get(args) => {
            let dir = one_index(cli.global.index, "get")?;
            guarded(&|| commands::get(dir.clone(), &args))
        }
        Command::Stats(args) => {
            let dir = one_index(cli.global.index, "stats")?;
            guarded(&|| commands::stats(dir.clone(), &args))
        }
        Command::Check(args) => commands::check(one_index(cli.global.index, "check")?, args),
        Command::Eval(args) => commands::eval(args),
        Command::Export(args) => {
            let dir = one_index(cli.global.index, "export")?;
            guarded(&|| commands::export(dir.clone(), &args))
        }
        Command::Serve(args) => commands::serve(cli.global.index, &args),
        Command::Completions { shell } => {
            clap_complete::generate(shell, &mut Cli::command(), "trove", &mut io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man { command } => commands::man(command.as_deref()),
    }
}
