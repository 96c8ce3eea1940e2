//! The command line: clap definitions, turned into the library's plain option structs.
//! The commands themselves run in `commands.rs`.

use std::path::PathBuf;
use std::time::Duration;

use clap::builder::{PossibleValue, PossibleValuesParser, TypedValueParser};
use clap::{Parser, Subcommand, ValueEnum, ValueHint};
use std::io::{self, IsTerminal};

use trove::export::{ExportFormat, ExportOptions};
use trove::ingest::{Limits, Types, WalkOptions};
use trove::output::Delimited;
use trove::query::{QueryOptions, MAX_FUZZY_DISTANCE};
use trove::search::{SearchOptions, Sort};
use trove::Format;

#[derive(Debug, Parser)]
#[command(
    name = "trove",
    version,
    about = "Full-text search for archives of articles and documents",
    after_help = "Exit codes: 0 results found (or indexing succeeded), 1 no results, 2 error."
)]
pub struct Cli {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: Command,
}

/// The options every command takes.
#[derive(Debug, clap::Args)]
pub struct Global {
    /// Index folder [default: $TROVE_INDEX, else ./index] (`search` takes several: one
    /// ranked list across them; `parse`, `eval`, `completions` and `man` use none)
    #[arg(
        long = "index", value_hint = ValueHint::DirPath,
        global = true,
        value_name = "DIR",
        action = clap::ArgAction::Append
    )]
    pub index: Vec<PathBuf>,
}

/// `trove search` as a command line that knows no other command: building clap's
/// definition of every command took about a twentieth of a one-term search as a whole
/// process (its allocations, its page faults). Used when the first word after the
/// global options is `search`; a test holds its help and errors to the whole `Cli`'s.
#[derive(Debug, Parser)]
#[command(name = "trove", version)]
pub struct SearchCli {
    #[command(flatten)]
    pub global: Global,

    #[command(subcommand)]
    pub command: SearchOnly,
}

#[derive(Debug, Subcommand)]
pub enum SearchOnly {
    /// Search the index, best matches first (BM25)
    Search(SearchArgs),
}

impl Cli {
    /// The command line of this process, parsed (clap exits with its message on an
    /// error, as `Parser::parse` does).
    pub fn from_env() -> Cli {
        let args: Vec<std::ffi::OsString> = std::env::args_os().collect();
        if first_command(&args) == Some("search") {
            let SearchCli {
                global,
                command: SearchOnly::Search(args),
            } = SearchCli::parse_from(args);
            return Cli {
                global,
                command: Command::Search(args),
            };
        }
        Cli::parse_from(args)
    }
}

/// The command `args` (the program's name first) names: the first argument after the
/// global options. None when something else comes first (`--help`, `--version`, an
/// unknown option), which the whole `Cli` then answers.
fn first_command(args: &[std::ffi::OsString]) -> Option<&str> {
    let mut rest = args.iter().skip(1);
    while let Some(arg) = rest.next() {
        let arg = arg.to_str()?;
        if arg == "--index" {
            rest.next()?;
        } else if !arg.starts_with("--index=") {
            return (!arg.starts_with('-')).then_some(arg);
        }
    }
    None
}

/// The commands, for `trove man COMMAND`.
pub const COMMANDS: [&str; 10] = [
    "index", "search", "parse", "delete", "get", "stats", "check", "eval", "export", "serve",
];

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Index files and folders (recursively); re-indexing a document replaces it
    Index(IndexArgs),
    /// Search the index, best matches first (BM25)
    Search(SearchArgs),
    /// Show what trove would index from files, without touching an index
    Parse(ParseArgs),
    /// Remove documents by id, by file or folder, or by query
    Delete(DeleteArgs),
    /// Show whole documents by id
    Get(GetArgs),
    /// What the index holds: documents, dates, size, top publishers and sites
    Stats(StatsArgs),
    /// Check that the index is whole: checksums, segments, and the file state
    Check(CheckArgs),
    /// Measure ranking quality on a judged collection (BEIR folder or TREC qrels)
    Eval(EvalArgs),
    /// Write every document, or those a query matches, for trove, Quickwit or Elasticsearch
    Export(ExportArgs),
    /// Answer searches over HTTP: JSON endpoints and a search page (loopback by default)
    Serve(ServeArgs),
    /// Print shell completions for bash, zsh, fish, elvish or powershell
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff) for trove, or for one of its commands
    Man {
        /// The command whose page to print (`trove man search`); trove's own without it
        #[arg(value_name = "COMMAND", value_parser = PossibleValuesParser::new(COMMANDS))]
        command: Option<String>,
    },
}

#[derive(Debug, clap::Args)]
pub struct GetArgs {
    /// Document ids (as search shows them)
    #[arg(required = true, value_name = "ID")]
    pub ids: Vec<String>,

    /// Print each document as a line of JSON
    #[arg(long = "json")]
    pub json: bool,

    /// When to colour the output
    #[arg(long = "color", value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, clap::Args)]
pub struct EvalArgs {
    /// A BEIR folder: corpus.jsonl, queries.jsonl, qrels/<split>.tsv
    #[arg(value_name = "DIR")]
    pub dir: PathBuf,

    /// Which judgements: qrels/<SPLIT>.tsv
    #[arg(long = "split", value_hint = ValueHint::Other, default_value = "test", value_name = "SPLIT")]
    pub split: String,

    /// A qrels file instead (BEIR TSV, or TREC: qid 0 docid rel)
    #[arg(long = "qrels", value_hint = ValueHint::FilePath, value_name = "FILE")]
    pub qrels: Option<PathBuf>,

    /// Hits retrieved per query, 100 or more (MAP is over these; Recall@100 needs 100)
    #[arg(long = "depth", default_value_t = 1000, value_name = "N", value_parser = clap::value_parser!(u32).range(100..).map(|n| n as usize))]
    pub depth: usize,

    /// Build the index here instead of in a temporary folder (kept afterwards)
    #[arg(long = "keep-index", value_hint = ValueHint::DirPath, value_name = "DIR")]
    pub keep_index: Option<PathBuf>,

    /// Also write a TREC run file (qid Q0 docid rank score trove) for trec_eval
    #[arg(long = "run", value_hint = ValueHint::FilePath, value_name = "FILE")]
    pub run: Option<PathBuf>,

    /// Every query's own metrics too
    #[arg(long = "per-query")]
    pub per_query: bool,

    /// Every word must match (as search --and)
    #[arg(long = "and")]
    pub and: bool,

    /// Print the report as JSON
    #[arg(long = "json")]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ExportArgs {
    /// Only documents matching this query (search's query language); all by default
    #[arg(value_name = "QUERY")]
    pub query: Vec<String>,

    /// jsonl: trove's own JSON (`trove index` reads it back); quickwit: NDJSON for
    /// `quickwit index ingest`; es-bulk: Elasticsearch/OpenSearch `_bulk` NDJSON
    #[arg(long = "format", value_enum, default_value_t = ExportFormatArg::Jsonl, value_name = "FORMAT")]
    pub format: ExportFormatArg,

    /// Write to FILE instead of standard output (`-`): a regular FILE appears only when
    /// complete; a device or a FIFO is written in place; a link's target is written
    #[arg(long = "output", value_hint = ValueHint::FilePath, short = 'o', value_name = "FILE")]
    pub output: Option<PathBuf>,

    /// Also write the matching Quickwit index config (YAML) to FILE
    #[arg(long = "quickwit-config", value_hint = ValueHint::FilePath, value_name = "FILE")]
    pub quickwit_config: Option<PathBuf>,

    /// Index id in the Quickwit config
    #[arg(
        long = "index-id", value_hint = ValueHint::Other,
        default_value = "trove",
        value_name = "ID",
        requires = "quickwit_config"
    )]
    pub index_id: String,

    /// Print the Elasticsearch/OpenSearch index settings and mapping (JSON) instead
    #[arg(long = "es-mapping")]
    pub es_mapping: bool,

    #[command(flatten)]
    pub filters: FilterArgs,
}

/// The filters `search` and `export` share, declared once.
#[derive(Debug, Clone, clap::Args)]
pub struct FilterArgs {
    /// Refuse a query that does not parse, instead of searching what can be read of it
    #[arg(long = "strict")]
    pub strict: bool,

    /// Only documents dated in or after: a year, a month or a day (2016, 2016-06, 2016-06-01)
    #[arg(long = "since", value_hint = ValueHint::Other, value_name = "DATE")]
    pub since: Option<String>,

    /// Only documents dated in or before: a year, a month or a day
    #[arg(long = "until", value_hint = ValueHint::Other, value_name = "DATE")]
    pub until: Option<String>,

    /// Only documents with exactly this source URL (repeatable: any of them)
    #[arg(long = "source", value_hint = ValueHint::Url, value_name = "URL")]
    pub sources: Vec<String>,

    /// Only documents with this publisher, whole name, any case (repeatable)
    #[arg(long = "publisher", value_hint = ValueHint::Other, value_name = "NAME")]
    pub publishers: Vec<String>,

    /// Only documents with this author, whole name, any case (repeatable)
    #[arg(long = "author", value_hint = ValueHint::Other, value_name = "NAME")]
    pub authors: Vec<String>,

    /// Only documents from this site, a host such as bbc.co.uk (`www.` aside; repeatable)
    #[arg(long = "site", value_hint = ValueHint::Other, value_name = "HOST")]
    pub sites: Vec<String>,
}

impl FilterArgs {
    /// Whether any filter other than `--strict` is set.
    pub fn filters(&self) -> bool {
        self.since.is_some()
            || self.until.is_some()
            || !self.sources.is_empty()
            || !self.publishers.is_empty()
            || !self.authors.is_empty()
            || !self.sites.is_empty()
    }
}

impl From<&FilterArgs> for QueryOptions {
    fn from(f: &FilterArgs) -> QueryOptions {
        QueryOptions {
            strict: f.strict,
            since: f.since.clone(),
            until: f.until.clone(),
            sources: f.sources.clone(),
            publishers: f.publishers.clone(),
            authors: f.authors.clone(),
            sites: f.sites.clone(),
            ..QueryOptions::default()
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ExportFormatArg {
    Jsonl,
    Quickwit,
    EsBulk,
}

impl ExportArgs {
    pub fn options(&self) -> ExportOptions {
        let filtered = self.filters.filters();
        let query = if !self.query.is_empty() {
            Some(self.query.join(" "))
        } else if filtered {
            Some("*".to_string())
        } else {
            None
        };
        ExportOptions {
            format: match self.format {
                ExportFormatArg::Jsonl => ExportFormat::Jsonl,
                ExportFormatArg::Quickwit => ExportFormat::Quickwit,
                ExportFormatArg::EsBulk => ExportFormat::EsBulk,
            },
            query,
            query_options: QueryOptions::from(&self.filters),
        }
    }
}

#[derive(Debug, clap::Args)]
pub struct CheckArgs {
    /// Print the report as JSON: {"ok", "documents", "problems", "notes"}
    #[arg(long = "json")]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
pub struct ServeArgs {
    /// The address and port to listen on (port 0: any free port, printed at start)
    #[arg(long = "listen", value_name = "ADDR", default_value = "127.0.0.1:7700")]
    pub listen: std::net::SocketAddr,

    /// Allow an address other than loopback: there is no authentication, so put a
    /// reverse proxy in front
    #[arg(long = "allow-remote")]
    pub allow_remote: bool,

    /// Take documents in: `POST /api/documents` with JSON Lines records (one index only)
    #[arg(long = "allow-write")]
    pub allow_write: bool,

    /// Also index these files and folders into the (one) index, and keep indexing what
    /// changes there, as `trove index --watch` does
    #[arg(long = "watch", value_name = "PATH", num_args = 1..)]
    pub watch: Vec<PathBuf>,
}

#[derive(Debug, clap::Args)]
pub struct StatsArgs {
    /// Print the statistics as JSON
    #[arg(long = "json")]
    pub json: bool,
}

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("what").required(true).multiple(true).args(["ids", "paths", "query"])))]
pub struct DeleteArgs {
    /// Documents with this id (repeatable)
    #[arg(long = "id", value_hint = ValueHint::Other, value_name = "ID")]
    pub ids: Vec<String>,

    /// Documents read from this file, or from any file under this folder (repeatable)
    #[arg(long = "path", value_hint = ValueHint::AnyPath, value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Documents matching this query
    #[arg(long = "query", value_hint = ValueHint::Other, value_name = "QUERY", allow_hyphen_values = true)]
    pub query: Option<String>,

    /// Only list what would be deleted
    #[arg(long = "dry-run", short = 'n')]
    pub dry_run: bool,

    /// List the documents as JSON Lines (id, title, path)
    #[arg(long = "json")]
    pub json: bool,

    /// Wait up to SECS for another `trove index` to release the index
    #[arg(long = "wait", value_name = "SECS", default_value = "0", value_parser = parse_seconds)]
    pub wait: Duration,
}

/// Which files `index` and `parse` read, and how far.
#[derive(Debug, clap::Args)]
pub struct FileArgs {
    /// Follow symbolic links inside folders (links named on the command line always are)
    #[arg(long = "follow", short = 'L')]
    pub follow: bool,

    /// Only files matching GLOB; `!GLOB` leaves files out (repeatable; as in rg and fd)
    #[arg(
        long = "glob", value_hint = ValueHint::Other,
        short = 'g',
        value_name = "GLOB",
        allow_hyphen_values = true
    )]
    pub globs: Vec<String>,

    /// Only files of this type (repeatable; --type-list shows the types)
    #[arg(long = "type", short = 't', value_name = "TYPE", value_parser = type_parser())]
    pub types: Vec<Format>,

    /// Leave out files of this type (repeatable)
    #[arg(long = "type-not", short = 'T', value_name = "TYPE", value_parser = type_parser())]
    pub types_not: Vec<Format>,

    /// Print the types --type takes, with their extensions, and exit
    #[arg(long = "type-list")]
    pub type_list: bool,

    /// Do not honour .gitignore and .ignore files
    #[arg(long = "no-ignore")]
    pub no_ignore: bool,

    /// Skip single-document files (text, HTML, Markdown, e-mail) larger than SIZE
    /// (decompressed) without reading them; JSON, JSON Lines and mbox are streamed
    /// [default: 256M]
    #[arg(long = "max-file-size", value_hint = ValueHint::Other, value_name = "SIZE", value_parser = parse_size)]
    pub max_file_size: Option<usize>,
}

impl FileArgs {
    pub fn walk(&self) -> anyhow::Result<WalkOptions> {
        Ok(WalkOptions::new(self.follow, self.no_ignore).with_globs(&self.globs)?)
    }

    pub fn limits(&self) -> Limits {
        Limits {
            max_file_bytes: self
                .max_file_size
                .map_or(trove::ingest::MAX_FILE_BYTES, |b| b as u64),
            types: Types::new(&self.types, &self.types_not),
        }
    }
}

/// `--type` and `--type-not`: the type names, which completions offer.
fn type_parser() -> impl TypedValueParser<Value = Format> {
    PossibleValuesParser::new(Format::ALL.map(|f| f.as_str())).try_map(|t| parse_type(&t))
}

fn parse_type(text: &str) -> Result<Format, String> {
    Format::from_name(text).ok_or_else(|| {
        let names: Vec<&str> = Format::ALL.iter().map(|f| f.as_str()).collect();
        format!("unknown type {text:?}: use one of {}", names.join(", "))
    })
}

#[derive(Debug, clap::Args)]
pub struct ParseArgs {
    /// Files and folders to parse; `-` reads JSON Lines from stdin
    #[arg(required_unless_present = "type_list", value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Print one JSON object per document (JSON Lines)
    #[arg(long = "json")]
    pub json: bool,

    /// With --json: say where each document's date, title and authors came from
    /// ("provenance": {"date": {"stage", "rule"}, "title": ..., "author": ...})
    #[arg(long = "explain", requires = "json")]
    pub explain: bool,

    /// When to colour the output
    #[arg(long = "color", value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,

    #[command(flatten)]
    pub files: FileArgs,
}

#[derive(Debug, clap::Args)]
pub struct IndexArgs {
    /// Files and folders to index; `-` reads JSON Lines from stdin. None: the paths this
    /// index was built from, walked again
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    #[command(flatten)]
    pub files: FileArgs,

    /// Name every skipped file, every warning and every duplicate
    #[arg(long = "verbose", short = 'v')]
    pub verbose: bool,

    /// Errors only: one short line each, at most 20 (`--json` lists them all); no
    /// progress bar, no summary
    #[arg(long = "quiet", short = 'q')]
    pub quiet: bool,

    /// Print the summary as JSON on stdout
    #[arg(long = "json")]
    pub json: bool,

    /// Threads for reading and for indexing [default: one per core, at most 8]
    #[arg(long = "threads", short = 'j', value_name = "N", value_parser = clap::value_parser!(u16).range(1..=256).map(usize::from))]
    pub threads: Option<usize>,

    /// Memory for the whole indexing process, like 512M or 1G; half goes to tantivy's
    /// writer [default: 512M]
    #[arg(long = "memory", value_hint = ValueHint::Other, value_name = "SIZE", value_parser = parse_size)]
    pub memory: Option<usize>,

    /// Keep the documents of files that are gone from the folders
    #[arg(long = "no-prune")]
    pub no_prune: bool,

    /// Read every file again, changed or not
    #[arg(long = "force")]
    pub force: bool,

    /// After the run, merge the index into one segment: the fastest searches, for an
    /// archive done growing, at the cost of rewriting the whole index once
    #[arg(long = "merge")]
    pub merge: bool,

    /// After the run, keep watching the paths and index what changes (Ctrl-C to stop)
    #[arg(long = "watch", conflicts_with = "merge")]
    pub watch: bool,

    /// Wait up to SECS for another `trove index` to release the index
    #[arg(long = "wait", value_name = "SECS", default_value = "0", value_parser = parse_seconds)]
    pub wait: Duration,

    /// Commit after this many documents
    #[arg(long = "commit-every", value_name = "DOCS", default_value_t = 1_000_000, value_parser = clap::value_parser!(u32).range(1..).map(|n| n as usize))]
    pub commit_every: usize,

    /// ... or after this many seconds, whichever comes first
    #[arg(long = "commit-interval", value_name = "SECS", default_value = "30", value_parser = parse_seconds)]
    pub commit_interval: Duration,
}

#[derive(Debug, clap::Args)]
#[command(
    after_help = "Query syntax: words (any of them; --and for all), \"phrases\" and \"phrases\"~2, \
field:word (title, body, author, publisher, tags, source, site, date, path, id, format), \
AND/OR/NOT, +required -excluded, (grouping), word^2 boosts, prefixes wiki*, fuzzy words \
clintn~1, dates date:2017 or date:[2016-06 TO 2017-11], field:* (has the field)."
)]
pub struct SearchArgs {
    /// The query (several words are joined with spaces)
    #[arg(required_unless_present = "batch", value_name = "QUERY")]
    pub query: Vec<String>,

    /// How many hits to show [default: 10; all with --files]
    #[arg(long = "limit", short = 'n', value_name = "N", value_parser = clap::value_parser!(u32).range(1..=1_000_000))]
    pub limit: Option<u32>,

    /// Skip this many hits first (paging)
    #[arg(long = "offset", value_name = "N", default_value_t = 0)]
    pub offset: usize,

    /// Every word must match (default: any word may)
    #[arg(long = "and")]
    pub and: bool,

    /// Match words within 1 typo, or N with --fuzzy=N (1 or 2)
    #[arg(long = "fuzzy", value_name = "N", num_args = 0..=1, require_equals = true, default_missing_value = "1", value_parser = clap::value_parser!(u8).range(1..=MAX_FUZZY_DISTANCE as i64))]
    pub fuzzy: Option<u8>,

    #[command(flatten)]
    pub filters: FilterArgs,

    /// Order: score (best first), date (oldest first), -date (newest first)
    #[arg(long = "sort", value_name = "ORDER", default_value = "score", allow_hyphen_values = true, value_parser = sort_parser())]
    pub sort: Sort,

    /// Print hits as JSON Lines (same as --format json)
    #[arg(long = "json")]
    pub json: bool,

    /// Output: human, json (JSON Lines), csv or tsv
    #[arg(long = "format", value_enum, value_name = "FORMAT")]
    pub format: Option<OutputFormat>,

    /// Columns for json, csv and tsv, comma-separated (rank,score,id,title,date,source,author,publisher,tags,path,format,snippet,highlights,title_highlights,explanation)
    #[arg(long = "fields", value_name = "LIST", value_delimiter = ',', value_parser = fields_parser())]
    pub fields: Vec<String>,

    /// Print only the number of hits
    #[arg(long = "count", short = 'c')]
    pub count: bool,

    /// Print only the paths of the matching files, each once
    #[arg(long = "files", short = 'l')]
    pub files: bool,

    /// With -l: end each path with a NUL byte instead of a newline, and print its bytes
    /// as they are (for `xargs -0`; names may hold newlines or bytes that are not UTF-8)
    #[arg(long = "null", short = '0', requires = "files")]
    pub null: bool,

    /// Explain each hit's score
    #[arg(long = "explain")]
    pub explain: bool,

    /// Run one query per line of FILE (`-` for stdin), `ID<TAB>QUERY` or `QUERY`; JSON Lines out
    #[arg(long = "batch", value_hint = ValueHint::FilePath, value_name = "FILE", conflicts_with = "query")]
    pub batch: Option<PathBuf>,

    /// When to colour the output
    #[arg(long = "color", value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    pub color: ColorChoice,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum OutputFormat {
    Human,
    Json,
    Csv,
    Tsv,
}

/// `--sort`: the orders, which completions offer (`relevance`, `oldest` and `newest`
/// are accepted too, unlisted).
fn sort_parser() -> impl TypedValueParser<Value = Sort> {
    PossibleValuesParser::new([
        PossibleValue::new("score"),
        PossibleValue::new("date"),
        PossibleValue::new("-date"),
        PossibleValue::new("+date").hide(true),
        PossibleValue::new("relevance").hide(true),
        PossibleValue::new("oldest").hide(true),
        PossibleValue::new("newest").hide(true),
    ])
    .try_map(|s| Sort::parse(&s))
}

/// `--fields`: the hit fields, which completions offer.
fn fields_parser() -> PossibleValuesParser {
    PossibleValuesParser::new(
        trove::output::HIT_FIELDS
            .iter()
            .copied()
            .chain(["query_id"]),
    )
}

impl SearchArgs {
    /// What to print, from --format, --json, --count, --files.
    pub fn output(&self) -> Output {
        if self.count {
            return Output::Count;
        }
        if self.files {
            return Output::Files;
        }
        match (self.format, self.json) {
            (Some(OutputFormat::Csv), _) => Output::Table(Delimited::Csv),
            (Some(OutputFormat::Tsv), _) => Output::Table(Delimited::Tsv),
            (Some(OutputFormat::Json), _) | (None, true) => Output::Json,
            // Batch mode prints JSON Lines unless a table is asked for.
            _ if self.batch.is_some() => Output::Json,
            _ => Output::Human,
        }
    }

    /// Refuses options the chosen output would ignore: each option is honoured or
    /// refused with a message, never dropped.
    pub fn check(&self) -> Result<(), String> {
        let output = self.output();
        if self.batch.is_some() && self.format == Some(OutputFormat::Human) {
            return Err(
                "--batch prints JSON Lines, or a table with --format csv or tsv: \
                        --format human cannot apply"
                    .into(),
            );
        }
        let mut given: Vec<&str> = Vec::new();
        match output {
            Output::Files => {
                given.extend(self.json.then_some("--json"));
                given.extend(self.format.map(|_| "--format"));
                given.extend((!self.fields.is_empty()).then_some("--fields"));
                given.extend(self.explain.then_some("--explain"));
                if !given.is_empty() {
                    return Err(format!(
                        "-l/--files prints the paths of the matching files only: {} cannot apply",
                        given.join(", ")
                    ));
                }
            }
            Output::Count => {
                given.extend(
                    self.format
                        .is_some_and(|f| f != OutputFormat::Json)
                        .then_some("--format"),
                );
                given.extend((!self.fields.is_empty()).then_some("--fields"));
                given.extend(self.explain.then_some("--explain"));
                given.extend(self.limit.map(|_| "--limit"));
                given.extend((self.offset > 0).then_some("--offset"));
                given.extend((self.sort != Sort::Score).then_some("--sort"));
                if !given.is_empty() {
                    return Err(format!(
                        "-c/--count prints the number of hits only (as JSON with --json): {} cannot apply",
                        given.join(", ")
                    ));
                }
            }
            Output::Human => {
                if !self.fields.is_empty() {
                    return Err(
                        "--fields picks the columns of --json and --format csv/tsv; \
                                human output shows every field (add --json)"
                            .into(),
                    );
                }
            }
            Output::Table(_) => {
                if self.explain && !self.fields.iter().any(|f| f == "explanation") {
                    return Err("--explain with --format csv/tsv needs the explanation \
                                column: name it in --fields"
                        .into());
                }
            }
            Output::Json => {}
        }
        if self.color != ColorChoice::Auto && output != Output::Human {
            return Err(
                "--color applies to human output; JSON, tables, counts and paths are never coloured"
                    .into(),
            );
        }
        Ok(())
    }

    /// The library's options for this search (the query text given apart for --batch).
    pub fn options(&self, query: String) -> SearchOptions {
        let output = self.output();
        let limit = match (self.limit, output) {
            (Some(n), _) => n as usize,
            (None, Output::Files) => usize::MAX / 2,
            (None, _) => 10,
        };
        let wants_snippet = match output {
            Output::Human => true,
            Output::Json | Output::Table(_) => {
                self.fields.is_empty()
                    || self.fields.iter().any(|f| {
                        matches!(f.as_str(), "snippet" | "highlights" | "title_highlights")
                    })
            }
            Output::Count | Output::Files => false,
        };
        SearchOptions {
            query,
            limit: if output == Output::Count { 0 } else { limit },
            offset: self.offset,
            sort: self.sort,
            options: QueryOptions {
                conjunction: self.and,
                fuzzy: self.fuzzy,
                ..QueryOptions::from(&self.filters)
            },
            snippets: wants_snippet,
            explain: self.explain,
            // Printed only by the terminal's hit list and by --count.
            count: matches!(output, Output::Human | Output::Count),
        }
    }
}

/// What `trove search` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Output {
    Human,
    Json,
    Table(Delimited),
    Count,
    Files,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorChoice {
    /// Colour when stdout is a terminal and NO_COLOR is unset
    Auto,
    Always,
    Never,
}

impl ColorChoice {
    pub fn resolve(self) -> bool {
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

impl Cli {
    /// The index folders: `--index`, else `TROVE_INDEX`, else `index`. Commands that
    /// use no index refuse an explicit `--index` rather than ignore it.
    pub fn index_dirs(&self) -> Result<Vec<PathBuf>, String> {
        let uses_none = match &self.command {
            Command::Parse(_) => Some("parse"),
            Command::Eval(_) => Some("eval"),
            Command::Completions { .. } => Some("completions"),
            Command::Man { .. } => Some("man"),
            _ => None,
        };
        if let (Some(name), false) = (uses_none, self.global.index.is_empty()) {
            return Err(format!(
                "--index does not apply to `trove {name}`, which reads no index"
            ));
        }
        if !self.global.index.is_empty() {
            return Ok(self.global.index.clone());
        }
        Ok(vec![std::env::var_os("TROVE_INDEX")
            .filter(|v| !v.is_empty())
            .map_or_else(|| PathBuf::from("index"), PathBuf::from)])
    }
}

/// The one index a command other than `search` works on.
pub fn one_index(mut dirs: Vec<PathBuf>, command: &str) -> anyhow::Result<PathBuf> {
    match dirs.len() {
        1 => Ok(dirs.remove(0)),
        n => anyhow::bail!(
            "--index was given {n} times: `trove {command}` works on one index \
             (only `trove search` reads several)"
        ),
    }
}

/// A number of seconds, 0 or more (`1.5`), refused when negative or not a number.
fn parse_seconds(text: &str) -> Result<Duration, String> {
    text.trim()
        .parse::<f64>()
        .ok()
        .and_then(|v| Duration::try_from_secs_f64(v).ok())
        .ok_or_else(|| format!("{text:?} is not a number of seconds, 0 or more"))
}

/// `256M`, `1G`, `1.5GiB`, `300MB`, `64k`; a bare number is bytes.
pub fn parse_size(text: &str) -> Result<usize, String> {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// What a parser made of a command line: the search's options and index folders, or
    /// clap's message (help and errors alike), as the user would see it.
    fn outcome<P: Parser + std::fmt::Debug>(
        args: &[&str],
        search_of: fn(P) -> (Vec<PathBuf>, Option<SearchArgs>),
    ) -> String {
        match P::try_parse_from(args) {
            Ok(parsed) => format!("{:?}", search_of(parsed)),
            Err(e) => format!("{:?}: {}", e.kind(), e.render()),
        }
    }

    #[test]
    fn the_search_only_command_line_reads_as_the_whole_one() {
        let lines: [&[&str]; 12] = [
            &["trove", "search", "wikileaks"],
            &[
                "trove",
                "--index",
                "a",
                "search",
                "--index=b",
                "-n",
                "3",
                "the",
                "war",
            ],
            &[
                "trove",
                "--index=a",
                "search",
                "--json",
                "--since",
                "2010",
                "x",
            ],
            &["trove", "search", "--help"],
            &["trove", "search", "-h"],
            &["trove", "search"],
            &["trove", "search", "--limit", "many", "x"],
            &["trove", "search", "--no-such-option", "x"],
            &["trove", "search", "--version"],
            &["trove", "search", "--sort", "sideways", "x"],
            &["trove", "search", "--", "-dash"],
            &[
                "trove",
                "--index",
                "ix",
                "search",
                "--fields",
                "id,title",
                "ünïcödé",
                "東京",
            ],
        ];
        for line in lines {
            assert_eq!(
                first_command(&line.iter().map(Into::into).collect::<Vec<_>>()),
                Some("search")
            );
            let whole = outcome::<Cli>(line, |c| match c.command {
                Command::Search(args) => (c.global.index, Some(args)),
                _ => (c.global.index, None),
            });
            let only = outcome::<SearchCli>(line, |c| {
                let SearchOnly::Search(args) = c.command;
                (c.global.index, Some(args))
            });
            assert_eq!(only, whole, "{line:?}");
        }
    }

    #[test]
    fn other_command_lines_go_to_the_whole_parser() {
        let os = |line: &[&str]| line.iter().map(Into::into).collect::<Vec<_>>();
        assert_eq!(
            first_command(&os(&["trove", "index", "corpus"])),
            Some("index")
        );
        assert_eq!(
            first_command(&os(&["trove", "--index", "search", "get", "x"])),
            Some("get")
        );
        assert_eq!(first_command(&os(&["trove", "--help"])), None);
        assert_eq!(first_command(&os(&["trove", "--index"])), None);
        assert_eq!(first_command(&os(&["trove"])), None);
    }
}
