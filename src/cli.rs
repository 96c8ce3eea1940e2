//! The command line: clap definitions turned into the library's plain option structs,
//! and results turned into output and exit codes (0 results, 1 none, 2 error).

use std::io::{self, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use anyhow::Context;
use clap::builder::TypedValueParser;
use clap::{Parser, Subcommand, ValueEnum};

use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;
use std::time::Duration;
use trove::error::display_chain;

use trove::batch::{IndexOptions, STDIN_PATH};
use trove::deletion::{self, DeleteOptions};
use trove::ingest::{self, FileOutcome, Item};
use trove::output::{self, Style};

use crate::reporter::IndexReporter;
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
    /// Remove documents by id, by file or folder, or by query
    Delete(DeleteArgs),
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["ids", "paths", "query"])))]
struct DeleteArgs {
    /// Documents with this id (repeatable)
    #[arg(long = "id", value_name = "ID")]
    ids: Vec<String>,

    /// Documents read from this file, or from any file under this folder (repeatable)
    #[arg(long = "path", value_name = "PATH")]
    paths: Vec<PathBuf>,

    /// Documents matching this query
    #[arg(long = "query", value_name = "QUERY", allow_hyphen_values = true)]
    query: Option<String>,

    /// Only list what would be deleted
    #[arg(long = "dry-run", short = 'n')]
    dry_run: bool,

    /// List the documents as JSON Lines (id, title, path)
    #[arg(long = "json")]
    json: bool,

    /// Wait up to SECS for another `trove index` to release the index
    #[arg(long = "wait", value_name = "SECS", default_value_t = 0.0)]
    wait: f64,
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

    /// Name every skipped file, every warning and every duplicate
    #[arg(long = "verbose", short = 'v')]
    verbose: bool,

    /// No progress bar and no summary (errors are still shown)
    #[arg(long = "quiet", short = 'q')]
    quiet: bool,

    /// Print the summary as JSON on stdout
    #[arg(long = "json")]
    json: bool,

    /// Threads for reading and for indexing [default: one per core, at most 8]
    #[arg(long = "threads", short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256).map(usize::from))]
    threads: Option<usize>,

    /// Memory for tantivy's writer, like 256M or 1G [default: 256M]
    #[arg(long = "memory", value_name = "SIZE", value_parser = parse_size)]
    memory: Option<usize>,

    /// Keep the documents of files that are gone from the folders
    #[arg(long = "no-prune")]
    no_prune: bool,

    /// Read every file again, changed or not
    #[arg(long = "force")]
    force: bool,

    /// Wait up to SECS for another `trove index` to release the index
    #[arg(long = "wait", value_name = "SECS", default_value_t = 0.0)]
    wait: f64,

    /// Commit after this many documents
    #[arg(long = "commit-every", value_name = "DOCS", default_value_t = 50_000, value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize))]
    commit_every: usize,

    /// ... or after this many seconds, whichever comes first
    #[arg(long = "commit-interval", value_name = "SECS", default_value_t = 30.0)]
    commit_interval: f64,
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
        Command::Delete(args) => run_delete(cli.index, args),
    }
}

fn run_index(index_dir: PathBuf, args: IndexArgs) -> anyhow::Result<ExitCode> {
    let mut opts = IndexOptions::new(index_dir.clone(), args.paths);
    if let Some(n) = args.threads {
        opts.threads = n;
        opts.writer_threads = n;
    }
    if let Some(bytes) = args.memory {
        opts.memory = bytes;
    }
    opts.prune = !args.no_prune;
    opts.force = args.force;
    opts.wait = Duration::from_secs_f64(args.wait);
    opts.commit_docs = args.commit_every;
    opts.commit_interval = Duration::from_secs_f64(args.commit_interval);
    let stop = Arc::new(AtomicBool::new(false));
    install_stop_handler(stop.clone());
    opts.stop = Some(stop);

    let show_progress = !args.quiet && !args.json && io::stderr().is_terminal();
    let mut reporter = IndexReporter::new(args.verbose, args.quiet, show_progress);
    let result = trove::index_paths(&opts, &mut |event| reporter.event(event));
    reporter.finish();
    let summary = result.with_context(|| format!("indexing into {}", index_dir.display()))?;
    if args.json {
        let mut out = io::stdout().lock();
        ignore_closed_pipe(
            serde_json::to_writer(&mut out, &summary)
                .map_err(io::Error::other)
                .and_then(|()| writeln!(out)),
        )?;
    } else if !args.quiet || summary.had_errors() {
        eprintln!("{}", output::index_summary_line(&summary, &index_dir));
    }
    Ok(if summary.interrupted {
        ExitCode::from(130)
    } else if summary.had_errors() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// Ctrl-C or SIGTERM once: commit what is done and stop. Twice: quit now (the index
/// stays at its last commit either way).
fn install_stop_handler(stop: Arc<AtomicBool>) {
    let result = ctrlc::set_handler(move || {
        if stop.swap(true, Ordering::SeqCst) {
            std::process::exit(130);
        }
        eprintln!("trove: stopping: committing what is done (again to quit at once)");
    });
    if let Err(e) = result {
        eprintln!("trove: warning: cannot catch Ctrl-C: {e}");
    }
}

/// `256M`, `1G`, `1.5GiB`, `300MB`, `64k`; a bare number is bytes.
fn parse_size(text: &str) -> Result<usize, String> {
    let t = text.trim().to_ascii_lowercase();
    let t = t.trim_end_matches("ib").trim_end_matches('b');
    let (number, unit) = match t.find(|c: char| c.is_ascii_alphabetic()) {
        Some(i) => (&t[..i], &t[i..]),
        None => (t, ""),
    };
    let scale: f64 = match unit.trim() {
        "" => 1.0,
        "k" => 1024.0,
        "m" => 1024.0 * 1024.0,
        "g" => 1024.0 * 1024.0 * 1024.0,
        other => return Err(format!("unknown unit {other:?}: use K, M or G")),
    };
    let n: f64 = number
        .trim()
        .parse()
        .map_err(|_| format!("{text:?} is not a size like 256M or 1G"))?;
    if !(n.is_finite() && n > 0.0) {
        return Err(format!("{text:?} is not a size like 256M or 1G"));
    }
    Ok((n * scale) as usize)
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

fn run_delete(index_dir: PathBuf, args: DeleteArgs) -> anyhow::Result<ExitCode> {
    let trove = TroveIndex::open(&index_dir)?;
    let opts = DeleteOptions {
        ids: args.ids,
        paths: args.paths,
        query: args.query,
        dry_run: args.dry_run,
        wait: Duration::from_secs_f64(args.wait),
    };
    let deleted = deletion::delete(&trove, &opts)?;
    let mut out = BufWriter::new(io::stdout().lock());
    let printed = deleted
        .iter()
        .try_for_each(|d| {
            if args.json {
                serde_json::to_writer(&mut out, d).map_err(io::Error::other)?;
                writeln!(out)
            } else {
                writeln!(
                    out,
                    "{}\t{}\t{}",
                    d.id,
                    output::escape(&d.title),
                    output::escape(d.path.as_deref().unwrap_or("-"))
                )
            }
        })
        .and_then(|()| out.flush());
    ignore_closed_pipe(printed)?;
    let noun = if deleted.len() == 1 {
        "document"
    } else {
        "documents"
    };
    if args.dry_run {
        eprintln!("would delete {} {noun} (dry run)", deleted.len());
    } else {
        eprintln!("deleted {} {noun}", deleted.len());
    }
    Ok(if deleted.is_empty() {
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
            Ok(FileOutcome::Read { .. }) => {}
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
