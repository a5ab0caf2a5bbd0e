//! Generates the LiveKit FFI protocol types from the descriptors embedded in the pinned
//! wheel (`livekit==` the version pinned in scripts/lib.sh). The FFI library in that wheel speaks exactly these messages;
//! .proto files from anywhere else drift from it (fields renumbered), so none are copied
//! into the repository and no protoc is needed.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};

use prost::Message;
use prost_types::{FileDescriptorProto, FileDescriptorSet};

/// The wheel's version, pinned once: `LIVEKIT_WHEEL_VERSION` in scripts/lib.sh, which the
/// bootstrap also reads to download and unpack it.
fn wheel_version() -> String {
    // Read when the script runs, not baked in when it is compiled: a build script compiled
    // in one checkout can be reused by another that shares the target directory.
    let manifest_dir = std::env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let lib_sh = Path::new(&manifest_dir).join("../../scripts/lib.sh");
    println!("cargo:rerun-if-changed={}", lib_sh.display());
    let text =
        std::fs::read_to_string(&lib_sh).unwrap_or_else(|e| panic!("{}: {e}", lib_sh.display()));
    text.lines()
        .find_map(|l| l.trim().strip_prefix("LIVEKIT_WHEEL_VERSION="))
        .map(|v| v.trim_matches('"').to_owned())
        .unwrap_or_else(|| panic!("no LIVEKIT_WHEEL_VERSION in {}", lib_sh.display()))
}

fn main() {
    let version = wheel_version();
    println!("cargo:rustc-env=VIVA_LIVEKIT_WHEEL_VERSION={version}");
    for var in [
        "VIVA_LIVEKIT_FFI_DIR",
        "VIVA_CACHE_DIR",
        "XDG_CACHE_HOME",
        "HOME",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let dir = ffi_dir(&version);
    let proto_dir = dir.join("proto");
    println!("cargo:rerun-if-changed={}", proto_dir.display());
    if !proto_dir.is_dir() {
        panic!(
            "LiveKit FFI descriptors not found at {}. Run scripts/bootstrap (or set \
             VIVA_LIVEKIT_FFI_DIR to the unpacked livekit=={version} wheel directory).",
            proto_dir.display()
        );
    }
    // Tell the crate where the bootstrap put the library: its last-resort search location.
    println!(
        "cargo:rustc-env=VIVA_LIVEKIT_FFI_BUILD_DIR={}",
        dir.display()
    );

    let mut files = BTreeMap::new();
    for entry in std::fs::read_dir(&proto_dir).expect("read proto dir") {
        let path = entry.expect("dir entry").path();
        if path.extension().and_then(|e| e.to_str()) != Some("py") {
            continue;
        }
        let source = std::fs::read_to_string(&path).expect("read _pb2.py");
        let Some(bytes) = serialized_descriptor(&source) else {
            continue;
        };
        let fd = FileDescriptorProto::decode(bytes.as_slice())
            .unwrap_or_else(|e| panic!("{}: bad descriptor: {e}", path.display()));
        files.insert(fd.name().to_owned(), fd);
    }
    assert!(
        files.contains_key("ffi.proto"),
        "ffi.proto descriptor missing in {}",
        proto_dir.display()
    );

    let set = FileDescriptorSet {
        file: dependencies_first(files),
    };
    prost_build::Config::new()
        .compile_fds(set)
        .expect("generate LiveKit FFI protocol types");
}

fn ffi_dir(version: &str) -> PathBuf {
    if let Some(dir) = std::env::var_os("VIVA_LIVEKIT_FFI_DIR") {
        return PathBuf::from(dir);
    }
    let cache = std::env::var_os("VIVA_CACHE_DIR")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("XDG_CACHE_HOME").map(|d| Path::new(&d).join("viva")))
        .or_else(|| std::env::var_os("HOME").map(|d| Path::new(&d).join(".cache/viva")))
        .expect("neither VIVA_CACHE_DIR nor HOME is set");
    // Must match scripts/lib.sh's LIVEKIT_FFI_DIR (and viva_media::FFI_DIR_NAME).
    cache.join(format!("livekit-ffi-{version}"))
}

/// Extracts the bytes of `AddSerializedFile(b'...')` from a generated `_pb2.py`.
fn serialized_descriptor(source: &str) -> Option<Vec<u8>> {
    let start = source.find("AddSerializedFile(b'")? + "AddSerializedFile(b'".len();
    let mut out = Vec::new();
    let mut chars = source[start..].bytes().peekable();
    while let Some(c) = chars.next() {
        match c {
            b'\'' => return Some(out),
            b'\\' => {
                let e = chars.next()?;
                match e {
                    b'x' => {
                        let hi = chars.next()?;
                        let lo = chars.next()?;
                        let hex = [hi, lo];
                        let s = std::str::from_utf8(&hex).ok()?;
                        out.push(u8::from_str_radix(s, 16).ok()?);
                    }
                    b'0'..=b'7' => {
                        // Python octal escapes take up to three digits.
                        let mut value = u32::from(e - b'0');
                        for _ in 0..2 {
                            match chars.peek() {
                                Some(d @ b'0'..=b'7') => {
                                    value = value * 8 + u32::from(d - b'0');
                                    chars.next();
                                }
                                _ => break,
                            }
                        }
                        out.push(value as u8);
                    }
                    b'n' => out.push(b'\n'),
                    b'r' => out.push(b'\r'),
                    b't' => out.push(b'\t'),
                    b'a' => out.push(0x07),
                    b'b' => out.push(0x08),
                    b'f' => out.push(0x0c),
                    b'v' => out.push(0x0b),
                    b'\\' | b'\'' | b'"' => out.push(e),
                    other => {
                        // Python keeps unknown escapes verbatim.
                        out.push(b'\\');
                        out.push(other);
                    }
                }
            }
            other => out.push(other),
        }
    }
    None
}

/// Orders descriptors so that every file follows the files it imports.
fn dependencies_first(
    mut files: BTreeMap<String, FileDescriptorProto>,
) -> Vec<FileDescriptorProto> {
    let mut done = BTreeSet::new();
    let mut ordered = Vec::new();
    while !files.is_empty() {
        let ready: Vec<String> = files
            .iter()
            .filter(|(_, fd)| {
                fd.dependency
                    .iter()
                    .all(|d| done.contains(d) || !files.contains_key(d))
            })
            .map(|(name, _)| name.clone())
            .collect();
        assert!(!ready.is_empty(), "import cycle among LiveKit descriptors");
        for name in ready {
            let fd = files.remove(&name).expect("present");
            done.insert(name);
            ordered.push(fd);
        }
    }
    ordered
}
