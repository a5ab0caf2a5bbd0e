//! Configuration: an optional TOML file (`VIVA_CONFIG`), then environment variables, which
//! win. Secrets are `Secret`s so that printing the config (Debug included) never leaks them.

use std::net::SocketAddr;
use std::path::PathBuf;
use std::time::Duration;

use serde::Deserialize;

use crate::secret::Secret;

#[derive(Debug, Clone)]
pub struct Config {
    pub bind: SocketAddr,
    pub database_url: String,
    pub livekit: LiveKitConfig,
    pub jwt_secret: Secret,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// Largest accepted request body; larger ones get 413.
    pub max_body_bytes: usize,
    /// Failed logins allowed per username (and per client address) per window.
    pub login_attempts_per_window: i64,
    pub login_window: Duration,
}

#[derive(Debug, Clone)]
pub struct LiveKitConfig {
    /// Where the server API (RoomService) is reached, e.g. http://127.0.0.1:7880.
    pub api_url: String,
    /// What clients connect to, e.g. wss://livekit.example.com.
    pub public_url: String,
    pub api_key: String,
    pub api_secret: Secret,
    pub region: Option<String>,
    /// Lifetime of join tokens. Short: LiveKit refreshes connected clients itself.
    pub token_ttl: Duration,
    /// The largest `ttl` the token API grants.
    pub max_token_ttl: Duration,
}

impl LiveKitConfig {
    /// True when the server can mint tokens and call LiveKit.
    pub fn configured(&self) -> bool {
        !self.api_url.is_empty() && !self.api_key.is_empty() && !self.api_secret.is_empty()
    }
}

#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    #[error("cannot read config file {path}: {source}")]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("config file {path}: {source}")]
    Parse {
        path: PathBuf,
        source: toml::de::Error,
    },
    #[error("{name}: {message}")]
    Invalid { name: &'static str, message: String },
}

/// The TOML file's shape: the same names as the environment, lower case, without `VIVA_`.
#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct FileConfig {
    bind: Option<String>,
    database_url: Option<String>,
    livekit_url: Option<String>,
    livekit_public_url: Option<String>,
    livekit_api_key: Option<String>,
    livekit_api_secret: Option<Secret>,
    livekit_region: Option<String>,
    livekit_token_ttl_seconds: Option<u64>,
    jwt_secret: Option<Secret>,
}

impl Config {
    /// Reads `VIVA_CONFIG` (if set) and the environment.
    pub fn load() -> Result<Self, ConfigError> {
        Self::from_sources(|name| std::env::var(name).ok())
    }

    /// Builds the config from a variable lookup; tests pass a map instead of the process
    /// environment.
    pub fn from_sources(env: impl Fn(&str) -> Option<String>) -> Result<Self, ConfigError> {
        let file = match env("VIVA_CONFIG") {
            Some(path) => {
                let path = PathBuf::from(path);
                let text = std::fs::read_to_string(&path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                toml::from_str(&text).map_err(|source| ConfigError::Parse { path, source })?
            }
            None => FileConfig::default(),
        };
        let pick = |name: &str, from_file: Option<String>| env(name).or(from_file);

        let bind_text = pick("VIVA_BIND", file.bind).unwrap_or_else(|| "127.0.0.1:8000".into());
        let bind = bind_text.parse().map_err(|_| ConfigError::Invalid {
            name: "VIVA_BIND",
            message: format!("'{bind_text}' is not an address like 127.0.0.1:8000"),
        })?;
        let database_url = match pick("VIVA_DATABASE_URL", file.database_url) {
            Some(url) => url,
            None => default_sqlite_url()?,
        };
        let api_url = pick("VIVA_LIVEKIT_URL", file.livekit_url).unwrap_or_default();
        let public_url = pick("VIVA_LIVEKIT_PUBLIC_URL", file.livekit_public_url)
            .unwrap_or_else(|| http_to_ws(&api_url));
        let token_ttl_secs = match env("VIVA_LIVEKIT_TOKEN_TTL_SECONDS") {
            Some(v) => v.parse().map_err(|_| ConfigError::Invalid {
                name: "VIVA_LIVEKIT_TOKEN_TTL_SECONDS",
                message: format!("'{v}' is not a number of seconds"),
            })?,
            None => file.livekit_token_ttl_seconds.unwrap_or(600),
        };
        if token_ttl_secs == 0 {
            return Err(ConfigError::Invalid {
                name: "VIVA_LIVEKIT_TOKEN_TTL_SECONDS",
                message: "must be at least 1".into(),
            });
        }
        let jwt_secret = env("VIVA_JWT_SECRET")
            .map(Secret::new)
            .or(file.jwt_secret)
            .unwrap_or_default();
        let jwt_secret = if jwt_secret.is_empty() {
            // Without a configured secret, sessions last as long as this process. Fine on a
            // laptop; several nodes must share VIVA_JWT_SECRET.
            tracing::warn!("VIVA_JWT_SECRET is not set: using a random one; sign-ins end when the server restarts");
            Secret::new(crate::auth::random_token(32))
        } else if jwt_secret.expose().len() < 32 {
            return Err(ConfigError::Invalid {
                name: "VIVA_JWT_SECRET",
                message: "must be at least 32 characters".into(),
            });
        } else {
            jwt_secret
        };

        Ok(Self {
            bind,
            database_url,
            livekit: LiveKitConfig {
                api_url,
                public_url,
                api_key: pick("VIVA_LIVEKIT_API_KEY", file.livekit_api_key).unwrap_or_default(),
                api_secret: env("VIVA_LIVEKIT_API_SECRET")
                    .map(Secret::new)
                    .or(file.livekit_api_secret)
                    .unwrap_or_default(),
                region: pick("VIVA_LIVEKIT_REGION", file.livekit_region),
                token_ttl: Duration::from_secs(token_ttl_secs),
                max_token_ttl: Duration::from_secs(token_ttl_secs.max(3600)),
            },
            jwt_secret,
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            max_body_bytes: 64 * 1024,
            login_attempts_per_window: 10,
            login_window: Duration::from_secs(15 * 60),
        })
    }
}

/// The SQLite database in the OS data directory (e.g. ~/.local/share/viva/viva.db).
fn default_sqlite_url() -> Result<String, ConfigError> {
    let dir = dirs::data_dir()
        .ok_or(ConfigError::Invalid {
            name: "VIVA_DATABASE_URL",
            message: "no OS data directory; set VIVA_DATABASE_URL".into(),
        })?
        .join("viva");
    std::fs::create_dir_all(&dir).map_err(|source| ConfigError::Read {
        path: dir.clone(),
        source,
    })?;
    Ok(format!(
        "sqlite://{}?mode=rwc",
        dir.join("viva.db").display()
    ))
}

fn http_to_ws(url: &str) -> String {
    if let Some(rest) = url.strip_prefix("https://") {
        format!("wss://{rest}")
    } else if let Some(rest) = url.strip_prefix("http://") {
        format!("ws://{rest}")
    } else {
        url.to_owned()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn with(vars: &[(&str, &str)]) -> Result<Config, ConfigError> {
        let map: HashMap<String, String> = vars
            .iter()
            .map(|(k, v)| (k.to_string(), v.to_string()))
            .collect();
        Config::from_sources(|k| map.get(k).cloned())
    }

    #[test]
    fn debug_output_never_contains_secrets() {
        let cfg = with(&[
            ("VIVA_DATABASE_URL", "sqlite::memory:"),
            ("VIVA_LIVEKIT_URL", "http://127.0.0.1:7880"),
            ("VIVA_LIVEKIT_API_KEY", "key"),
            (
                "VIVA_LIVEKIT_API_SECRET",
                "livekit-secret-value-livekit-secret",
            ),
            ("VIVA_JWT_SECRET", "jwt-secret-value-jwt-secret-value-xx"),
        ])
        .unwrap();
        let printed = format!("{cfg:?}");
        assert!(!printed.contains("livekit-secret-value"), "{printed}");
        assert!(!printed.contains("jwt-secret-value"), "{printed}");
        assert_eq!(cfg.livekit.public_url, "ws://127.0.0.1:7880");
        assert!(cfg.livekit.configured());
    }

    #[test]
    fn bad_values_are_named() {
        let err = with(&[
            ("VIVA_DATABASE_URL", "sqlite::memory:"),
            ("VIVA_BIND", "nope"),
        ])
        .unwrap_err();
        assert!(err.to_string().starts_with("VIVA_BIND"), "{err}");
        let err = with(&[
            ("VIVA_DATABASE_URL", "sqlite::memory:"),
            ("VIVA_JWT_SECRET", "short"),
        ])
        .unwrap_err();
        assert!(err.to_string().starts_with("VIVA_JWT_SECRET"), "{err}");
    }

    #[test]
    fn the_file_is_read_and_the_environment_wins() {
        let dir = tempfile_dir();
        let path = dir.join("viva.toml");
        std::fs::write(
            &path,
            "bind = \"127.0.0.1:9000\"\ndatabase_url = \"sqlite::memory:\"\nlivekit_api_key = \"from-file\"\n",
        )
        .unwrap();
        let cfg = with(&[
            ("VIVA_CONFIG", path.to_str().unwrap()),
            ("VIVA_LIVEKIT_API_KEY", "from-env"),
        ])
        .unwrap();
        assert_eq!(cfg.bind.port(), 9000);
        assert_eq!(cfg.livekit.api_key, "from-env");
        std::fs::remove_dir_all(dir).ok();
    }

    fn tempfile_dir() -> PathBuf {
        let dir = std::env::temp_dir().join(format!("viva-config-{}", uuid::Uuid::new_v4()));
        std::fs::create_dir_all(&dir).unwrap();
        dir
    }
}
