//! knowhow with an environment of your own: register it, then hand the command line to knowhow.
//!
//! `cargo run --release --example custom_env -- run examples/custom_env/corridor.ron`

mod corridor;

use clap::Parser;

fn main() -> std::process::ExitCode {
    corridor::register();
    knowhow::cli::main_with(knowhow::cli::Cli::parse())
}
