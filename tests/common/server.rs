//! `trove serve` for tests: the real binary on an ephemeral loopback port, a small
//! HTTP/1.1 client (one request a connection, chunked bodies read), and an archive of
//! records with one hostile document in every field.

use std::io::{BufRead, BufReader, Read, Write};
use std::net::TcpStream;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use serde_json::{json, Value};

use super::TestEnv;

pub fn trove() -> Command {
    Command::new(assert_cmd::cargo::cargo_bin("trove"))
}

/// A server process, killed when dropped.
pub struct Server {
    child: Child,
    pub addr: String,
}

impl Server {
    pub fn start(index: &Path) -> Server {
        let index = index.to_str().expect("utf-8 path");
        Server::start_with(&["--index", index, "serve", "--listen", "127.0.0.1:0"])
    }

    /// `trove ARGS`, which serves.
    pub fn start_with(args: &[&str]) -> Server {
        let mut child = trove()
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("start trove serve");
        let mut line = String::new();
        BufReader::new(child.stdout.take().expect("stdout"))
            .read_line(&mut line)
            .expect("the listening line");
        let said: Value = serde_json::from_str(&line).expect("a JSON line");
        let url = said["listening"].as_str().expect("listening").to_string();
        let addr = url.strip_prefix("http://").expect("http URL").to_string();
        Server { child, addr }
    }

    /// One request on its own connection: status, headers (lower-cased names), body.
    pub fn call(&self, method: &str, target: &str, body: &[u8]) -> Response {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {}\r\n\r\n",
            self.addr,
            body.len()
        );
        stream.write_all(head.as_bytes()).expect("send head");
        stream.write_all(body).expect("send body");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read answer");
        Response::parse(&raw)
    }

    /// A request's head alone, declaring a body of `length` bytes not sent.
    pub fn head_only(&self, method: &str, target: &str, length: usize) -> Response {
        let mut stream = TcpStream::connect(&self.addr).expect("connect");
        stream
            .set_read_timeout(Some(Duration::from_secs(60)))
            .expect("timeout");
        let head = format!(
            "{method} {target} HTTP/1.1\r\nHost: {}\r\nConnection: close\r\nContent-Length: {length}\r\n\r\n",
            self.addr
        );
        stream.write_all(head.as_bytes()).expect("send head");
        let mut raw = Vec::new();
        stream.read_to_end(&mut raw).expect("read answer");
        Response::parse(&raw)
    }

    pub fn get(&self, target: &str) -> Response {
        self.call("GET", target, b"")
    }
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    fn parse(raw: &[u8]) -> Response {
        let split = raw
            .windows(4)
            .position(|w| w == b"\r\n\r\n")
            .expect("end of headers");
        let head = std::str::from_utf8(&raw[..split]).expect("ASCII head");
        let mut lines = head.split("\r\n");
        let status = lines
            .next()
            .expect("status line")
            .split(' ')
            .nth(1)
            .expect("code");
        let headers: Vec<(String, String)> = lines
            .filter_map(|l| l.split_once(':'))
            .map(|(k, v)| (k.trim().to_ascii_lowercase(), v.trim().to_string()))
            .collect();
        let mut body = raw[split + 4..].to_vec();
        if headers
            .iter()
            .any(|(k, v)| k == "transfer-encoding" && v.contains("chunked"))
        {
            body = unchunk(&body);
        }
        Response {
            status: status.parse().expect("numeric status"),
            headers,
            body,
        }
    }

    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k == name)
            .map(|(_, v)| v.as_str())
    }

    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body)
            .unwrap_or_else(|e| panic!("not JSON ({e}): {}", String::from_utf8_lossy(&self.body)))
    }

    pub fn text(&self) -> String {
        String::from_utf8(self.body.clone()).expect("UTF-8 body")
    }
}

fn unchunk(mut data: &[u8]) -> Vec<u8> {
    let mut out = Vec::new();
    loop {
        let line_end = data
            .windows(2)
            .position(|w| w == b"\r\n")
            .expect("chunk size");
        let size = usize::from_str_radix(
            std::str::from_utf8(&data[..line_end])
                .expect("hex")
                .split(';')
                .next()
                .unwrap_or("")
                .trim(),
            16,
        )
        .expect("chunk size in hex");
        data = &data[line_end + 2..];
        if size == 0 {
            return out;
        }
        out.extend_from_slice(&data[..size]);
        data = &data[size + 2..];
    }
}

/// Records from several years, authors and publishers, and one hostile document.
pub fn archive(env: &TestEnv) -> std::path::PathBuf {
    let mut lines = Vec::new();
    for i in 0..25 {
        let year = 2015 + i % 4;
        lines.push(json!({
            "id": format!("r{i:02}"),
            "title": format!("Harbour report {i}: ferries and tides"),
            "date": format!("{year}-0{}-1{}", 1 + i % 9, i % 10),
            "source": format!("https://www.example.org/news/{i}"),
            "author": if i % 2 == 0 { "Ada Park" } else { "Kim Lee" },
            "publisher": if i % 3 == 0 { "Coast Daily" } else { "Harbour Times" },
            "body": format!("The harbour reopened after storm number {i}. Ferries ran late; the tide was high. Fishermen counted {i} boats."),
        }));
    }
    // Each payload, if it ever ran, would mark the page's body for the browser test.
    let mark = |what: &str| format!("document.body.setAttribute('data-pwned','{what}')");
    lines.push(json!({
        "id": "evil",
        "title": format!("<script>{}</script> \u{202e}evil harbour<img src=x onerror=\"{}\">", mark("title"), mark("img")),
        "date": "2016-05-05",
        "source": format!("javascript:{}", mark("source")),
        "author": format!("\"><script>{}</script>", mark("author")),
        "publisher": format!("<b onmouseover=\"{}\">Bad Press</b><svg onload=\"{}\">", mark("hover"), mark("svg")),
        "body": format!(
            "A harbour story <script>{}</script> with <a href=\"javascript:{}\">a link</a>, <iframe src=\"javascript:{}\"></iframe> and \u{2066}isolates\u{2069} and \u{202e}override.",
            mark("body"), mark("link"), mark("frame")
        ),
    }));
    let text: String = lines.iter().map(|l| format!("{l}\n")).collect();
    env.write("docs/archive.jsonl", text);
    let index = env.path("index");
    let out = trove()
        .args(["--index", index.to_str().expect("utf-8")])
        .args(["index", env.path("docs").to_str().expect("utf-8")])
        .output()
        .expect("index");
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    index
}

pub fn cli(index: &Path, args: &[&str]) -> std::process::Output {
    trove()
        .args(["--index", index.to_str().expect("utf-8")])
        .args(args)
        .output()
        .expect("run trove")
}

pub fn json_lines(bytes: &[u8]) -> Vec<Value> {
    String::from_utf8_lossy(bytes)
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("a JSON line"))
        .collect()
}

/// Polls `f` until it holds, for up to 20 s.
pub fn eventually(what: &str, mut f: impl FnMut() -> bool) {
    let start = Instant::now();
    while !f() {
        assert!(
            start.elapsed() < Duration::from_secs(20),
            "{what}: not within 20 s"
        );
        std::thread::sleep(Duration::from_millis(100));
    }
}
