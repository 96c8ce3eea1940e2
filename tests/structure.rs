//! The shape of the code: no module imports a module that imports it back.
//!
//! Reads every file under `src/`, collects the modules it names (`use crate::..`,
//! `crate::..`, `super::..`, `self::..` and its own submodules by name), skipping test
//! modules, and fails on any cycle of files, naming it. A parent that only declares a
//! submodule (`mod x;`, `pub use x::Y`) does not depend on it for this check unless it
//! also calls into it: declaring and re-exporting is the layout, calling back is a cycle.

use std::collections::{BTreeMap, BTreeSet};
use std::fs;
use std::path::{Path, PathBuf};

/// A module's path (`["ingest", "html"]`) for a file under `src/`.
fn module_of(src: &Path, file: &Path) -> Vec<String> {
    let rel = file.strip_prefix(src).unwrap();
    let mut parts: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    let last = parts.pop().unwrap();
    let stem = last.trim_end_matches(".rs").to_string();
    if stem != "mod" && stem != "lib" && stem != "main" {
        parts.push(stem);
    }
    parts
}

/// A module: whether it is the binary's, and its path.
type Module = (bool, Vec<String>);
/// Each module and the modules it names.
type Graph = BTreeMap<Module, BTreeSet<Module>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

/// The code of a file without comments, string contents, test modules and `use` lines
/// that only re-export (`pub use`).
fn code_of(text: &str) -> String {
    let mut out = String::new();
    let mut skip_depth: Option<usize> = None;
    let mut depth = 0usize;
    let mut pending_test = false;
    for line in text.lines() {
        let trimmed = line.trim_start();
        if trimmed.starts_with("//") {
            continue;
        }
        if skip_depth.is_none() && trimmed.starts_with("#[cfg(test)]") {
            pending_test = true;
            continue;
        }
        let opens = line.matches('{').count();
        let closes = line.matches('}').count();
        if pending_test {
            pending_test = false;
            if trimmed.starts_with("mod ") || trimmed.starts_with("pub mod ") {
                if opens > closes {
                    skip_depth = Some(depth);
                    depth += opens - closes;
                }
                continue;
            }
        }
        if let Some(at) = skip_depth {
            depth = (depth + opens).saturating_sub(closes);
            if depth <= at {
                skip_depth = None;
            }
            continue;
        }
        depth = (depth + opens).saturating_sub(closes);
        if trimmed.starts_with("pub use ") || trimmed.starts_with("pub(crate) use ") {
            continue;
        }
        out.push_str(line);
        out.push('\n');
    }
    out
}

/// Paths named in `code`: each `a::b::c` run of identifiers.
fn paths_in(code: &str) -> Vec<Vec<String>> {
    let mut out = Vec::new();
    let bytes = code.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        let starts_word = (c.is_ascii_alphabetic() || c == b'_')
            && (i == 0 || !(bytes[i - 1].is_ascii_alphanumeric() || bytes[i - 1] == b'_'));
        if !starts_word {
            i += 1;
            continue;
        }
        let mut parts = Vec::new();
        let mut j = i;
        loop {
            let start = j;
            while j < bytes.len() && (bytes[j].is_ascii_alphanumeric() || bytes[j] == b'_') {
                j += 1;
            }
            parts.push(code[start..j].to_string());
            if code[j..].starts_with("::")
                && code[j + 2..]
                    .bytes()
                    .next()
                    .is_some_and(|b| b.is_ascii_alphabetic() || b == b'_')
            {
                j += 2;
            } else if code[j..].starts_with("::{") {
                // `use a::{b, c::d}`: each item after the prefix.
                let close = code[j..].find('}').map_or(code.len(), |k| j + k);
                for item in code[j + 3..close].split(',') {
                    let item: Vec<String> = item
                        .trim()
                        .split("::")
                        .map(|s| s.trim().to_string())
                        .filter(|s| !s.is_empty() && s != "{")
                        .collect();
                    if !item.is_empty() {
                        let mut full = parts.clone();
                        full.extend(item);
                        out.push(full);
                    }
                }
                break;
            } else {
                break;
            }
        }
        if parts.len() > 1 {
            out.push(parts);
        }
        i = j.max(i + 1);
    }
    out
}

#[test]
fn no_module_imports_a_module_that_imports_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let mut files = Vec::new();
    rust_files(&src, &mut files);
    files.sort();
    // The library's modules (the binary's files form their own crate).
    let bin_files = ["main.rs", "cli.rs", "commands.rs", "reporter.rs"];
    let is_bin = |f: &Path| {
        f.parent() == Some(src.as_path())
            && bin_files.contains(&f.file_name().unwrap().to_str().unwrap())
    };
    let mut graph: Graph = BTreeMap::new();
    let modules: BTreeSet<(bool, Vec<String>)> = files
        .iter()
        .map(|f| (is_bin(f), module_of(&src, f)))
        .collect();
    for file in &files {
        let bin = is_bin(file);
        let me = module_of(&src, file);
        let code = code_of(&fs::read_to_string(file).unwrap());
        let mut deps = BTreeSet::new();
        for path in paths_in(&code) {
            // Resolve to an absolute module path within this crate.
            let absolute: Vec<String> = match path[0].as_str() {
                "crate" => path[1..].to_vec(),
                "super" => {
                    let mut base = me.clone();
                    let mut rest = &path[..];
                    while rest.first().is_some_and(|p| p == "super") {
                        base.pop();
                        rest = &rest[1..];
                    }
                    base.extend(rest.iter().cloned());
                    base
                }
                "self" => me.iter().chain(&path[1..]).cloned().collect(),
                first => {
                    // A submodule of this file named directly (`rules::apply`).
                    let mut child = me.clone();
                    child.push(first.to_string());
                    if modules.contains(&(bin, child.clone())) {
                        me.iter().chain(&path[..]).cloned().collect()
                    } else {
                        continue;
                    }
                }
            };
            // The longest prefix that is a module file.
            let target = (0..=absolute.len())
                .rev()
                .map(|n| absolute[..n].to_vec())
                .find(|p| modules.contains(&(bin, p.clone())));
            if let Some(target) = target {
                if target != me && !target.is_empty() {
                    deps.insert((bin, target));
                }
            }
        }
        graph.insert((bin, me), deps);
    }

    // Strongly connected components (Tarjan).
    struct Tarjan<'a> {
        graph: &'a Graph,
        index: BTreeMap<(bool, Vec<String>), usize>,
        low: BTreeMap<(bool, Vec<String>), usize>,
        stack: Vec<(bool, Vec<String>)>,
        on_stack: BTreeSet<(bool, Vec<String>)>,
        next: usize,
        cycles: Vec<Vec<String>>,
    }
    impl Tarjan<'_> {
        fn visit(&mut self, v: &(bool, Vec<String>)) {
            self.index.insert(v.clone(), self.next);
            self.low.insert(v.clone(), self.next);
            self.next += 1;
            self.stack.push(v.clone());
            self.on_stack.insert(v.clone());
            let deps: Vec<_> = self.graph.get(v).into_iter().flatten().cloned().collect();
            for w in &deps {
                if !self.graph.contains_key(w) {
                    continue;
                }
                if !self.index.contains_key(w) {
                    self.visit(w);
                    let low = self.low[v].min(self.low[w]);
                    self.low.insert(v.clone(), low);
                } else if self.on_stack.contains(w) {
                    let low = self.low[v].min(self.index[w]);
                    self.low.insert(v.clone(), low);
                }
            }
            if self.low[v] == self.index[v] {
                let mut component = Vec::new();
                loop {
                    let w = self.stack.pop().unwrap();
                    self.on_stack.remove(&w);
                    let name = if w.1.is_empty() {
                        "crate root".to_string()
                    } else {
                        w.1.join("::")
                    };
                    component.push(name);
                    if &w == v {
                        break;
                    }
                }
                if component.len() > 1 {
                    component.sort();
                    self.cycles.push(component);
                }
            }
        }
    }
    let mut t = Tarjan {
        graph: &graph,
        index: BTreeMap::new(),
        low: BTreeMap::new(),
        stack: Vec::new(),
        on_stack: BTreeSet::new(),
        next: 0,
        cycles: Vec::new(),
    };
    for v in graph.keys() {
        if !t.index.contains_key(v) {
            t.visit(v);
        }
    }
    assert!(
        t.cycles.is_empty(),
        "modules that import each other (directly or around a loop): {:?}",
        t.cycles
    );
}

#[test]
fn the_checker_sees_a_cycle() {
    // The parsing above on a small example: both directions are found.
    let a = code_of("use crate::b::thing;\nfn f() { super::c::g(); }\n#[cfg(test)]\nmod tests {\n use crate::z::Q;\n}\n");
    let paths = paths_in(&a);
    assert!(paths.contains(&vec!["crate".into(), "b".into(), "thing".into()]));
    assert!(paths.contains(&vec!["super".into(), "c".into(), "g".into()]));
    assert!(!paths.iter().any(|p| p.contains(&"z".to_string())));
    let grouped = paths_in("use crate::{search::Hit, output::print};");
    assert!(grouped.contains(&vec!["crate".into(), "search".into(), "Hit".into()]));
    assert!(grouped.contains(&vec!["crate".into(), "output".into(), "print".into()]));
}
