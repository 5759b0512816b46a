//! Values larger than one keyring item can hold, split over several items.
//!
//! The Windows credential manager refuses secrets over 2,560 bytes, and an
//! access token (a JWT with its claims) can be longer. So a value is cut
//! into chunks: chunk 0 lives under the entry's own account and starts with
//! a header `N:` giving the chunk count; chunk `k` lives under
//! `account#k` (the account is a JSON array, so the suffix cannot collide
//! with another account). Chunk 0 is written last and removed last, so it
//! is the commit point: a reader that finds it finds a complete value, or
//! an inconsistent one it reports as no entry. A missed read only costs a
//! fresh token, whereas a wrong value would be sent to the server.
//!
//! This code knows nothing of Windows: it runs on any keyring store, which
//! is how it is tested on Linux with the mock store.

use keyring_core::{CredentialStore, Error, Result};

/// More chunks than any token needs; it bounds the header to 4 bytes.
const MAX_CHUNKS: usize = 255;
/// Room kept in chunk 0 for the header, whatever the count.
const HEADER_ROOM: usize = 4;

fn chunk_account(account: &str, index: usize) -> String {
    if index == 0 {
        account.to_string()
    } else {
        format!("{account}#{index}")
    }
}

/// The value cut into chunks of at most `limit` bytes, chunk 0 with its header.
fn split(value: &[u8], limit: usize) -> Result<Vec<Vec<u8>>> {
    let first_room = limit.saturating_sub(HEADER_ROOM);
    if first_room == 0 {
        return Err(Error::Invalid("chunk size".into(), "too small".into()));
    }
    let (first, rest) = value.split_at(value.len().min(first_room));
    let count = 1 + rest.len().div_ceil(limit);
    if count > MAX_CHUNKS {
        return Err(Error::TooLong("value".into(), (MAX_CHUNKS * limit) as u32));
    }
    let mut head = format!("{count}:").into_bytes();
    head.extend_from_slice(first);
    let mut chunks = vec![head];
    chunks.extend(rest.chunks(limit).map(<[u8]>::to_vec));
    Ok(chunks)
}

/// The chunk count and the data of chunk 0, or `None` when the header is
/// not one this module writes.
fn parse_head(chunk: &[u8]) -> Option<(usize, &[u8])> {
    let colon = chunk.iter().take(HEADER_ROOM).position(|&b| b == b':')?;
    let digits = std::str::from_utf8(&chunk[..colon]).ok()?;
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return None;
    }
    let count: usize = digits.parse().ok()?;
    (1..=MAX_CHUNKS)
        .contains(&count)
        .then(|| (count, &chunk[colon + 1..]))
}

fn read(store: &CredentialStore, service: &str, account: &str) -> Result<Option<Vec<u8>>> {
    match store.build(service, account, None)?.get_secret() {
        Ok(bytes) => Ok(Some(bytes)),
        Err(Error::NoEntry) => Ok(None),
        Err(err) => Err(err),
    }
}

fn remove(store: &CredentialStore, service: &str, account: &str) -> Result<bool> {
    match store.build(service, account, None)?.delete_credential() {
        Ok(()) => Ok(true),
        Err(Error::NoEntry) => Ok(false),
        Err(err) => Err(err),
    }
}

/// How many chunks the entry has now, 0 when none (or none readable).
fn current_count(store: &CredentialStore, service: &str, account: &str) -> Result<usize> {
    let head = read(store, service, account)?;
    Ok(head
        .as_deref()
        .and_then(parse_head)
        .map_or(0, |(count, _)| count))
}

pub(crate) fn get(
    store: &CredentialStore,
    service: &str,
    account: &str,
    limit: usize,
) -> Result<Option<Vec<u8>>> {
    let Some(head) = read(store, service, account)? else {
        return Ok(None);
    };
    let Some((count, first)) = parse_head(&head) else {
        return Ok(None);
    };
    // Every chunk but the last is full; anything else is a mix of two writes.
    if count > 1 && first.len() != limit.saturating_sub(HEADER_ROOM) {
        return Ok(None);
    }
    let mut value = first.to_vec();
    for index in 1..count {
        let Some(chunk) = read(store, service, &chunk_account(account, index))? else {
            return Ok(None);
        };
        let last = index == count - 1;
        if chunk.is_empty() || chunk.len() > limit || (!last && chunk.len() != limit) {
            return Ok(None);
        }
        value.extend_from_slice(&chunk);
    }
    Ok(Some(value))
}

pub(crate) fn set(
    store: &CredentialStore,
    service: &str,
    account: &str,
    value: &[u8],
    limit: usize,
) -> Result<()> {
    let chunks = split(value, limit)?;
    let old_count = current_count(store, service, account)?;
    let written = chunks
        .iter()
        .enumerate()
        .rev()
        .try_for_each(|(index, chunk)| {
            store
                .build(service, &chunk_account(account, index), None)?
                .set_secret(chunk)
        });
    if let Err(err) = written {
        // Chunks of the new value written before the failure would be
        // orphans no header counts: remove them and the old value's, so
        // the entry is gone rather than left half-written. Best effort:
        // the write's error is the one to report.
        for index in (0..chunks.len().max(old_count)).rev() {
            let _ = remove(store, service, &chunk_account(account, index));
        }
        return Err(err);
    }
    // From the far end, so that an interrupted cleanup leaves no gap that
    // would hide later chunks from the next one.
    for index in (chunks.len()..old_count).rev() {
        remove(store, service, &chunk_account(account, index))?;
    }
    Ok(())
}

pub(crate) fn delete(store: &CredentialStore, service: &str, account: &str) -> Result<bool> {
    let count = current_count(store, service, account)?;
    for index in (1..count).rev() {
        remove(store, service, &chunk_account(account, index))?;
    }
    remove(store, service, account)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn split_and_parse_agree() {
        let value: Vec<u8> = (0..6000u32).map(|i| i as u8).collect();
        let chunks = split(&value, 2560).expect("fits");
        assert_eq!(chunks.len(), 3);
        assert!(chunks.iter().all(|c| c.len() <= 2560));
        let (count, first) = parse_head(&chunks[0]).expect("a header");
        assert_eq!(count, 3);
        assert_eq!(first, &value[..2556]);
    }

    #[test]
    fn foreign_heads_are_refused() {
        assert_eq!(parse_head(b"eyJhbGciOi"), None);
        assert_eq!(parse_head(b":abc"), None);
        assert_eq!(parse_head(b"0:abc"), None);
        assert_eq!(parse_head(b"999:abc"), None);
        assert_eq!(parse_head(b"+1:abc"), None);
        assert_eq!(parse_head(b"1:abc"), Some((1, &b"abc"[..])));
    }

    #[test]
    fn empty_and_exact_fits_take_one_chunk() {
        assert_eq!(split(b"", 10).expect("fits"), vec![b"1:".to_vec()]);
        assert_eq!(split(b"abcdef", 10).expect("fits").len(), 1);
        assert_eq!(split(b"abcdefg", 10).expect("fits").len(), 2);
    }
}
