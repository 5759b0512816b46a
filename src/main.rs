use std::process::ExitCode;

fn main() -> ExitCode {
    regards_token::install_panic_hook();
    match regards_token::run(std::env::args_os()) {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => regards_token::error::report(&err),
    }
}
