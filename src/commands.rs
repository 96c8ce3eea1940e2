//! The commands: each calls the library and prints what it returns.
//! Exit codes like grep: 0 results, 1 none, 2 error (130 when stopped by a signal).

use std::collections::HashSet;
use std::io::{self, BufRead, BufWriter, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use anyhow::Context;
use trove::batch::{IndexOptions, STDIN_PATH};
use trove::deletion::{self, DeleteOptions};
use trove::error::display_chain;
use trove::export::{self, ExportError};
use trove::ingest::{self, FileOutcome, Item};
use trove::output::{self, Style};
use trove::search::{MultiSession, SearchResults};
use trove::watch::WatchEvent;
use trove::{term, TroveIndex};

use crate::cli::{
    CheckArgs, ColorChoice, DeleteArgs, EvalArgs, ExportArgs, GetArgs, IndexArgs, Output,
    ParseArgs, SearchArgs, ServeArgs, StatsArgs,
};
use crate::reporter::IndexReporter;

/// `--color` colours human output only: with `--json` it is refused, not ignored.
fn refuse_color_with_json(json: bool, color: ColorChoice) -> anyhow::Result<()> {
    if json && color != ColorChoice::Auto {
        anyhow::bail!("--color applies to human output; JSON is never coloured");
    }
    Ok(())
}

/// `--type-list`: each type, and the extensions that name it.
fn type_list() -> anyhow::Result<ExitCode> {
    let mut out = io::stdout().lock();
    for (format, exts) in ingest::sniff::type_list() {
        let exts: Vec<String> = exts
            .iter()
            .map(|e| {
                if e.starts_with('(') {
                    e.to_string()
                } else {
                    format!("*.{e}")
                }
            })
            .collect();
        ignore_closed_pipe(writeln!(out, "{}: {}", format, exts.join(", ")))?;
    }
    Ok(ExitCode::SUCCESS)
}

pub fn index(index_dir: PathBuf, args: IndexArgs) -> anyhow::Result<ExitCode> {
    if args.files.type_list {
        return type_list();
    }
    return_freed_memory();
    let mut opts = IndexOptions::new(index_dir.clone(), args.paths);
    if let Some(n) = args.threads {
        opts.threads = n;
        opts.writer_threads = n;
    }
    if let Some(bytes) = args.memory {
        opts.memory = bytes;
    }
    opts.prune = !args.no_prune;
    opts.merge = args.merge;
    opts.force = args.force;
    opts.walk = args.files.walk()?;
    opts.limits = args.files.limits();
    opts.wait = args.wait;
    opts.commit_docs = args.commit_every;
    opts.commit_interval = args.commit_interval;
    let stop = Arc::new(AtomicBool::new(false));
    install_stop_handler(stop.clone());
    opts.stop = Some(stop);

    if args.watch && (opts.paths.is_empty() || opts.paths.iter().any(|p| p.as_os_str() == "-")) {
        anyhow::bail!("--watch needs the files and folders to watch, named (not standard input)");
    }
    let show_progress = !args.quiet && !args.json && io::stderr().is_terminal();
    let mut reporter = IndexReporter::new(args.verbose, args.quiet, show_progress);
    let result = trove::index_paths(&opts, &mut |event| reporter.event(event));
    reporter.finish();
    let summary = result.with_context(|| format!("indexing into {}", index_dir.display()))?;
    let report = |summary: &trove::IndexSummary| -> anyhow::Result<()> {
        if args.json {
            let mut out = io::stdout().lock();
            ignore_closed_pipe(
                serde_json::to_writer(&mut out, summary)
                    .map_err(io::Error::other)
                    .and_then(|()| writeln!(out))
                    .and_then(|()| out.flush()),
            )
        } else {
            if !args.quiet {
                eprintln!("{}", output::index_summary_line(summary, &index_dir));
            }
            Ok(())
        }
    };
    report(&summary)?;
    if args.watch && !summary.interrupted {
        let mut reporter = IndexReporter::new(args.verbose, args.quiet, false);
        let mut said = Ok(());
        trove::watch::watch(
            &opts,
            trove::watch::WatchOptions::default(),
            &mut |event| reporter.event(event),
            &mut |told| match told {
                WatchEvent::Watching { roots } if !args.quiet => eprintln!(
                    "trove: watching {} for changes (Ctrl-C to stop)",
                    roots
                        .iter()
                        .map(|r| term::path(r))
                        .collect::<Vec<_>>()
                        .join(", ")
                ),
                WatchEvent::Ran(summary) if said.is_ok() => said = report(summary),
                other => warn_of(&other),
            },
        )
        .with_context(|| format!("watching for {}", index_dir.display()))?;
        said?;
        return Ok(ExitCode::from(130));
    }
    Ok(if summary.interrupted {
        ExitCode::from(130)
    } else if summary.had_errors() {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

/// What a watch says on stderr besides its runs' summaries: lost notices, failed runs.
fn warn_of(told: &WatchEvent) {
    match told {
        WatchEvent::Changed { lost: true, .. } => eprintln!(
            "trove: warning: change notices were lost (the kernel's queue overflowed): \
             every file is checked again"
        ),
        WatchEvent::Failed(e) => eprintln!(
            "trove: {}; trying again at the next change",
            term::message(&display_chain(*e))
        ),
        _ => {}
    }
}

/// glibc's malloc raises the size from which it maps blocks of their own each time such
/// a block is freed (up to 32 MiB), and then serves large blocks from its heaps, which
/// keep what is freed: tantivy's writer frees the arena of each segment it writes out,
/// and the process kept it. A fixed threshold gives large blocks back when freed:
/// indexing 1,000,000 records peaked at 614 MB resident for 427 MB of heap, 438 MB with
/// the threshold fixed at 128 KiB (the default it starts from).
fn return_freed_memory() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt sets a parameter of the allocator, before any thread is started.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 128 * 1024);
    }
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

pub fn delete(index_dir: PathBuf, args: DeleteArgs) -> anyhow::Result<ExitCode> {
    let trove = TroveIndex::open(&index_dir)?;
    let opts = DeleteOptions {
        ids: args.ids,
        paths: args.paths,
        query: args.query,
        dry_run: args.dry_run,
        wait: args.wait,
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

pub fn parse(args: ParseArgs) -> anyhow::Result<ExitCode> {
    refuse_color_with_json(args.json, args.color)?;
    if args.files.type_list {
        return type_list();
    }
    let walk = args.files.walk()?;
    let limits = args.files.limits();
    let style = Style {
        color: args.color.resolve(),
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut documents = 0usize;
    let mut errors = 0usize;
    let mut write_result: io::Result<()> = Ok(());
    let mut print = |path: &Path, item: Item, documents: &mut usize, errors: &mut usize| match item
    {
        Item::Doc {
            article,
            warnings,
            provenance,
        } => {
            for w in warnings {
                eprintln!(
                    "trove: warning: {}: {}",
                    term::path(path),
                    term::message(&w)
                );
            }
            *documents += 1;
            if write_result.is_ok() {
                write_result = if args.json {
                    output::print_article_json(
                        &mut out,
                        &article,
                        args.explain.then_some(&*provenance),
                    )
                } else {
                    output::print_article_human(&mut out, &article, style)
                };
            }
        }
        Item::Skipped { member, reason } => {
            eprintln!(
                "trove: skipped {}: {}",
                term::message(&member),
                term::message(&reason)
            );
        }
        Item::Bad { reason } => {
            *errors += 1;
            eprintln!(
                "trove: {}: bad record: {}",
                term::path(path),
                term::message(&reason)
            );
        }
    };
    let (stdin, paths): (Vec<PathBuf>, Vec<PathBuf>) = args
        .paths
        .into_iter()
        .partition(|p| p.as_os_str() == STDIN_PATH);
    if !stdin.is_empty() {
        let path = Path::new(STDIN_PATH);
        if let Err(e) = ingest::read_piped(None, &mut |item| {
            print(path, item, &mut documents, &mut errors)
        }) {
            errors += 1;
            eprintln!("trove: {}", term::message(&display_chain(&e)));
        }
    }
    for entry in ingest::walk(&paths, &walk) {
        let (path, named) = match entry {
            Ok(ingest::Walked {
                path,
                skip: None,
                named,
            }) => (path, named),
            Ok(ingest::Walked {
                path,
                skip: Some(reason),
                ..
            }) => {
                eprintln!("trove: skipped {}: {reason}", term::path(&path));
                continue;
            }
            Err(e) => {
                errors += 1;
                eprintln!("trove: {}", term::message(&display_chain(&e)));
                continue;
            }
        };
        match ingest::read_path(&path, named, limits, &mut |item| {
            print(&path, item, &mut documents, &mut errors)
        }) {
            Ok(FileOutcome::Read { .. })
            | Ok(FileOutcome::Skipped(ingest::SkipReason::Excluded)) => {}
            Ok(FileOutcome::Skipped(reason)) => {
                eprintln!("trove: skipped {}: {reason}", term::path(&path))
            }
            Err(e) => {
                errors += 1;
                eprintln!("trove: {}", term::message(&display_chain(&e)));
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

pub fn search(index_dirs: Vec<PathBuf>, args: &SearchArgs) -> anyhow::Result<ExitCode> {
    output::check_fields(&args.fields).map_err(anyhow::Error::msg)?;
    args.check().map_err(anyhow::Error::msg)?;
    if index_dirs.len() > 1 && args.explain {
        anyhow::bail!("--explain works on one index at a time (drop the extra --index)");
    }
    let trove = index_dirs
        .iter()
        .map(|dir| TroveIndex::open(dir))
        .collect::<Result<Vec<_>, _>>()?;
    let session = MultiSession::new(&trove)?;
    if let Some(file) = &args.batch {
        return batch(&session, args, file);
    }
    let opts = args.options(args.query.join(" "));
    let results = session.search(&opts)?;
    for w in &results.warnings {
        eprintln!("trove: warning: {}", term::message(w));
    }
    let mut out = BufWriter::new(io::stdout().lock());
    let printed = print_results(&mut out, args, &results, None, true).and_then(|()| out.flush());
    ignore_closed_pipe(printed)?;
    // The process ends here: let the OS take the index's maps and memory back at once,
    // instead of unmapping and freeing them one by one (a measurable part of a search).
    std::mem::forget(session);
    std::mem::forget(trove);
    Ok(if results.total == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Prints one result set in the output `args` ask for. `header` is for the first table.
fn print_results<W: Write>(
    out: &mut W,
    args: &SearchArgs,
    results: &SearchResults,
    query_id: Option<&str>,
    header: bool,
) -> io::Result<()> {
    let style = Style {
        color: args.color.resolve(),
    };
    let fields: Option<Vec<String>> = (!args.fields.is_empty()).then(|| args.fields.clone());
    match args.output() {
        Output::Count => match query_id {
            Some(id) => {
                let line = serde_json::json!({"query_id": id, "total": results.total});
                writeln!(out, "{line}")
            }
            None if args.json => writeln!(out, "{}", serde_json::json!({"total": results.total})),
            None => writeln!(out, "{}", results.total),
        },
        Output::Files => output::print_files(out, &results.hits, &mut HashSet::new(), args.null),
        Output::Human if query_id.is_none() => output::print_hits_human(out, results, style),
        Output::Human | Output::Json => {
            output::print_hits_json(out, &results.hits, fields.as_deref(), query_id)
        }
        Output::Table(format) => {
            let mut columns: Vec<String> = fields.unwrap_or_else(output::default_table_fields);
            if query_id.is_some() && !columns.iter().any(|c| c == "query_id") {
                columns.insert(0, "query_id".into());
            }
            if header {
                output::print_header(out, &columns, format)?;
            }
            output::print_hits_delimited(out, &results.hits, &columns, format, query_id)
        }
    }
}

/// `--batch FILE`: one query per line (`ID<TAB>QUERY` or `QUERY`, numbered by line),
/// one reader for all, JSON Lines out, each hit tagged with its `query_id`.
fn batch(session: &MultiSession, args: &SearchArgs, file: &Path) -> anyhow::Result<ExitCode> {
    let reader: Box<dyn BufRead> = if file.as_os_str() == STDIN_PATH {
        Box::new(io::stdin().lock())
    } else {
        Box::new(io::BufReader::new(
            std::fs::File::open(file).with_context(|| format!("cannot read {}", file.display()))?,
        ))
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let (mut any_hit, mut errors) = (false, 0usize);
    let mut first_table = true;
    for (n, line) in reader.lines().enumerate() {
        let line = line.with_context(|| format!("reading {}", file.display()))?;
        let Some((id, text)) = trove::search::batch_line(n, &line) else {
            continue;
        };
        let written = match session.search(&args.options(text)) {
            Ok(results) => {
                for w in &results.warnings {
                    eprintln!(
                        "trove: warning: query {}: {}",
                        term::message(&id),
                        term::message(w)
                    );
                }
                any_hit |= results.total > 0;
                let r = print_results(&mut out, args, &results, Some(&id), first_table);
                first_table = false;
                r
            }
            Err(e) => {
                errors += 1;
                let message = display_chain(&e);
                eprintln!(
                    "trove: query {}: {}",
                    term::message(&id),
                    term::message(&message)
                );
                writeln!(
                    out,
                    "{}",
                    serde_json::json!({"query_id": id, "error": message})
                )
            }
        };
        if let Err(e) = written {
            ignore_closed_pipe(Err(e))?;
            return Ok(ExitCode::SUCCESS);
        }
    }
    ignore_closed_pipe(out.flush())?;
    Ok(if errors > 0 {
        ExitCode::from(2)
    } else if any_hit {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(1)
    })
}

/// `trove export`: documents out as JSON lines for trove, Quickwit or Elasticsearch.
/// Exit 0 when documents were written, 1 when none matched, 2 on error.
pub fn export(index_dir: PathBuf, args: &ExportArgs) -> anyhow::Result<ExitCode> {
    if args.es_mapping {
        let mapping = serde_json::to_string_pretty(&export::es_mapping())?;
        ignore_closed_pipe(writeln!(io::stdout().lock(), "{mapping}"))?;
        return Ok(ExitCode::SUCCESS);
    }
    let trove = TroveIndex::open(&index_dir)?;
    let opts = args.options();
    if let Some(path) = &args.quickwit_config {
        write_atomically(path, export::quickwit_config(&args.index_id).as_bytes())?;
    }
    // `-o -` is standard output.
    let output = args.output.as_ref().filter(|p| p.as_os_str() != "-");
    let summary = match output {
        Some(path) => {
            // A regular file through a temporary file and a rename (FILE only ever
            // appears whole); a device or a FIFO in place (outfile.rs).
            install_cleanup_handler();
            let file = trove::outfile::OutFile::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?;
            let mut out = BufWriter::with_capacity(1 << 20, file);
            match export::export(&trove, &opts, &mut out) {
                Ok(summary) => out
                    .into_inner()
                    .map_err(|e| e.into_error())
                    .and_then(|f| f.finish())
                    .map(|()| summary)
                    .with_context(|| format!("cannot write {}", path.display()))?,
                Err(ExportError::Write(e)) => {
                    return Err(
                        anyhow::Error::new(e).context(format!("cannot write {}", path.display()))
                    )
                }
                Err(e) => return Err(e.into()),
            }
        }
        None => {
            let mut out = BufWriter::with_capacity(1 << 16, io::stdout().lock());
            match export::export(&trove, &opts, &mut out) {
                Ok(summary) => summary,
                Err(ExportError::Write(e)) if e.kind() == io::ErrorKind::BrokenPipe => {
                    return Ok(ExitCode::SUCCESS)
                }
                Err(e) => return Err(e.into()),
            }
        }
    };
    for w in &summary.warnings {
        eprintln!("trove: warning: {}", term::message(w));
    }
    if output.is_some() || io::stderr().is_terminal() {
        let target = output.map_or_else(|| "standard output".to_string(), |p| term::path(p));
        eprintln!(
            "trove: exported {} {} to {target}",
            summary.documents,
            if summary.documents == 1 {
                "document"
            } else {
                "documents"
            },
        );
    }
    Ok(if summary.documents == 0 {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// Ctrl-C or SIGTERM while a file is being written: its temporary file is removed,
/// and the process ends (exit 130).
fn install_cleanup_handler() {
    let _ = ctrlc::set_handler(|| {
        trove::outfile::remove_on_signal();
        std::process::exit(130);
    });
}

fn write_atomically(path: &Path, bytes: &[u8]) -> anyhow::Result<()> {
    trove::outfile::write_whole(path, bytes)
        .with_context(|| format!("cannot write {}", path.display()))
}

pub fn get(index_dir: PathBuf, args: &GetArgs) -> anyhow::Result<ExitCode> {
    refuse_color_with_json(args.json, args.color)?;
    let trove = TroveIndex::open(&index_dir)?;
    let style = Style {
        color: args.color.resolve(),
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut missing = 0;
    let mut result = Ok(());
    for id in &args.ids {
        match trove.get(id)? {
            Some(article) => {
                if result.is_ok() {
                    result = if args.json {
                        output::print_article_json(&mut out, &article, None)
                    } else {
                        output::print_article_human(&mut out, &article, style)
                    };
                }
            }
            None => {
                missing += 1;
                eprintln!("trove: no document with id {id:?}");
            }
        }
    }
    ignore_closed_pipe(result.and_then(|()| out.flush()))?;
    Ok(if missing == args.ids.len() {
        ExitCode::from(1)
    } else {
        ExitCode::SUCCESS
    })
}

/// `trove check`: exit 0 when the index is whole, 2 when something is damaged.
pub fn check(index_dir: PathBuf, args: CheckArgs) -> anyhow::Result<ExitCode> {
    let report = trove::check::check(&index_dir)?;
    print_json_or(args.json, &report, |out| {
        output::print_check_human(out, &report, &index_dir)
    })?;
    Ok(if report.ok {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}

pub fn stats(index_dir: PathBuf, args: &StatsArgs) -> anyhow::Result<ExitCode> {
    let trove = TroveIndex::open(&index_dir)?;
    let stats = trove::stats::stats(&trove)?;
    print_json_or(args.json, &stats, |out| {
        output::print_stats_human(out, &stats, &index_dir)
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `trove serve`: one line of JSON on stdout once it listens (`{"listening": URL}`), then
/// it serves until the process is stopped.
pub fn serve(index_dirs: Vec<PathBuf>, args: &ServeArgs) -> anyhow::Result<ExitCode> {
    if !args.listen.ip().is_loopback() {
        if !args.allow_remote {
            anyhow::bail!(
                "{} is not a loopback address: trove serve has no authentication, so other \
                 machines could read the whole index; add --allow-remote to do it anyway (and put \
                 a reverse proxy with authentication in front)",
                args.listen
            );
        }
        eprintln!(
            "trove: warning: serving on {} without authentication: anyone who can reach it can read the index",
            args.listen
        );
    }
    if !args.watch.is_empty() {
        let [dir] = index_dirs.as_slice() else {
            anyhow::bail!("--watch indexes into one index: give one --index");
        };
        if args.watch.iter().any(|p| p.as_os_str() == "-") {
            anyhow::bail!(
                "--watch needs the files and folders to watch, named (not standard input)"
            );
        }
        let mut opts = IndexOptions::new(dir.clone(), args.watch.clone());
        let stop = Arc::new(AtomicBool::new(false));
        install_stop_handler(stop.clone());
        opts.stop = Some(stop);
        // Indexing beside the server: its first run, then the watch; the process ends
        // when a stop (Ctrl-C, SIGTERM) has let the run in progress commit.
        std::thread::spawn(move || {
            let said = |summary: &trove::IndexSummary| {
                eprintln!("{}", output::index_summary_line(summary, &opts.index_dir));
            };
            match trove::index_paths(&opts, &mut |_| {}) {
                Ok(summary) => said(&summary),
                Err(e) => eprintln!("trove: {}", term::message(&trove::error::display_chain(&e))),
            }
            let watched = trove::watch::watch(
                &opts,
                trove::watch::WatchOptions::default(),
                &mut |_| {},
                &mut |told| match told {
                    WatchEvent::Ran(summary) => said(summary),
                    other => warn_of(&other),
                },
            );
            if let Err(e) = watched {
                eprintln!("trove: {}", term::message(&trove::error::display_chain(&e)));
                std::process::exit(2);
            }
            std::process::exit(130);
        });
    }
    let opts = trove::serve::ServeOptions {
        index_dirs,
        listen: args.listen,
        limits: trove::serve::Limits::default(),
        allow_write: args.allow_write,
    };
    trove::serve::serve(opts, |ready| {
        if let Some(why) = &ready.not_open {
            eprintln!(
                "trove: warning: {} (answering 503 until the index can be opened)",
                term::message(why)
            );
        }
        let line = serde_json::json!({"listening": format!("http://{}", ready.addr)});
        let mut out = io::stdout().lock();
        let _ = writeln!(out, "{line}").and_then(|()| out.flush());
    })?;
    Ok(ExitCode::SUCCESS)
}

/// `value` as one line of JSON on stdout, or printed for a person by `human`; a closed
/// pipe is not an error.
fn print_json_or<T: serde::Serialize>(
    json: bool,
    value: &T,
    human: impl FnOnce(&mut BufWriter<io::StdoutLock<'static>>) -> io::Result<()>,
) -> anyhow::Result<()> {
    let mut out = BufWriter::new(io::stdout().lock());
    let printed = if json {
        serde_json::to_writer(&mut out, value)
            .map_err(io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        human(&mut out)
    };
    ignore_closed_pipe(printed.and_then(|()| out.flush()))
}

pub fn eval(args: EvalArgs) -> anyhow::Result<ExitCode> {
    let mut opts = trove::eval::EvalOptions::new(args.dir.clone());
    opts.split = args.split.clone();
    opts.qrels = args.qrels.clone();
    opts.depth = args.depth;
    opts.index_dir = args.keep_index.clone();
    opts.search.options.conjunction = args.and;
    let want_runs = args.per_query || args.run.is_some();
    let mut report = trove::eval::evaluate(&opts, want_runs)
        .with_context(|| format!("evaluating on {}", args.dir.display()))?;
    if report.duplicate_ids > 0 {
        eprintln!(
            "trove: warning: the corpus repeats {} ids (the later record of each is indexed): \
             judgements about them may mean either record, so these metrics are suspect",
            report.duplicate_ids
        );
    }
    if let Some(path) = &args.run {
        install_cleanup_handler();
        let mut run = BufWriter::new(
            trove::outfile::OutFile::create(path)
                .with_context(|| format!("cannot write {}", path.display()))?,
        );
        for q in &report.per_query {
            for (rank, id) in q.ranked.iter().enumerate() {
                // Scores only need to keep the order for trec_eval.
                writeln!(
                    run,
                    "{} Q0 {id} {} {} trove",
                    q.query_id,
                    rank + 1,
                    1000.0 - rank as f64
                )?;
            }
        }
        run.into_inner()
            .map_err(|e| e.into_error())
            .and_then(|f| f.finish())
            .with_context(|| format!("cannot write {}", path.display()))?;
    }
    if !args.per_query {
        report.per_query.clear();
    }
    let mut out = BufWriter::new(io::stdout().lock());
    let printed = if args.json {
        serde_json::to_writer(&mut out, &report)
            .map_err(io::Error::other)
            .and_then(|()| writeln!(out))
    } else {
        output::print_eval_human(&mut out, &report)
    };
    ignore_closed_pipe(printed.and_then(|()| out.flush()))?;
    Ok(ExitCode::SUCCESS)
}

/// `trove man [COMMAND]`: trove's page, or a command's (`trove-search(1)`), each with
/// the query syntax where queries are taken, ENVIRONMENT and EXIT STATUS.
pub fn man(command: Option<&str>) -> anyhow::Result<ExitCode> {
    use clap::CommandFactory;
    let root = crate::cli::Cli::command();
    let page = match command {
        None => root,
        Some(name) => {
            let sub = root.find_subcommand(name).cloned().ok_or_else(|| {
                anyhow::anyhow!(
                    "no command {name:?} (commands: {})",
                    crate::cli::COMMANDS.join(", ")
                )
            })?;
            let about = sub.get_about().map(|a| a.to_string()).unwrap_or_default();
            sub.name(format!("trove-{name}"))
                .bin_name(format!("trove {name}"))
                .about(about)
        }
    };
    let mut out = BufWriter::new(io::stdout().lock());
    let mut page_text: Vec<u8> = Vec::new();
    clap_mangen::Man::new(page).render(&mut page_text)?;
    out.write_all(&page_text)?;
    if matches!(command, None | Some("search" | "export" | "delete")) {
        out.write_all(MAN_QUERY_SYNTAX.as_bytes())?;
    }
    out.write_all(MAN_ENVIRONMENT.as_bytes())?;
    out.write_all(MAN_EXIT_STATUS.as_bytes())?;
    ignore_closed_pipe(out.flush())?;
    Ok(ExitCode::SUCCESS)
}

const MAN_QUERY_SYNTAX: &str = r#".SH "QUERY SYNTAX"
.TP
\fBwords\fR
Any of the words matches (\fB\-\-and\fR: all of them); hits are ranked by BM25.
.TP
\fB"a phrase"\fR, \fB"a phrase"~2\fR
The words in this order, or within 2 words of it.
.TP
\fBfield:word\fR
A word in one field: title, body, author, publisher, tags, source, site, date, path, id, format.
.TP
\fBAND\fR, \fBOR\fR, \fBNOT\fR, \fB+word\fR, \fB\-word\fR, \fB( )\fR
Boolean operators, required and excluded words, grouping.
.TP
\fBword^2\fR
A boost.
.TP
\fBwiki*\fR, \fBclintn~1\fR
A prefix; a word within one typo (or two: \fB~2\fR).
.TP
\fBdate:2017\fR, \fBdate:[2016\-06 TO 2017\-11]\fR, \fBdate:>2017\fR
Dates: a year, a month or a day, and ranges of them.
.TP
\fBfield:*\fR
Documents that have the field.
.PP
A query that does not parse is repaired and searched, with a warning that says what was
ignored; \fB\-\-strict\fR refuses it instead, naming the column of the problem.
"#;

const MAN_ENVIRONMENT: &str = r#".SH ENVIRONMENT
.TP
\fBTROVE_INDEX\fR
The index folder when \fB\-\-index\fR is not given (default: \fIindex\fR in the current folder).
.TP
\fBNO_COLOR\fR
When set and not empty, human output is not coloured (\fB\-\-color always\fR still colours).
"#;

const MAN_EXIT_STATUS: &str = r#".SH "EXIT STATUS"
.TP
\fB0\fR
Something was found (search, get), or everything was done (index, delete, check).
.TP
\fB1\fR
Nothing was found.
.TP
\fB2\fR
An error: a bad query or option, no index, a damaged index, a file that could not be read (the rest of the batch was indexed).
.TP
\fB130\fR
Indexing was stopped by Ctrl\-C or SIGTERM; what was read is committed.
"#;
