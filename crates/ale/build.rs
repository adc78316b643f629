//! Compiles the vendored ALE 0.12.1 source and the C shim with the `cc` crate (g++; no CMake), against the zlib
//! that `libz-sys` builds.

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
        } else if path
            .extension()
            .is_some_and(|extension| extension == "cpp" || extension == "cxx")
        {
            found.push(path);
        }
    }
}

fn main() {
    let mut files = Vec::new();
    sources(Path::new("vendor/ale"), &mut files);
    files.push(PathBuf::from("shim/shim.cpp"));
    println!("cargo:rerun-if-changed=vendor");
    println!("cargo:rerun-if-changed=shim");
    let mut build = cc::Build::new();
    build
        .cpp(true)
        .std("c++17")
        .include("vendor")
        .files(&files)
        // ALE asserts `seed >= 0`, and gymnasium's v5 passes negative seeds (a uint32 wrapped to int32): release
        // semantics, as ale-py's wheel is built.
        .define("NDEBUG", None)
        // Arithmetic as written (the grayscale palette is computed in floating point at start-up).
        .flag_if_supported("-ffp-contract=off")
        .warnings(false);
    if let Some(include) = std::env::var_os("DEP_Z_INCLUDE") {
        build.include(include);
    }
    build.compile("knowhow_ale");
}
