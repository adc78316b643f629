//! The `knowhow` binary: parses the command line and hands it to the library.

use clap::Parser;

fn main() -> std::process::ExitCode {
    knowhow::cli::main_with(knowhow::cli::Cli::parse())
}
