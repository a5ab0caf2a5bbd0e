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
    pub database_url: DatabaseUrl,
    pub livekit: LiveKitConfig,
    pub jwt_secret: Secret,
    pub access_token_ttl: Duration,
    pub refresh_token_ttl: Duration,
    /// How long after its use a refresh token may be presented again for a fresh pair (its
    /// unused successor voided) instead of ending the session: a lost answer is not theft.
    pub refresh_reuse_interval: Duration,
    /// Largest accepted request body; larger ones get 413.
    pub max_body_bytes: usize,
    /// Failed logins allowed per username (and per client address) per window.
    pub login_attempts_per_window: i64,
    pub login_window: Duration,
    /// Region for phone numbers written without a country code (`VIVA_DEFAULT_REGION`).
    pub default_region: phonenumber::country::Id,
    pub otp: OtpConfig,
    /// How often the background loop ends rooms at their maximum duration and cleans up.
    pub sweep_interval: Duration,
    /// The key interview agents present (`X-Api-Key`) to the GraphQL API. None: no agent
    /// access.
    pub agent_api_key: Option<Secret>,
    pub notifier: NotifierConfig,
    pub public_limits: PublicLimits,
    /// Interviews a candidate may request per day (`VIVA_INTERVIEW_REQUESTS_PER_DAY`).
    pub interview_requests_per_day: i64,
    /// Bearer token for `/metrics`. None: metrics are served to loopback callers only.
    pub metrics_token: Option<Secret>,
    /// Reverse proxies whose `X-Forwarded-For` names the client (`VIVA_TRUSTED_PROXIES`);
    /// from anyone else the header is ignored, so it cannot be forged to dodge a limit.
    pub trusted_proxies: Vec<std::net::IpAddr>,
    /// Phone dial-in (`VIVA_SIP_*`, `VIVA_DIAL_IN_NUMBERS`).
    pub sip: crate::dialin::SipConfig,
    /// Recording (`VIVA_RECORDER`, `VIVA_S3_*`, `VIVA_RECORDING_*`).
    pub recording: crate::recording::RecordingConfig,
}

/// The database URL. Debug shows it without its password (`postgres://viva:***@db/viva`).
#[derive(Clone, PartialEq, Eq)]
pub struct DatabaseUrl(String);

impl std::ops::Deref for DatabaseUrl {
    type Target = str;
    fn deref(&self) -> &str {
        &self.0
    }
}

impl std::fmt::Debug for DatabaseUrl {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:?}", crate::store::redact_url(&self.0))
    }
}

/// One-time passwords of password rooms.
#[derive(Debug, Clone)]
pub struct OtpConfig {
    pub ttl: Duration,
    /// On by default: a password opens the room once.
    pub single_use: bool,
    /// Wrong guesses after which a password is void.
    pub max_attempts: i64,
}

/// Limits of the unauthenticated endpoints (public room codes, password checks), counted
/// in the database so that they hold across server nodes.
#[derive(Debug, Clone)]
pub struct PublicLimits {
    /// Requests per client address per minute.
    pub per_ip_per_minute: i64,
    /// Join attempts per room code (and password checks per application) per window.
    pub per_target: i64,
    pub target_window: Duration,
}

/// Where one-time passwords go. Credentials are `Secret`s.
#[derive(Debug, Clone)]
pub enum NotifierConfig {
    /// Stored in the database (`viva-server outbox list --json`).
    Outbox,
    /// The WhatsApp Cloud API: POST {api_url}/{phone_number_id}/messages.
    WhatsApp {
        api_url: String,
        token: Secret,
        phone_number_id: String,
    },
    /// A Twilio-style SMS API: POST {api_url}/2010-04-01/Accounts/{sid}/Messages.json.
    Sms {
        api_url: String,
        account_sid: String,
        auth_token: Secret,
        from: String,
    },
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
        let max_ttl_secs = crate::livekit::MAX_JOIN_TOKEN_TTL.as_secs();
        if token_ttl_secs == 0 || token_ttl_secs > max_ttl_secs {
            return Err(ConfigError::Invalid {
                name: "VIVA_LIVEKIT_TOKEN_TTL_SECONDS",
                message: format!(
                    "must be between 1 and {max_ttl_secs} (a join token outlives an eject or \
                     an end by at most its lifetime; LiveKit refreshes connected clients)"
                ),
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

        let number = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            match env(name) {
                Some(v) => v.trim().parse().map_err(|_| ConfigError::Invalid {
                    name,
                    message: format!("'{v}' is not a whole number"),
                }),
                None => Ok(default),
            }
        };
        let positive = |name: &'static str, default: u64| -> Result<u64, ConfigError> {
            let n = number(name, default)?;
            if n == 0 {
                return Err(ConfigError::Invalid {
                    name,
                    message: "must be at least 1".into(),
                });
            }
            Ok(n)
        };
        let region_text = env("VIVA_DEFAULT_REGION").unwrap_or_else(|| "AE".into());
        let default_region = region_text
            .trim()
            .to_ascii_uppercase()
            .parse()
            .map_err(|_| ConfigError::Invalid {
                name: "VIVA_DEFAULT_REGION",
                message: format!("'{region_text}' is not a two-letter region code like AE"),
            })?;
        let single_use = match env("VIVA_OTP_SINGLE_USE").as_deref().map(str::trim) {
            None | Some("true" | "1" | "yes") => true,
            Some("false" | "0" | "no") => false,
            Some(other) => {
                return Err(ConfigError::Invalid {
                    name: "VIVA_OTP_SINGLE_USE",
                    message: format!("'{other}' is not true or false"),
                })
            }
        };
        let agent_api_key = match env("VIVA_AGENT_API_KEY").map(Secret::new) {
            Some(k) if k.expose().len() < 16 => {
                return Err(ConfigError::Invalid {
                    name: "VIVA_AGENT_API_KEY",
                    message: "must be at least 16 characters".into(),
                })
            }
            Some(k) => Some(k),
            None => None,
        };
        let notifier = notifier_config(&env)?;
        let metrics_token = match env("VIVA_METRICS_TOKEN").map(Secret::new) {
            Some(t) if t.expose().len() < 16 => {
                return Err(ConfigError::Invalid {
                    name: "VIVA_METRICS_TOKEN",
                    message: "must be at least 16 characters".into(),
                })
            }
            other => other,
        };
        let trusted_proxies = env("VIVA_TRUSTED_PROXIES")
            .unwrap_or_default()
            .split(',')
            .map(str::trim)
            .filter(|p| !p.is_empty())
            .map(|p| {
                p.parse().map_err(|_| ConfigError::Invalid {
                    name: "VIVA_TRUSTED_PROXIES",
                    message: format!("'{p}' is not an IP address"),
                })
            })
            .collect::<Result<Vec<_>, _>>()?;

        let sip = crate::dialin::SipConfig::from_env(&env)?;
        let recording = crate::recording::RecordingConfig::from_env(&env)?;
        Ok(Self {
            sip,
            recording,
            bind,
            database_url: DatabaseUrl(database_url),
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
            },
            jwt_secret,
            access_token_ttl: Duration::from_secs(15 * 60),
            refresh_token_ttl: Duration::from_secs(30 * 24 * 3600),
            refresh_reuse_interval: Duration::from_secs(number(
                "VIVA_REFRESH_REUSE_INTERVAL_SECONDS",
                30,
            )?),
            max_body_bytes: 64 * 1024,
            login_attempts_per_window: 10,
            login_window: Duration::from_secs(15 * 60),
            default_region,
            otp: OtpConfig {
                ttl: Duration::from_secs(positive("VIVA_OTP_TTL_SECONDS", 900)?),
                single_use,
                max_attempts: 5,
            },
            sweep_interval: Duration::from_millis(positive("VIVA_SWEEP_INTERVAL_MS", 1000)?),
            agent_api_key,
            interview_requests_per_day: positive("VIVA_INTERVIEW_REQUESTS_PER_DAY", 20)? as i64,
            metrics_token,
            trusted_proxies,
            notifier,
            public_limits: PublicLimits {
                per_ip_per_minute: positive("VIVA_PUBLIC_RATE_LIMIT_PER_IP", 60)? as i64,
                per_target: positive("VIVA_PUBLIC_RATE_LIMIT_PER_CODE", 20)? as i64,
                target_window: Duration::from_secs(10 * 60),
            },
        })
    }
}

fn notifier_config(env: &impl Fn(&str) -> Option<String>) -> Result<NotifierConfig, ConfigError> {
    let required = |name: &'static str| {
        env(name)
            .filter(|v| !v.trim().is_empty())
            .ok_or(ConfigError::Invalid {
                name,
                message: "is required by the chosen VIVA_NOTIFIER".into(),
            })
    };
    match env("VIVA_NOTIFIER").as_deref().map(str::trim) {
        None | Some("" | "outbox") => Ok(NotifierConfig::Outbox),
        Some("whatsapp") => Ok(NotifierConfig::WhatsApp {
            api_url: env("VIVA_WHATSAPP_API_URL")
                .unwrap_or_else(|| "https://graph.facebook.com/v18.0".into()),
            token: Secret::new(required("VIVA_WHATSAPP_TOKEN")?),
            phone_number_id: required("VIVA_WHATSAPP_PHONE_NUMBER_ID")?,
        }),
        Some("sms") => Ok(NotifierConfig::Sms {
            api_url: env("VIVA_SMS_API_URL").unwrap_or_else(|| "https://api.twilio.com".into()),
            account_sid: required("VIVA_SMS_ACCOUNT_SID")?,
            auth_token: Secret::new(required("VIVA_SMS_AUTH_TOKEN")?),
            from: required("VIVA_SMS_FROM")?,
        }),
        Some(other) => Err(ConfigError::Invalid {
            name: "VIVA_NOTIFIER",
            message: format!("'{other}' is not one of outbox, whatsapp, sms"),
        }),
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
        let pg = with(&[(
            "VIVA_DATABASE_URL",
            "postgres://viva:db-password-value@db:5432/viva",
        )])
        .unwrap();
        let printed = format!("{pg:?}");
        assert!(!printed.contains("db-password-value"), "{printed}");
        assert!(
            printed.contains("postgres://viva:***@db:5432/viva"),
            "{printed}"
        );
        assert_eq!(
            &*pg.database_url,
            "postgres://viva:db-password-value@db:5432/viva"
        );
        assert_eq!(cfg.livekit.public_url, "ws://127.0.0.1:7880");
        assert!(cfg.livekit.configured());
    }

    #[test]
    fn candidate_access_settings_have_defaults_and_keep_secrets() {
        let cfg = with(&[("VIVA_DATABASE_URL", "sqlite::memory:")]).unwrap();
        assert_eq!(cfg.default_region, phonenumber::country::Id::AE);
        assert_eq!(cfg.otp.ttl, Duration::from_secs(900));
        assert!(cfg.otp.single_use);
        assert!(matches!(cfg.notifier, NotifierConfig::Outbox));
        assert!(cfg.agent_api_key.is_none());
        let cfg = with(&[
            ("VIVA_DATABASE_URL", "sqlite::memory:"),
            ("VIVA_DEFAULT_REGION", "us"),
            ("VIVA_NOTIFIER", "sms"),
            ("VIVA_SMS_ACCOUNT_SID", "AC123"),
            ("VIVA_SMS_AUTH_TOKEN", "sms-auth-token-value"),
            ("VIVA_SMS_FROM", "+15550001111"),
            ("VIVA_AGENT_API_KEY", "agent-key-value-agent-key"),
        ])
        .unwrap();
        assert_eq!(cfg.default_region, phonenumber::country::Id::US);
        let printed = format!("{cfg:?}");
        assert!(!printed.contains("sms-auth-token-value"), "{printed}");
        assert!(!printed.contains("agent-key-value"), "{printed}");
        let err = with(&[
            ("VIVA_DATABASE_URL", "sqlite::memory:"),
            ("VIVA_NOTIFIER", "whatsapp"),
        ])
        .unwrap_err();
        assert!(err.to_string().starts_with("VIVA_WHATSAPP_TOKEN"), "{err}");
        let err = with(&[
            ("VIVA_DATABASE_URL", "sqlite::memory:"),
            ("VIVA_DEFAULT_REGION", "Atlantis"),
        ])
        .unwrap_err();
        assert!(err.to_string().starts_with("VIVA_DEFAULT_REGION"), "{err}");
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
