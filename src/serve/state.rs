//! What every request shares: the limits, the indexes (opened on first use, read by
//! readers that follow their commits), and the one shape of a failed request.

use std::path::PathBuf;
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::http::{header, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use serde_json::json;
use tantivy::IndexReader;

use crate::error::{display_chain, Error, Result};
use crate::index::TroveIndex;
use crate::search::MultiSession;
use crate::stats::{stats_in, Stats};

/// Bounds on what one request may ask and how long it may take.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Limits {
    /// Bytes of query text (`q=`, each line of a batch).
    pub query_bytes: usize,
    /// Hits a page may ask for (`limit=`).
    pub page_size: usize,
    /// How deep paging may go (`offset=`).
    pub offset: usize,
    /// Queries in one `POST /api/batch`.
    pub batch_queries: usize,
    /// Bytes of a request body.
    pub body_bytes: usize,
    /// Time a client has to send a request's headers (keep-alive waits included).
    pub header_timeout: Duration,
    /// Time a client has to send a request's body.
    pub body_timeout: Duration,
    /// Time one search (or document, or statistics) may take before a 503.
    pub work_timeout: Duration,
    /// Connections open at once; more wait in the kernel's backlog.
    pub connections: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            query_bytes: 4096,
            page_size: 1000,
            offset: 100_000,
            batch_queries: 10_000,
            body_bytes: 4 << 20,
            header_timeout: Duration::from_secs(10),
            body_timeout: Duration::from_secs(30),
            work_timeout: Duration::from_secs(30),
            connections: 512,
        }
    }
}

/// How long a failed open is answered from memory before it is tried again.
const REOPEN_AFTER: Duration = Duration::from_secs(1);

/// The indexes as the server holds them: opened once, read by readers that follow
/// their commits.
pub(crate) struct Opened {
    pub troves: Vec<TroveIndex>,
    readers: Vec<IndexReader>,
    /// The one index's statistics, with the reader generation they were made at: a
    /// pass over every document's columns, made again only after a commit.
    stats: Mutex<Option<(u64, Arc<Stats>)>>,
}

impl Opened {
    fn open(dirs: &[PathBuf]) -> Result<Opened> {
        let troves = dirs
            .iter()
            .map(|dir| TroveIndex::open(dir))
            .collect::<Result<Vec<_>>>()?;
        let readers = troves
            .iter()
            .map(TroveIndex::live_reader)
            .collect::<Result<Vec<_>>>()?;
        Ok(Opened {
            troves,
            readers,
            stats: Mutex::new(None),
        })
    }

    /// The one index's statistics at its latest commit.
    pub fn stats(&self) -> std::result::Result<Arc<Stats>, Problem> {
        let (trove, searcher) = self.single().ok_or_else(|| {
            Problem::new(
                StatusCode::BAD_REQUEST,
                "statistics need one index: this server searches several (search only)",
            )
        })?;
        let generation = searcher.generation().generation_id();
        let mut cached = self.stats.lock().unwrap_or_else(|p| p.into_inner());
        if let Some((made_at, stats)) = &*cached {
            if *made_at == generation {
                return Ok(Arc::clone(stats));
            }
        }
        let stats = Arc::new(stats_in(trove, &searcher).map_err(|e| Problem::of(&e))?);
        *cached = Some((generation, Arc::clone(&stats)));
        Ok(stats)
    }

    /// The indexes as one, at each one's latest commit the readers have seen.
    pub fn session(&self) -> MultiSession<'_> {
        let searchers = self.readers.iter().map(IndexReader::searcher).collect();
        MultiSession::with_searchers(&self.troves, searchers)
    }

    /// The one index and its searcher, when there is one index.
    pub fn single(&self) -> Option<(&TroveIndex, tantivy::Searcher)> {
        match (self.troves.as_slice(), self.readers.as_slice()) {
            ([trove], [reader]) => Some((trove, reader.searcher())),
            _ => None,
        }
    }
}

enum Slot {
    Closed,
    Open(Arc<Opened>),
    Failed { at: Instant, message: String },
}

/// What every request shares: the indexes (opened on first use, and again after a
/// failure, so a server started before its index exists answers 503 until it does).
pub(crate) struct Shared {
    pub dirs: Vec<PathBuf>,
    pub limits: Limits,
    pub allow_write: bool,
    slot: Mutex<Slot>,
}

impl Shared {
    pub fn new(dirs: Vec<PathBuf>, limits: Limits, allow_write: bool) -> Shared {
        Shared {
            dirs,
            limits,
            allow_write,
            slot: Mutex::new(Slot::Closed),
        }
    }

    pub fn several(&self) -> bool {
        self.dirs.len() > 1
    }

    /// The open indexes, or why they cannot be opened (blocking: opens them if needed).
    pub fn indexes(&self) -> std::result::Result<Arc<Opened>, String> {
        let mut slot = self.slot.lock().unwrap_or_else(|p| p.into_inner());
        match &*slot {
            Slot::Open(opened) => return Ok(Arc::clone(opened)),
            Slot::Failed { at, message } if at.elapsed() < REOPEN_AFTER => {
                return Err(message.clone())
            }
            _ => {}
        }
        match Opened::open(&self.dirs) {
            Ok(opened) => {
                let opened = Arc::new(opened);
                *slot = Slot::Open(Arc::clone(&opened));
                Ok(opened)
            }
            Err(e) => {
                let message = display_chain(&e);
                *slot = Slot::Failed {
                    at: Instant::now(),
                    message: message.clone(),
                };
                Err(message)
            }
        }
    }
}

/// An answer other than 200, with the message the CLI would give.
#[derive(Debug)]
pub(crate) struct Problem {
    pub status: StatusCode,
    pub message: String,
}

impl Problem {
    pub fn new(status: StatusCode, message: impl Into<String>) -> Problem {
        Problem {
            status,
            message: message.into(),
        }
    }

    pub fn bad(message: impl Into<String>) -> Problem {
        Problem::new(StatusCode::BAD_REQUEST, message)
    }

    pub fn too_large(message: impl Into<String>) -> Problem {
        Problem::new(StatusCode::PAYLOAD_TOO_LARGE, message)
    }

    /// A library error: the query's fault (400), the index's state (503), or ours (500).
    pub fn of(error: &Error) -> Problem {
        let status = match error {
            Error::Query { .. } => StatusCode::BAD_REQUEST,
            Error::NoIndex { .. }
            | Error::NotAnIndex { .. }
            | Error::SchemaMismatch { .. }
            | Error::Damaged { .. }
            | Error::Locked { .. } => StatusCode::SERVICE_UNAVAILABLE,
            _ => StatusCode::INTERNAL_SERVER_ERROR,
        };
        Problem::new(status, display_chain(error))
    }
}

impl IntoResponse for Problem {
    fn into_response(self) -> Response {
        json_response(
            self.status,
            json!({ "error": self.message }).to_string().into_bytes(),
        )
    }
}

pub(crate) fn json_response(status: StatusCode, body: Vec<u8>) -> Response {
    let mut response = (status, body).into_response();
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// Runs `work` on the blocking pool, inside the panic guard, within the time limit.
pub(crate) async fn blocking<T: Send + 'static>(
    shared: &Arc<Shared>,
    work: impl FnOnce(&Shared) -> Result<T, Problem> + Send + 'static,
) -> Result<T, Problem> {
    let limit = shared.limits.work_timeout;
    let shared = Arc::clone(shared);
    let task = tokio::task::spawn_blocking(move || {
        crate::guard::catch(|| work(&shared)).unwrap_or_else(|panic| {
            Err(Problem::new(
                StatusCode::INTERNAL_SERVER_ERROR,
                format!("the request crashed ({panic}); this is a bug in trove, please report it"),
            ))
        })
    });
    match tokio::time::timeout(limit, task).await {
        Ok(Ok(answer)) => answer,
        Ok(Err(join)) => Err(Problem::new(
            StatusCode::INTERNAL_SERVER_ERROR,
            format!("the request's task failed: {join}"),
        )),
        Err(_) => Err(Problem::new(
            StatusCode::SERVICE_UNAVAILABLE,
            format!("the request took longer than {} s", limit.as_secs()),
        )),
    }
}
