//! Opening the files a person names (the config file, `--ca-cert`,
//! `--password-file`) so that no file can hang the tool or fill its memory.
//!
//! A FIFO with no writer blocks `open` and `read` forever, and `/dev/zero`
//! never ends, so a path is opened without blocking, the open descriptor is
//! checked, and only a regular file is read, never more than a cap that
//! fits its purpose. Two exceptions keep shell habits working: `/dev/null`
//! (an empty file), and a descriptor this process already holds
//! (`/dev/stdin`, `/dev/fd/N`, as `--password-file <(pass show x)` passes a
//! pipe): that pipe is the user's own plumbing, read to its end like stdin.
//! The cache's own files get stricter checks in `cache::fs`.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

/// Opens `path` for reading when it is a regular file, `/dev/null` or a
/// descriptor this process already holds; anything else (a FIFO, a
/// device, a socket, a folder) is refused without blocking. Symbolic links
/// are followed: the person chose the path.
pub fn open_input(path: &Path) -> io::Result<File> {
    let file = open_nonblocking(path, false)?;
    let meta = file.metadata()?;
    if !meta.is_file() {
        let held = path == Path::new("/dev/null") || names_an_open_descriptor(path);
        if meta.is_dir() || !held {
            return Err(not_regular(&meta));
        }
    }
    blocking(&file)?;
    Ok(file)
}

/// Reads `reader` to its end into `into`, or fails with "it is larger than
/// ..." once more than `cap` bytes came (reading stops there).
pub fn read_capped(reader: impl Read, cap: u64, into: &mut Vec<u8>) -> io::Result<()> {
    reader.take(cap.saturating_add(1)).read_to_end(into)?;
    if into.len() as u64 > cap {
        return Err(too_large(cap));
    }
    Ok(())
}

/// `open_input` then `read_capped`: the bytes of a file the person named.
pub fn read_input(path: &Path, cap: u64) -> io::Result<Vec<u8>> {
    let mut bytes = Vec::new();
    read_capped(open_input(path)?, cap, &mut bytes)?;
    Ok(bytes)
}

pub fn too_large(cap: u64) -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidData,
        format!("it is larger than {}", size(cap)),
    )
}

/// `64 KiB`, `1 MiB`: how the caps are named in messages.
pub fn size(bytes: u64) -> String {
    const KIB: u64 = 1024;
    const MIB: u64 = KIB * KIB;
    match bytes {
        0 => "0 bytes".to_owned(),
        b if b % MIB == 0 => format!("{} MiB", b / MIB),
        b if b % KIB == 0 => format!("{} KiB", b / KIB),
        b => format!("{b} bytes"),
    }
}

/// What a file that is not a regular one is, for messages.
pub fn not_regular(meta: &std::fs::Metadata) -> io::Error {
    let kind = kind_of(meta);
    io::Error::new(
        io::ErrorKind::InvalidInput,
        format!("it is {kind}, not a regular file"),
    )
}

/// One function for every system, the Unix-only kinds in a block of their
/// own, so that all of it is compiled, and tested, on Unix.
fn kind_of(meta: &std::fs::Metadata) -> &'static str {
    #[cfg(unix)]
    {
        use std::os::unix::fs::FileTypeExt;
        let kind = meta.file_type();
        if kind.is_fifo() {
            return "a FIFO";
        } else if kind.is_socket() {
            return "a socket";
        } else if kind.is_char_device() {
            return "a character device";
        } else if kind.is_block_device() {
            return "a block device";
        }
    }
    if meta.is_dir() {
        "a folder"
    } else {
        "a special file"
    }
}

/// `/dev/stdin`, `/dev/fd/N` or `/proc/self/fd/N`: always one of this
/// process's own descriptors (the paths belong to the system), never a
/// FIFO someone else left on the disk.
fn names_an_open_descriptor(path: &Path) -> bool {
    let Some(text) = path.to_str() else {
        return false;
    };
    if text == "/dev/stdin" {
        return true;
    }
    ["/dev/fd/", "/proc/self/fd/"].iter().any(|prefix| {
        text.strip_prefix(prefix)
            .is_some_and(|n| !n.is_empty() && n.bytes().all(|b| b.is_ascii_digit()))
    })
}

/// Opens for reading; on Unix with `O_NONBLOCK`, so that a FIFO without a
/// writer or a device waiting for a carrier cannot block the `open`
/// itself, and `O_NOCTTY`, so that a terminal never becomes the
/// controlling one. With `own_file`, a symbolic link is refused
/// (`O_NOFOLLOW`). One function for every system, like `kind_of`, so that
/// a change to it is one that compiles, and is tested, here.
pub fn open_nonblocking(path: &Path, own_file: bool) -> io::Result<File> {
    let mut options = std::fs::OpenOptions::new();
    options.read(true);
    #[cfg(unix)]
    {
        use rustix::fs::OFlags;
        use std::os::unix::fs::OpenOptionsExt;
        let mut flags = OFlags::NONBLOCK.union(OFlags::NOCTTY);
        flags.set(OFlags::NOFOLLOW, own_file);
        options.custom_flags(flags.bits() as i32);
    }
    #[cfg(not(unix))]
    let _ = own_file;
    options.open(path)
}

/// Clears `O_NONBLOCK` once the file is known to be one that may be read:
/// an accepted pipe is then waited for like stdin.
pub fn blocking(file: &File) -> io::Result<()> {
    #[cfg(unix)]
    {
        use rustix::fs::{OFlags, fcntl_getfl, fcntl_setfl};
        let flags = fcntl_getfl(file)?;
        fcntl_setfl(file, flags - OFlags::NONBLOCK)?;
    }
    #[cfg(not(unix))]
    let _ = file;
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_are_named_in_binary_units() {
        assert_eq!(size(64 * 1024), "64 KiB");
        assert_eq!(size(1024 * 1024), "1 MiB");
        assert_eq!(size(4 * 1024 * 1024), "4 MiB");
        assert_eq!(size(1536 * 1024), "1536 KiB");
        assert_eq!(size(1000), "1000 bytes");
        assert_eq!(size(1536), "1536 bytes");
        assert_eq!(size(0), "0 bytes");
    }

    #[test]
    fn a_read_stops_one_byte_past_the_cap() {
        let mut bytes = Vec::new();
        read_capped(&[7u8; 10][..], 10, &mut bytes).unwrap();
        assert_eq!(bytes.len(), 10);
        let mut bytes = Vec::new();
        let err = read_capped(io::repeat(0), 10, &mut bytes).unwrap_err();
        assert_eq!(err.to_string(), "it is larger than 10 bytes");
        assert_eq!(bytes.len(), 11);
    }

    #[test]
    fn only_system_paths_name_an_open_descriptor() {
        for path in ["/dev/stdin", "/dev/fd/63", "/proc/self/fd/3"] {
            assert!(names_an_open_descriptor(Path::new(path)), "{path}");
        }
        for path in [
            "/dev/fd/",
            "/dev/fd/x",
            "/tmp/dev/fd/3",
            "fd/3",
            "/dev/zero",
        ] {
            assert!(!names_an_open_descriptor(Path::new(path)), "{path}");
        }
    }

    #[cfg(unix)]
    #[test]
    fn a_fifo_is_refused_without_blocking_and_a_regular_file_is_read() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo");
        assert!(
            std::process::Command::new("mkfifo")
                .arg(&fifo)
                .status()
                .unwrap()
                .success()
        );
        let err = open_input(&fifo).unwrap_err();
        assert_eq!(err.to_string(), "it is a FIFO, not a regular file");
        let err = open_input(dir.path()).unwrap_err();
        assert_eq!(err.to_string(), "it is a folder, not a regular file");
        let err = open_input(Path::new("/dev/zero")).unwrap_err();
        assert_eq!(
            err.to_string(),
            "it is a character device, not a regular file"
        );
        assert_eq!(read_input(Path::new("/dev/null"), 10).unwrap(), b"");
        let file = dir.path().join("file");
        std::fs::write(&file, "12345").unwrap();
        assert_eq!(read_input(&file, 5).unwrap(), b"12345");
        let err = read_input(&file, 4).unwrap_err();
        assert_eq!(err.to_string(), "it is larger than 4 bytes");
    }
}
