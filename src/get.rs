//! `regards-token get`: resolve the settings, log in, print.

use std::time::SystemTime;

use crate::cli::GetArgs;
use crate::output::{self, Source};
use crate::regards;
use crate::settings::Settings;

pub fn run(args: GetArgs) -> anyhow::Result<()> {
    let settings = Settings::from_get(args)?;
    let password = settings.password.read(&settings.server)?;
    let token = regards::login(&settings.server, &password)?;
    drop(password);
    let now = SystemTime::now();
    if token.time_left(now).is_zero() {
        crate::warning!(
            "the server issued a token that has already expired; check this machine's clock"
        );
    }
    output::print(&output::render(
        settings.format,
        &token,
        &settings.server,
        Source::Network,
        now,
    ))
}
