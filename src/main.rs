//! The `seg` command. Thin: parse arguments, call the library, render.

mod cli;

fn main() -> std::process::ExitCode {
    cli::main()
}
