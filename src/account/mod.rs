//! What protects an account on the server from the tool itself: one login
//! at a time per account (`lock`), and no second try of a password the
//! server refused or may have judged (`marker`). Both hold in every cache
//! mode: they protect the account, not the cache.

pub mod lock;
pub mod marker;
