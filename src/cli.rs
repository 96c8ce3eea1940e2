//! The command line: clap definitions turned into the library's plain option structs,
//! and results turned into output and exit codes (0 results, 1 none, 2 error).

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use trove::error::display_chain;
use trove::index::{Event, IndexOptions, IndexSummary, STDIN_PATH};
use trove::ingest::{self, FileOutcome, Item};
use trove::output::{self, Style};
use trove::search::SearchOptions;
use trove::TroveIndex;

#[derive(Debug, Parser)]
#[command(
    name = "trove",
    version,
    about = "Full-text search for archives of articles and documents",
    after_help = "Exit codes: 0 results found (or indexing succeeded), 1 no results, 2 error."
)]
pub struct Cli {
    /// Index folder
    #[arg(
        long = "index",
        global = true,
        env = "TROVE_INDEX",
        default_value = "index",
        value_name = "DIR"
    )]
    index: PathBuf,

    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Index files and folders (recursively); re-indexing a document replaces it
    Index(IndexArgs),
    /// Search the index, best matches first (BM25)
    Search(SearchArgs),
    /// Show what trove would index from files, without touching an index
    Parse(ParseArgs),
}

#[derive(Debug, clap::Args)]
struct ParseArgs {
    /// Files and folders to parse; `-` reads JSON Lines from stdin
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Print one JSON object per document (JSON Lines)
    #[arg(long = "json")]
    json: bool,

    /// When to colour the output
    #[arg(long = "color", value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
}

#[derive(Debug, clap::Args)]
struct IndexArgs {
    /// Files and folders to index; `-` reads JSON Lines from stdin
    #[arg(required = true, value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Also name every skipped file and why
    #[arg(long = "verbose", short = 'v')]
    verbose: bool,
}

#[derive(Debug, clap::Args)]
struct SearchArgs {
    /// Query in tantivy's syntax: words, "phrases", field:term, AND/OR/NOT, +/-
    #[arg(required = true, value_name = "QUERY")]
    query: Vec<String>,

    /// How many hits to show
    #[arg(long = "limit", short = 'n', default_value_t = 10, value_parser = clap::value_parser!(u32).range(1..=100_000))]
    limit: u32,

    /// Print hits as JSON Lines
    #[arg(long = "json")]
    json: bool,

    /// When to colour the output
    #[arg(long = "color", value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is unset
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    fn resolve(self) -> bool {
        match self {
            ColorChoice::Always => true,
            ColorChoice::Never => false,
            ColorChoice::Auto => {
                io::stdout().is_terminal()
                    && std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty())
            }
        }
    }
}

pub fn run() -> anyhow::Result<ExitCode> {
    let cli = Cli::parse();
    match cli.command {
        Command::Index(args) => run_index(cli.index, args),
        Command::Search(args) => run_search(cli.index, args),
        Command::Parse(args) => run_parse(args),
    }
}

fn run_index(index_dir: PathBuf, args: IndexArgs) -> anyhow::Result<ExitCode> {
    let opts = IndexOptions::new(index_dir.clone(), args.paths);
    let mut per_file = PerFileLimit::new(if args.verbose { usize::MAX } else { 5 });
    let mut on_event = |event: Event| match event {
        Event::Warning { path, message } => {
            per_file.say(path, &format!("warning: {}: {message}", path.display()))
        }
        Event::BadRecord { path, reason } => {
            per_file.say(path, &format!("{}: bad record: {reason}", path.display()))
        }
        Event::Skipped { path, reason } => {
            if args.verbose {
                eprintln!("trove: skipped {}: {reason}", path.display())
            }
        }
        Event::Failed { error } => eprintln!("trove: {}", display_chain(error)),
    };
    let result = trove::index_paths(&opts, &mut on_event);
    per_file.finish();
    let summary = result.with_context(|| format!("indexing into {}", index_dir.display()))?;
    eprintln!("{}", summary_line(&summary, &index_dir));
    Ok(if summary.had_errors() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Prints at most `limit` messages about one file, then how many more there were, so a
/// file with thousands of bad dates does not drown the rest.
struct PerFileLimit {
    limit: usize,
    path: PathBuf,
    said: usize,
}

impl PerFileLimit {
    fn new(limit: usize) -> Self {
        PerFileLimit {
            limit,
            path: PathBuf::new(),
            said: 0,
        }
    }

    fn say(&mut self, path: &Path, message: &str) {
        if path != self.path {
            self.finish();
            self.path = path.to_path_buf();
        }
        self.said += 1;
        if self.said <= self.limit {
            eprintln!("trove: {message}");
        }
    }

    fn finish(&mut self) {
        if self.said > self.limit {
            eprintln!(
                "trove: {}: {} more messages like these (--verbose shows all)",
                self.path.display(),
                self.said - self.limit
            );
        }
        self.said = 0;
    }
}

fn summary_line(s: &IndexSummary, index_dir: &std::path::Path) -> String {
    let plural =
        |n: usize, one: &str, many: &str| format!("{n} {}", if n == 1 { one } else { many });
    let mut line = format!(
        "indexed {} from {} in {:.2} s",
        plural(s.documents, "document", "documents"),
        plural(s.files, "file", "files"),
        s.elapsed.as_secs_f64()
    );
    let skipped = s.skipped_total();
    if skipped > 0 {
        let reasons: Vec<String> = s
            .skipped
            .iter()
            .map(|(reason, n)| format!("{n} {reason}"))
            .collect();
        line.push_str(&format!(
            "; skipped {} ({})",
            plural(skipped, "file", "files"),
            reasons.join(", ")
        ));
    }
    if s.failed > 0 {
        line.push_str(&format!("; {} failed", s.failed));
    }
    if s.bad_records > 0 {
        line.push_str(&format!(
            "; {}",
            plural(s.bad_records, "bad record", "bad records")
        ));
    }
    if s.warnings > 0 {
        line.push_str(&format!("; {}", plural(s.warnings, "warning", "warnings")));
    }
    line.push_str(&format!(
        "; {} now holds {}",
        index_dir.display(),
        plural(s.total_documents as usize, "document", "documents")
    ));
    line
}

fn run_search(index_dir: PathBuf, args: SearchArgs) -> anyhow::Result<ExitCode> {
    let trove = TroveIndex::open(&index_dir)?;
    let opts = SearchOptions {
        query: args.query.join(" "),
        limit: args.limit as usize,
    };
    let results = trove::search(&trove, &opts)?;
    let style = Style {
        color: args.color.resolve(),
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let printed = if args.json {
        output::print_hits_json(&mut out, &results.hits)
    } else {
        output::print_hits_human(&mut out, &results, style)
    }
    .and_then(|()| out.flush());
    ignore_closed_pipe(printed)?;
    Ok(if results.hits.is_empty() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

fn run_parse(args: ParseArgs) -> anyhow::Result<ExitCode> {
    let style = Style {
        color: args.color.resolve(),
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut documents = 0usize;
    let mut errors = 0usize;
    let mut write_result: io::Result<()> = Ok(());
    let mut print = |path: &Path, item: Item, documents: &mut usize, errors: &mut usize| match item
    {
        Item::Doc { article, warnings } => {
            for w in warnings {
                eprintln!("trove: warning: {}: {w}", path.display());
            }
            *documents += 1;
            if write_result.is_ok() {
                write_result = if args.json {
                    output::print_article_json(&mut out, &article)
                } else {
                    output::print_article_human(&mut out, &article, style)
                };
            }
        }
        Item::Bad { reason } => {
            *errors += 1;
            eprintln!("trove: {}: bad record: {reason}", path.display());
        }
    };
    let (stdin, paths): (Vec<PathBuf>, Vec<PathBuf>) = args
        .paths
        .into_iter()
        .partition(|p| p.as_os_str() == STDIN_PATH);
    if !stdin.is_empty() {
        let path = Path::new(STDIN_PATH);
        if let Err(e) =
            ingest::read_stdin(&mut |item| print(path, item, &mut documents, &mut errors))
        {
            errors += 1;
            eprintln!("trove: {}", display_chain(&e));
        }
    }
    for entry in ingest::walk(&paths) {
        let path = match entry {
            Ok(p) => p,
            Err(e) => {
                errors += 1;
                eprintln!("trove: {}", display_chain(&e));
                continue;
            }
        };
        match ingest::read_file(&path, &mut |item| {
            print(&path, item, &mut documents, &mut errors)
        }) {
            Ok(FileOutcome::Read(_)) => {}
            Ok(FileOutcome::Skipped(reason)) => {
                eprintln!("trove: skipped {}: {reason}", path.display())
            }
            Err(e) => {
                errors += 1;
                eprintln!("trove: {}", display_chain(&e));
            }
        }
    }
    ignore_closed_pipe(write_result.and_then(|()| out.flush()))?;
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else if documents == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// A reader that stops reading (`trove search x | head -1`) is not an error.
fn ignore_closed_pipe(result: io::Result<()>) -> anyhow::Result<()> {
    match result {
        Err(e) if e.kind() == io::ErrorKind::BrokenPipe => Ok(()),
        other => other.context("writing results"),
    }
}
