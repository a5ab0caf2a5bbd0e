//! Recording configuration: which recorder, where recordings go, how long they are kept.
//!
//! - `VIVA_RECORDER`: `viva-recorder` (default: the bundled recorder, started per recording
//!   by this server), `egress` (LiveKit Egress writes to the bucket itself) or `off`.
//! - `VIVA_S3_ENDPOINT` (`https://s3.eu-west-1.amazonaws.com`, an R2 or GCS interop URL, or
//!   `http://127.0.0.1:8333`), `VIVA_S3_BUCKET`, `VIVA_S3_REGION` (default `us-east-1`),
//!   `VIVA_S3_ACCESS_KEY`, `VIVA_S3_SECRET_KEY`, `VIVA_S3_PATH_STYLE` (default true: what
//!   MinIO, SeaweedFS and R2 need; false for virtual-hosted AWS buckets).
//! - `VIVA_RECORDING_SPOOL`: where the bundled recorder writes before upload (default
//!   `./recordings-spool`); `VIVA_RECORDER_BIN`: the recorder binary (default: next to
//!   this one); `VIVA_RECORDING_SIZE`: `1280x720@30`.
//! - `VIVA_RECORDING_RETENTION_DAYS`: recordings and their consent records are deleted
//!   after this many days (default 30).

use std::path::PathBuf;
use std::time::Duration;

use crate::config::ConfigError;
use crate::secret::Secret;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RecorderKind {
    Bundled,
    Egress,
    Off,
}

impl RecorderKind {
    pub fn as_str(self) -> &'static str {
        match self {
            RecorderKind::Bundled => "viva-recorder",
            RecorderKind::Egress => "egress",
            RecorderKind::Off => "off",
        }
    }
}

#[derive(Debug, Clone)]
pub struct S3Config {
    pub endpoint: url::Url,
    pub bucket: String,
    pub region: String,
    pub access_key: String,
    pub secret_key: Secret,
    pub path_style: bool,
}

#[derive(Debug, Clone)]
pub struct RecordingConfig {
    pub recorder: RecorderKind,
    /// None: recording cannot start (a clear 409 says what to set).
    pub s3: Option<S3Config>,
    pub spool: PathBuf,
    pub recorder_bin: Option<PathBuf>,
    pub size: String,
    pub retention: Duration,
}

impl Default for RecordingConfig {
    fn default() -> Self {
        Self {
            recorder: RecorderKind::Bundled,
            s3: None,
            spool: PathBuf::from("recordings-spool"),
            recorder_bin: None,
            size: "1280x720@30".into(),
            retention: Duration::from_secs(30 * 86_400),
        }
    }
}

impl RecordingConfig {
    pub fn from_env(env: &impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let invalid = |name: &'static str, message: String| ConfigError::Invalid { name, message };
        let get = |name: &str| {
            env(name)
                .map(|v| v.trim().to_owned())
                .filter(|v| !v.is_empty())
        };
        let recorder = match get("VIVA_RECORDER").as_deref() {
            None | Some("viva-recorder") => RecorderKind::Bundled,
            Some("egress") => RecorderKind::Egress,
            Some("off") => RecorderKind::Off,
            Some(other) => {
                return Err(invalid(
                    "VIVA_RECORDER",
                    format!("'{other}' is not viva-recorder, egress or off"),
                ))
            }
        };
        let s3 = match get("VIVA_S3_ENDPOINT") {
            None => None,
            Some(endpoint) => {
                let endpoint = url::Url::parse(&endpoint)
                    .ok()
                    .filter(|u| matches!(u.scheme(), "http" | "https") && u.host().is_some())
                    .ok_or_else(|| {
                        invalid(
                            "VIVA_S3_ENDPOINT",
                            format!("'{endpoint}' is not an http(s) URL"),
                        )
                    })?;
                let need = |name: &'static str| {
                    get(name).ok_or_else(|| invalid(name, "is needed with VIVA_S3_ENDPOINT".into()))
                };
                let path_style = match get("VIVA_S3_PATH_STYLE").as_deref() {
                    None | Some("true" | "1" | "yes") => true,
                    Some("false" | "0" | "no") => false,
                    Some(other) => {
                        return Err(invalid(
                            "VIVA_S3_PATH_STYLE",
                            format!("'{other}' is not true or false"),
                        ))
                    }
                };
                Some(S3Config {
                    endpoint,
                    bucket: need("VIVA_S3_BUCKET")?,
                    region: get("VIVA_S3_REGION").unwrap_or_else(|| "us-east-1".into()),
                    access_key: need("VIVA_S3_ACCESS_KEY")?,
                    secret_key: Secret::new(need("VIVA_S3_SECRET_KEY")?),
                    path_style,
                })
            }
        };
        let days = match get("VIVA_RECORDING_RETENTION_DAYS") {
            None => 30,
            Some(d) => d
                .parse::<u64>()
                .ok()
                .filter(|d| (1..=3650).contains(d))
                .ok_or_else(|| {
                    invalid(
                        "VIVA_RECORDING_RETENTION_DAYS",
                        format!("'{d}' is not a number of days from 1 to 3650"),
                    )
                })?,
        };
        Ok(Self {
            recorder,
            s3,
            spool: get("VIVA_RECORDING_SPOOL")
                .map(PathBuf::from)
                .unwrap_or_else(|| PathBuf::from("recordings-spool")),
            recorder_bin: get("VIVA_RECORDER_BIN").map(PathBuf::from),
            size: get("VIVA_RECORDING_SIZE").unwrap_or_else(|| "1280x720@30".into()),
            retention: Duration::from_secs(days * 86_400),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn from(vars: &[(&str, &str)]) -> Result<RecordingConfig, ConfigError> {
        RecordingConfig::from_env(&|k: &str| {
            vars.iter()
                .find(|(n, _)| *n == k)
                .map(|(_, v)| v.to_string())
        })
    }

    #[test]
    fn defaults_record_with_the_bundled_recorder_and_no_storage() {
        let c = from(&[]).unwrap();
        assert_eq!(c.recorder, RecorderKind::Bundled);
        assert!(c.s3.is_none());
        assert_eq!(c.retention, Duration::from_secs(30 * 86_400));
    }

    #[test]
    fn storage_needs_its_bucket_and_keys_and_bad_values_are_named() {
        let e = from(&[("VIVA_S3_ENDPOINT", "http://127.0.0.1:8333")]).unwrap_err();
        assert!(e.to_string().contains("VIVA_S3_BUCKET"), "{e}");
        let c = from(&[
            ("VIVA_S3_ENDPOINT", "http://127.0.0.1:8333"),
            ("VIVA_S3_BUCKET", "rec"),
            ("VIVA_S3_ACCESS_KEY", "k"),
            ("VIVA_S3_SECRET_KEY", "s3cr3t"),
        ])
        .unwrap();
        let s3 = c.s3.unwrap();
        assert!(s3.path_style);
        assert!(
            !format!("{s3:?}").contains("s3cr3t"),
            "the secret never prints"
        );
        for (name, value) in [
            ("VIVA_RECORDER", "chrome"),
            ("VIVA_S3_ENDPOINT", "ftp://x"),
            ("VIVA_RECORDING_RETENTION_DAYS", "0"),
        ] {
            let e = from(&[(name, value)]).unwrap_err();
            assert!(e.to_string().contains(name), "{e}");
        }
    }
}
