//! `trove serve`: the search over HTTP on loopback. JSON endpoints whose hits are the
//! CLI's `--json` lines (`api`), a search page rendered on the server (`page`), and an
//! OpenAPI description made from the same table of routes that builds the router
//! (`routes`). Readers follow the index: tantivy reloads them when a commit lands.
//!
//! The stack: hyper 1's HTTP/1 server on tokio (a header-read timeout for slow
//! clients, keep-alive), axum's router for the paths. Searches are blocking work: each
//! runs on tokio's blocking pool, inside the panic guard, under a time limit.

mod api;
mod page;
mod routes;
mod state;

use std::net::SocketAddr;
use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use crate::error::{Error, Result};
use state::Shared;

pub use routes::openapi;
pub use state::Limits;

/// What `trove serve` is asked to do.
#[derive(Debug, Clone)]
pub struct ServeOptions {
    /// The indexes searched as one; with more than one, only search is served.
    pub index_dirs: Vec<PathBuf>,
    pub listen: SocketAddr,
    pub limits: Limits,
    /// Take documents in (`POST /api/documents`); read-only without it.
    pub allow_write: bool,
}

/// What the server says once it listens, for the program to print.
#[derive(Debug)]
pub struct Listening {
    pub addr: SocketAddr,
    /// Why the indexes could not be opened yet (the server answers 503 until they can).
    pub not_open: Option<String>,
}

/// Serves until the process ends. `ready` is called once the socket listens.
pub fn serve(opts: ServeOptions, ready: impl FnOnce(&Listening)) -> Result<()> {
    // Searches are CPU work: more threads than cores only hold more memory (each
    // thread's allocator arena and buffers). At 1x, 32 connections: tokio's default of
    // up to 512 blocking threads 324-359 MB and 4,697 one-term requests/s, p99 25.7 ms;
    // 2 a core 41-48 MB, 4,321 requests/s, p99 16.7 ms (bench/RESULTS.md, "trove serve").
    // Requests past them wait for one.
    let cores = std::thread::available_parallelism().map_or(2, |n| n.get());
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(cores)
        .max_blocking_threads(2 * cores)
        .enable_all()
        .build()
        .map_err(|source| Error::Serve {
            addr: opts.listen.to_string(),
            source,
        })?;
    runtime.block_on(run(opts, ready))
}

async fn run(opts: ServeOptions, ready: impl FnOnce(&Listening)) -> Result<()> {
    let listen_err = |source| Error::Serve {
        addr: opts.listen.to_string(),
        source,
    };
    let listener = tokio::net::TcpListener::bind(opts.listen)
        .await
        .map_err(listen_err)?;
    let addr = listener.local_addr().map_err(listen_err)?;
    let shared = Arc::new(Shared::new(
        opts.index_dirs.clone(),
        opts.limits,
        opts.allow_write,
    ));
    let probe = Arc::clone(&shared);
    let not_open = tokio::task::spawn_blocking(move || probe.indexes().err())
        .await
        .unwrap_or_else(|e| Some(e.to_string()));
    ready(&Listening { addr, not_open });
    let app = routes::router(Arc::clone(&shared));
    let connections = Arc::new(tokio::sync::Semaphore::new(opts.limits.connections));
    loop {
        // Past the limit, connections wait in the kernel's backlog.
        let Ok(permit) = Arc::clone(&connections).acquire_owned().await else {
            return Ok(());
        };
        let stream = match listener.accept().await {
            Ok((stream, _)) => stream,
            // Out of file descriptors and the like: pause instead of spinning.
            Err(_) => {
                tokio::time::sleep(Duration::from_millis(50)).await;
                continue;
            }
        };
        let _ = stream.set_nodelay(true);
        let service = hyper_util::service::TowerToHyperService::new(app.clone());
        let header_timeout = opts.limits.header_timeout;
        tokio::spawn(async move {
            let _permit = permit;
            let connection = hyper::server::conn::http1::Builder::new()
                .timer(hyper_util::rt::TokioTimer::new())
                .header_read_timeout(header_timeout)
                .serve_connection(hyper_util::rt::TokioIo::new(stream), service);
            // A client that goes away or times out ends its connection, nothing else.
            let _ = connection.await;
        });
    }
}
