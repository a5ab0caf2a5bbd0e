//! The backend address a user types on the sign-in screen.

use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ServerUrlError {
    #[error("enter the server address, for example https://viva.example.com")]
    Empty,
    #[error("'{0}' is not a web address")]
    Invalid(String),
    #[error("the server address must start with http:// or https://")]
    Scheme,
    #[error("plain http:// is only allowed for this computer (localhost); use https://")]
    InsecureRemote,
}

/// A validated backend base URL: http(s), no query or fragment, no trailing slash.
/// Plain http is accepted only for loopback so credentials never cross a network unencrypted.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ServerUrl(url::Url);

impl ServerUrl {
    pub fn parse(input: &str) -> Result<Self, ServerUrlError> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err(ServerUrlError::Empty);
        }
        // People type "localhost:8000"; url would read "localhost" as a scheme.
        let with_scheme = if trimmed.contains("://") {
            trimmed.to_owned()
        } else {
            format!("https://{trimmed}")
        };
        let mut url =
            url::Url::parse(&with_scheme).map_err(|_| ServerUrlError::Invalid(trimmed.into()))?;
        match url.scheme() {
            "https" => {}
            "http" if is_loopback(&url) => {}
            "http" => return Err(ServerUrlError::InsecureRemote),
            _ => return Err(ServerUrlError::Scheme),
        }
        if url.host_str().is_none_or(str::is_empty) {
            return Err(ServerUrlError::Invalid(trimmed.into()));
        }
        url.set_query(None);
        url.set_fragment(None);
        let path = url.path().trim_end_matches('/').to_owned();
        url.set_path(&path);
        Ok(Self(url))
    }

    /// Joins an API path such as `/api/auth/login` onto the base.
    pub fn join(&self, path: &str) -> String {
        let base = self.0.as_str().trim_end_matches('/');
        format!("{base}/{}", path.trim_start_matches('/'))
    }
}

fn is_loopback(url: &url::Url) -> bool {
    match url.host() {
        Some(url::Host::Domain(d)) => d == "localhost",
        Some(url::Host::Ipv4(ip)) => ip.is_loopback(),
        Some(url::Host::Ipv6(ip)) => ip.is_loopback(),
        None => false,
    }
}

impl fmt::Display for ServerUrl {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.0.as_str().trim_end_matches('/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn normalises_what_people_type() {
        let url = ServerUrl::parse("  viva.example.com/ ").unwrap();
        assert_eq!(url.to_string(), "https://viva.example.com");
        assert_eq!(
            url.join("/api/auth/login"),
            "https://viva.example.com/api/auth/login"
        );
        let local = ServerUrl::parse("http://127.0.0.1:8000/?x=1#y").unwrap();
        assert_eq!(local.join("healthz"), "http://127.0.0.1:8000/healthz");
    }

    #[test]
    fn refuses_plain_http_to_remote_hosts_and_other_schemes() {
        assert_eq!(
            ServerUrl::parse("http://viva.example.com"),
            Err(ServerUrlError::InsecureRemote)
        );
        assert_eq!(
            ServerUrl::parse("ftp://viva.example.com"),
            Err(ServerUrlError::Scheme)
        );
        assert_eq!(ServerUrl::parse(""), Err(ServerUrlError::Empty));
        assert!(matches!(
            ServerUrl::parse("https://"),
            Err(ServerUrlError::Invalid(_))
        ));
    }
}
