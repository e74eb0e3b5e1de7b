//! Parses every cgroup memory file under a directory and prints the outcome (a debugging aid
//! for the conformance corpus): `cargo run -p memcg-core --example scan_corpus -- DIR`.
use std::path::{Path, PathBuf};

/// v1 when the directory holds v1 files, v2 when it holds v2 files, else guessed from content.
fn version_of(path: &Path) -> u8 {
    let dir = path.parent().unwrap_or(Path::new("."));
    if dir.join("memory.usage_in_bytes").exists() || dir.join("memory.limit_in_bytes").exists() {
        1
    } else if dir.join("memory.current").exists() {
        2
    } else {
        let text = std::fs::read(path).unwrap_or_default();
        let s = String::from_utf8_lossy(&text);
        if s.contains("total_") || s.contains("hierarchical_") || s.contains("total=") {
            1
        } else {
            2
        }
    }
}

fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(rd) = std::fs::read_dir(dir) else {
        return;
    };
    let mut v: Vec<_> = rd.flatten().map(|e| e.path()).collect();
    v.sort();
    for p in v {
        if p.is_dir() {
            walk(&p, out);
        } else {
            out.push(p);
        }
    }
}

fn main() {
    let root = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "memcg-core/tests/corpus".into());
    let mut files = Vec::new();
    walk(Path::new(&root), &mut files);
    for f in files {
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("");
        let v = version_of(&f);
        let Some(kind) = memcg_core::FileKind::from_name(name, v) else {
            continue;
        };
        if matches!(
            kind,
            memcg_core::FileKind::ProcCgroup | memcg_core::FileKind::ProcMountinfo
        ) {
            continue;
        }
        let bytes = std::fs::read(&f).unwrap_or_default();
        match memcg_core::parse(kind, &bytes) {
            Ok(_) => println!("ok   {}", f.display()),
            Err(e) => println!("ERR  {} :: {e}", f.display()),
        }
    }
}
