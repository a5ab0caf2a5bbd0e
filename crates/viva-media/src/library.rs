//! Locating and loading `liblivekit_ffi`.
//!
//! The library is found, in order: an explicit path (configuration), `VIVA_LIVEKIT_FFI_LIB`,
//! the app's bundled resources directory, and the directory the bootstrap unpacked the
//! wheel into (recorded at build time). The C functions are resolved once at load.

use std::ffi::c_char;
use std::path::{Path, PathBuf};

/// The file name of the library on this platform.
pub const LIBRARY_FILE: &str = if cfg!(target_os = "windows") {
    "livekit_ffi.dll"
} else if cfg!(target_os = "macos") {
    "liblivekit_ffi.dylib"
} else {
    "liblivekit_ffi.so"
};

/// The UniFFI contract version the library was built with; a mismatch means the
/// `RustBuffer`/`RustCallStatus` layouts below may be wrong, so we refuse to call into it.
const UNIFFI_CONTRACT_VERSION: u32 = 30;

#[derive(Debug, thiserror::Error)]
pub enum LibraryError {
    #[error("LiveKit FFI library not found (looked in: {0}); run scripts/bootstrap or set VIVA_LIVEKIT_FFI_LIB")]
    NotFound(String),
    #[error("cannot load LiveKit FFI library {path}: {reason}")]
    Load { path: PathBuf, reason: String },
    #[error("LiveKit FFI library {path} lacks symbol {symbol}")]
    MissingSymbol { path: PathBuf, symbol: &'static str },
    #[error("LiveKit FFI library speaks UniFFI contract {found}, expected {expected}")]
    Contract { found: u32, expected: u32 },
    #[error("LiveKit FFI call {0} failed")]
    Call(&'static str),
}

/// A UniFFI `RustBuffer` as the library returns it (contract version 30).
#[repr(C)]
struct RustBuffer {
    capacity: u64,
    len: u64,
    data: *mut u8,
}

#[repr(C)]
struct RustCallStatus {
    code: i8,
    error_buf: RustBuffer,
}

pub(crate) type EventCallback = unsafe extern "C" fn(*const u8, usize);

/// The loaded library and its resolved entry points. Function pointers stay valid as long
/// as `_lib` lives, which is as long as this struct.
pub struct FfiLibrary {
    path: PathBuf,
    pub(crate) initialize: unsafe extern "C" fn(EventCallback, bool, *const c_char, *const c_char),
    pub(crate) request: unsafe extern "C" fn(*const u8, usize, *mut *const u8, *mut usize) -> u64,
    pub(crate) drop_handle: unsafe extern "C" fn(u64) -> bool,
    pub(crate) dispose: unsafe extern "C" fn(),
    build_version: unsafe extern "C" fn(*mut RustCallStatus) -> RustBuffer,
    rustbuffer_free: unsafe extern "C" fn(RustBuffer, *mut RustCallStatus),
    _lib: libloading::Library,
}

impl std::fmt::Debug for FfiLibrary {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("FfiLibrary")
            .field("path", &self.path)
            .finish()
    }
}

impl FfiLibrary {
    /// Candidate paths in search order. `explicit` comes from configuration; `resources`
    /// is the installed app's bundled resources directory.
    pub fn search_paths(explicit: Option<&Path>, resources: Option<&Path>) -> Vec<PathBuf> {
        let mut paths = Vec::new();
        if let Some(p) = explicit {
            paths.push(p.to_path_buf());
        }
        if let Some(p) = std::env::var_os("VIVA_LIVEKIT_FFI_LIB") {
            paths.push(PathBuf::from(p));
        }
        if let Some(dir) = resources {
            paths.push(dir.join(LIBRARY_FILE));
        }
        if let Some(dir) = option_env!("VIVA_LIVEKIT_FFI_BUILD_DIR") {
            paths.push(Path::new(dir).join(LIBRARY_FILE));
        }
        paths
    }

    /// Loads the first library found on the search path.
    pub fn locate(explicit: Option<&Path>, resources: Option<&Path>) -> Result<Self, LibraryError> {
        let paths = Self::search_paths(explicit, resources);
        // An explicit path that is wrong is an error to report, not to skip past.
        if let Some(p) = explicit {
            return Self::load(p);
        }
        match paths.iter().find(|p| p.is_file()) {
            Some(p) => Self::load(p),
            None => Err(LibraryError::NotFound(
                paths
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            )),
        }
    }

    /// Loads the library at `path` and resolves every entry point we use.
    pub fn load(path: &Path) -> Result<Self, LibraryError> {
        if !path.is_file() {
            return Err(LibraryError::NotFound(path.display().to_string()));
        }
        // SAFETY: loading runs the library's initialisers; this is LiveKit's own library,
        // verified by sha256 when the bootstrap unpacked it.
        let lib = unsafe { libloading::Library::new(path) }.map_err(|e| LibraryError::Load {
            path: path.to_path_buf(),
            reason: e.to_string(),
        })?;
        macro_rules! sym {
            ($name:literal) => {{
                // SAFETY: the signature matches the C ABI the library exports (see
                // shared/notes/livekit-ffi.md; the header in the wheel is out of date).
                let symbol = unsafe { lib.get(concat!($name, "\0").as_bytes()) }.map_err(|_| {
                    LibraryError::MissingSymbol {
                        path: path.to_path_buf(),
                        symbol: $name,
                    }
                })?;
                // The function pointer is copied out; it stays valid while `lib` lives,
                // and `lib` moves into the struct that holds the pointers.
                *symbol
            }};
        }
        let contract: unsafe extern "C" fn() -> u32 =
            sym!("ffi_livekit_ffi_uniffi_contract_version");
        // SAFETY: takes no arguments, returns an integer.
        let found = unsafe { contract() };
        if found != UNIFFI_CONTRACT_VERSION {
            return Err(LibraryError::Contract {
                found,
                expected: UNIFFI_CONTRACT_VERSION,
            });
        }
        Ok(Self {
            path: path.to_path_buf(),
            initialize: sym!("livekit_ffi_initialize"),
            request: sym!("livekit_ffi_request"),
            drop_handle: sym!("livekit_ffi_drop_handle"),
            dispose: sym!("livekit_ffi_dispose"),
            build_version: sym!("uniffi_livekit_ffi_fn_func_build_version"),
            rustbuffer_free: sym!("ffi_livekit_ffi_rustbuffer_free"),
            _lib: lib,
        })
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    /// The livekit-ffi build version, e.g. "0.13.2".
    pub fn version(&self) -> Result<String, LibraryError> {
        let mut status = RustCallStatus {
            code: 0,
            error_buf: RustBuffer {
                capacity: 0,
                len: 0,
                data: std::ptr::null_mut(),
            },
        };
        // SAFETY: UniFFI scaffolding function returning an owned RustBuffer of UTF-8 bytes.
        let buf = unsafe { (self.build_version)(&mut status) };
        if status.code != 0 {
            return Err(LibraryError::Call("build_version"));
        }
        let text = if buf.data.is_null() || buf.len == 0 {
            String::new()
        } else {
            // SAFETY: `data` points at `len` initialised bytes owned by the buffer.
            let bytes = unsafe { std::slice::from_raw_parts(buf.data, buf.len as usize) };
            String::from_utf8_lossy(bytes).into_owned()
        };
        let mut free_status = RustCallStatus {
            code: 0,
            error_buf: RustBuffer {
                capacity: 0,
                len: 0,
                data: std::ptr::null_mut(),
            },
        };
        // SAFETY: returns the buffer to the allocator that created it, exactly once.
        unsafe { (self.rustbuffer_free)(buf, &mut free_status) };
        Ok(text)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn loads_the_pinned_library_and_reports_its_version() {
        let lib = FfiLibrary::locate(None, None).expect("the bootstrap installs the library");
        assert_eq!(
            lib.version().unwrap(),
            "0.13.2",
            "livekit=={} ships livekit-ffi 0.13.2; another version means the pin drifted",
            crate::WHEEL_VERSION
        );
    }

    #[test]
    fn a_missing_explicit_path_is_a_typed_error() {
        let err = FfiLibrary::locate(Some(Path::new("/nonexistent/liblivekit_ffi.so")), None)
            .unwrap_err();
        assert!(matches!(err, LibraryError::NotFound(_)), "{err}");
    }

    #[test]
    fn a_file_that_is_not_a_library_is_a_typed_error() {
        let dir = std::env::temp_dir().join(format!("viva-media-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let bogus = dir.join(LIBRARY_FILE);
        std::fs::write(&bogus, b"not an ELF file").unwrap();
        let err = FfiLibrary::load(&bogus).unwrap_err();
        std::fs::remove_dir_all(&dir).ok();
        assert!(matches!(err, LibraryError::Load { .. }), "{err}");
    }

    #[test]
    fn protocol_types_come_from_the_wheel() {
        use crate::proto::{ffi_request, FfiRequest, LocalTrackMuteRequest};
        use prost::Message;
        let req = FfiRequest {
            message: Some(ffi_request::Message::LocalTrackMute(
                LocalTrackMuteRequest {
                    track_handle: 7,
                    mute: true,
                },
            )),
        };
        let bytes = req.encode_to_vec();
        assert_eq!(FfiRequest::decode(bytes.as_slice()).unwrap(), req);
    }
}
