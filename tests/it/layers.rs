//! The product's modules form layers: no module uses one that uses it
//! back, directly or through others. A circle makes every module in it
//! rebuild and be read together; this test names the first one found.
//!
//! A module is a file or folder directly under `src/` (`cache/`,
//! `regards/`, `get/`...); it uses another when its code, tests left out,
//! names `crate::other`. Submodules of one module may use each other.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

/// Each module, the modules it uses, and a file where it does.
type Graph = BTreeMap<String, BTreeMap<String, PathBuf>>;

fn rust_files(dir: &Path, out: &mut Vec<PathBuf>) {
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            rust_files(&path, out);
        } else if path.extension().is_some_and(|e| e == "rs") {
            out.push(path);
        }
    }
}

fn is_test_file(relative: &Path) -> bool {
    let name = relative.file_stem().unwrap().to_string_lossy();
    name == "tests"
        || name.ends_with("_tests")
        || relative.components().any(|c| c.as_os_str() == "tests")
}

/// The code of a file without its `#[cfg(test)] mod tests { ... }`, which
/// by custom ends the file.
fn product_code(text: &str) -> &str {
    match text.find("#[cfg(test)]\nmod tests {") {
        Some(at) => &text[..at],
        None => text,
    }
}

/// The names after `crate::`, and those in a `crate::{a, b::c}` group.
fn crate_names(code: &str) -> BTreeSet<String> {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let mut names = BTreeSet::new();
    for (at, _) in code.match_indices("crate::") {
        let rest = &code[at + "crate::".len()..];
        if let Some(group) = rest.strip_prefix('{') {
            let mut depth = 0;
            let mut start = true;
            for (i, c) in group.char_indices() {
                match c {
                    '{' => depth += 1,
                    '}' if depth == 0 => break,
                    '}' => depth -= 1,
                    ',' if depth == 0 => start = true,
                    c if c.is_whitespace() => {}
                    _ if start => {
                        names.insert(ident(&group[i..]));
                        start = false;
                    }
                    _ => {}
                }
            }
        } else {
            names.insert(ident(rest));
        }
    }
    names
}

fn graph(src: &Path) -> Graph {
    let mut files = Vec::new();
    rust_files(src, &mut files);
    let module_of = |relative: &Path| -> String {
        let first = relative
            .components()
            .next()
            .unwrap()
            .as_os_str()
            .to_string_lossy();
        first.trim_end_matches(".rs").to_string()
    };
    let modules: BTreeSet<String> = files
        .iter()
        .map(|f| module_of(f.strip_prefix(src).unwrap()))
        .filter(|m| m != "main" && m != "lib")
        .collect();
    let mut graph = Graph::new();
    for file in &files {
        let relative = file.strip_prefix(src).unwrap();
        let module = module_of(relative);
        if !modules.contains(&module) || is_test_file(relative) {
            continue;
        }
        let text = std::fs::read_to_string(file).unwrap();
        let uses = graph.entry(module.clone()).or_default();
        for name in crate_names(product_code(&text)) {
            if name != module && modules.contains(&name) {
                uses.entry(name).or_insert_with(|| relative.to_path_buf());
            }
        }
    }
    graph
}

/// A circle, as the modules on it with the file of each step, if any.
fn circle(graph: &Graph) -> Option<Vec<(String, PathBuf)>> {
    fn visit(
        graph: &Graph,
        module: &str,
        path: &mut Vec<(String, PathBuf)>,
        done: &mut BTreeSet<String>,
    ) -> Option<Vec<(String, PathBuf)>> {
        if let Some(start) = path.iter().position(|(m, _)| m == module) {
            return Some(path[start..].to_vec());
        }
        if done.contains(module) {
            return None;
        }
        for (used, file) in graph.get(module).into_iter().flatten() {
            path.push((module.to_string(), file.clone()));
            if let Some(found) = visit(graph, used, path, done) {
                return Some(found);
            }
            path.pop();
        }
        done.insert(module.to_string());
        None
    }
    let mut done = BTreeSet::new();
    graph
        .keys()
        .find_map(|module| visit(graph, module, &mut Vec::new(), &mut done))
}

#[test]
fn no_module_uses_one_that_uses_it_back() {
    let src = Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
    let graph = graph(&src);
    assert!(graph.len() > 10, "{graph:?}");
    if let Some(steps) = circle(&graph) {
        let shown: Vec<String> = steps
            .iter()
            .map(|(module, file)| format!("{module} (in src/{})", file.display()))
            .collect();
        panic!(
            "a circle of modules, each using the next and the last the first: {}",
            shown.join(" -> ")
        );
    }
}

/// The check finds a circle where there is one, through `crate::{...}`
/// groups too, and leaves test code out.
#[test]
fn a_circle_is_found() {
    let dir = tempfile::tempdir().unwrap();
    let src = dir.path();
    std::fs::create_dir(src.join("b")).unwrap();
    std::fs::write(src.join("a.rs"), "use crate::{b::Thing, c};\n").unwrap();
    std::fs::write(src.join("b/mod.rs"), "mod x;\n").unwrap();
    std::fs::write(src.join("b/x.rs"), "fn f() { crate::c::g() }\n").unwrap();
    std::fs::write(
        src.join("c.rs"),
        "pub fn g() {}\n#[cfg(test)]\nmod tests {\n use crate::a;\n}\n",
    )
    .unwrap();
    std::fs::write(src.join("lib.rs"), "mod a; mod b; mod c;\n").unwrap();
    assert_eq!(circle(&graph(src)), None);
    std::fs::write(src.join("c.rs"), "use crate::a::X;\n").unwrap();
    let found = circle(&graph(src)).unwrap();
    let modules: Vec<&str> = found.iter().map(|(m, _)| m.as_str()).collect();
    assert_eq!(modules, ["a", "b", "c"]);
}
