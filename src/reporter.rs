//! What `trove index` shows while it runs: a progress bar on a terminal, and warnings,
//! bad records and duplicates, a few per file unless `--verbose`.

use std::path::{Path, PathBuf};
use std::time::Duration;

use indicatif::{ProgressBar, ProgressDrawTarget, ProgressStyle};
use trove::error::display_chain;
use trove::Event;

/// Messages shown about one file (or duplicates in all) before the rest are counted.
const PER_FILE: usize = 5;

/// Errors shown in all with `--quiet`, each one short line; the rest are counted.
const QUIET_ERRORS: usize = 20;

/// Longest line printed with `--quiet`.
const QUIET_LINE_CHARS: usize = 200;

pub struct IndexReporter {
    verbose: bool,
    quiet: bool,
    bar: Option<ProgressBar>,
    show_progress: bool,
    /// The file the last messages were about, and how many there were.
    path: PathBuf,
    said: usize,
    duplicates: usize,
    /// Errors seen (with `--quiet`, only the first `QUIET_ERRORS` are printed).
    errors: usize,
}

impl IndexReporter {
    pub fn new(verbose: bool, quiet: bool, show_progress: bool) -> Self {
        IndexReporter {
            verbose,
            quiet,
            bar: None,
            show_progress,
            path: PathBuf::new(),
            said: 0,
            duplicates: 0,
            errors: 0,
        }
    }

    fn limit(&self) -> usize {
        if self.verbose {
            usize::MAX
        } else {
            PER_FILE
        }
    }

    /// Prints above the progress bar, if there is one.
    fn say(&self, message: &str) {
        // Messages quote file names and document text: one safe line each.
        let line = format!("trove: {}", trove::term::message(message));
        match &self.bar {
            Some(bar) => bar.println(line),
            None => eprintln!("{line}"),
        }
    }

    /// An error: with `--quiet`, one short line, and only the first few.
    fn error(&mut self, path: &Path, message: &str) {
        self.errors += 1;
        if !self.quiet {
            self.about_file(path, message);
        } else if self.errors <= QUIET_ERRORS {
            let mut line: String = message.chars().take(QUIET_LINE_CHARS).collect();
            if message.chars().count() > QUIET_LINE_CHARS {
                line.push('…');
            }
            self.say(&line);
        }
    }

    fn about_file(&mut self, path: &Path, message: &str) {
        if path != self.path {
            self.flush_file();
            self.path = path.to_path_buf();
        }
        self.said += 1;
        if self.said <= self.limit() {
            self.say(message);
        }
    }

    fn flush_file(&mut self) {
        if self.said > self.limit() {
            self.say(&format!(
                "{}: {} more messages like these (--verbose shows all)",
                trove::term::path(&self.path),
                self.said - self.limit()
            ));
        }
        self.said = 0;
    }

    pub fn event(&mut self, event: Event) {
        match event {
            Event::WaitingForLock { lock } => self.say(&format!(
                "waiting for another trove index to release {}",
                trove::term::path(lock)
            )),
            Event::Planned { files, .. } => {
                if self.show_progress && files > 0 {
                    let bar = ProgressBar::with_draw_target(
                        Some(files as u64),
                        ProgressDrawTarget::stderr(),
                    );
                    let style = ProgressStyle::with_template(
                        "{elapsed_precise} [{bar:30}] {pos}/{len} files, {msg} (ETA {eta})",
                    )
                    .unwrap_or_else(|_| ProgressStyle::default_bar())
                    .progress_chars("=> ");
                    bar.set_style(style);
                    bar.enable_steady_tick(Duration::from_millis(200));
                    self.bar = Some(bar);
                }
            }
            Event::FileDone { documents, .. } => {
                if let Some(bar) = &self.bar {
                    bar.inc(1);
                    let secs = bar.elapsed().as_secs_f64().max(0.001);
                    bar.set_message(format!(
                        "{documents} docs, {:.0} docs/s",
                        documents as f64 / secs
                    ));
                }
            }
            Event::Warning { path, message } => {
                if !self.quiet {
                    self.about_file(
                        path,
                        &format!("warning: {}: {message}", trove::term::path(path)),
                    )
                }
            }
            Event::BadRecord { path, reason } => self.error(
                path,
                &format!("{}: bad record: {reason}", trove::term::path(path)),
            ),
            Event::Skipped { path, reason } => {
                if self.verbose {
                    self.say(&format!("skipped {}: {reason}", trove::term::path(path)))
                }
            }
            Event::SkippedMember { member, reason } => {
                if self.verbose {
                    self.say(&format!(
                        "skipped {}: {}",
                        trove::term::message(member),
                        trove::term::message(reason)
                    ))
                }
            }
            Event::Failed { error } => self.error(error.path(), &display_chain(error)),
            Event::DuplicateInFile { id, path } => {
                if !self.quiet {
                    self.about_file(
                        path,
                        &format!(
                            "{}: id {id} given twice: the later record kept",
                            trove::term::path(path)
                        ),
                    )
                }
            }
            Event::Duplicate { id, kept, dropped } => {
                self.duplicates += 1;
                if !self.quiet && self.duplicates <= self.limit() {
                    self.say(&format!(
                        "same document in {dropped} and {kept} (id {id}): kept {kept}"
                    ));
                }
            }
        }
    }

    pub fn finish(&mut self) {
        if self.quiet {
            if self.errors > QUIET_ERRORS {
                self.say(&format!(
                    "{} more errors (`trove index --json` lists them all)",
                    self.errors - QUIET_ERRORS
                ));
            }
        } else {
            self.flush_file();
        }
        if !self.quiet && self.duplicates > self.limit() {
            self.say(&format!(
                "{} more documents found in two files (--verbose shows all)",
                self.duplicates - self.limit()
            ));
        }
        if let Some(bar) = self.bar.take() {
            bar.finish_and_clear();
        }
    }
}
