//! Compiles the vendored Box2D 2.3 source and the C shim with the `cc` crate (g++; no CMake).

use std::path::{Path, PathBuf};

fn sources(folder: &Path, found: &mut Vec<PathBuf>) {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(folder)
        .unwrap_or_else(|error| panic!("{}: {error}", folder.display()))
        .map(|entry| entry.expect("a readable folder entry").path())
        .collect();
    entries.sort();
    for path in entries {
        if path.is_dir() {
            sources(&path, found);
        } else if path.extension().is_some_and(|extension| extension == "cpp") {
            found.push(path);
        }
    }
}

fn main() {
    let mut files = Vec::new();
    sources(Path::new("vendor/Box2D"), &mut files);
    files.push(PathBuf::from("shim/shim.cpp"));
    for file in &files {
        println!("cargo:rerun-if-changed={}", file.display());
    }
    println!("cargo:rerun-if-changed=vendor/Box2D");
    cc::Build::new()
        .cpp(true)
        .std("c++11")
        .include("vendor")
        .files(&files)
        // Float arithmetic exactly as written (no fused multiply-adds): the physics must match gymnasium's Box2D
        // bit for bit.
        .flag_if_supported("-ffp-contract=off")
        .define("NDEBUG", None)
        .warnings(false)
        .compile("knowhow_box2d");
}
