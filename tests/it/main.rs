//! The integration tests, one test program: each module below tests one
//! part of the tool, most of them by running the real binary in a sandbox
//! against the test server; `common` holds what they share. One program
//! links once after a change, where a program per file linked each time.
//!
//!     cargo test --test it                   all of them
//!     cargo test --test it -- lockout::      one module's tests

mod common;

mod cache;
mod cache_integrity;
mod completions;
mod config;
mod doctor;
mod durations;
mod errors;
mod exec;
mod files;
mod generated;
mod get;
mod github_actions;
mod hardening;
mod inspect;
mod keyring_get;
mod keyring_login;
mod keyring_store;
mod layers;
mod lockout;
mod login;
mod logout;
mod prompt;
mod properties;
mod recipes;
mod secrets;
mod server_failures;
mod tls;
mod usage;
