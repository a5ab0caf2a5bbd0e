//! The route table and the middleware every request passes through.

mod auth;
mod calendar;
mod catalog;
mod controls;
mod drafts;
mod feedback;
mod fields;
pub mod graphql;
mod interviews;
mod livekit_api;
pub mod openapi;
mod openapi_platform;
mod openapi_seed;
mod ops;
mod paging;
mod platform;
pub mod public;
mod questions;
mod rooms;
pub(crate) mod webhooks;

use std::net::SocketAddr;

use axum::extract::{ConnectInfo, DefaultBodyLimit, FromRequestParts, MatchedPath, Request, State};
use axum::http::request::Parts;
use axum::middleware::{self, Next};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use tower_http::catch_panic::CatchPanicLayer;

use crate::error::ApiError;
use crate::state::AppState;

pub fn router(state: AppState) -> Router {
    let api = Router::new()
        // auth
        .route("/api/auth/login", post(auth::login))
        .route("/api/auth/refresh", post(auth::refresh))
        .route("/api/auth/logout", post(auth::logout))
        .route("/api/auth/me", get(auth::me))
        // interviews
        .route(
            "/api/interviews/",
            get(interviews::list).post(interviews::create),
        )
        .route("/api/interviews/rooms/active/", get(rooms::active))
        .route("/api/interviews/{id}/", get(interviews::get_one))
        .route("/api/interviews/{id}/accept/", post(interviews::accept))
        .route("/api/interviews/{id}/decline/", post(interviews::decline))
        .route("/api/interviews/{id}/cancel/", post(interviews::cancel))
        .route("/api/interviews/{id}/complete/", post(interviews::complete))
        .route("/api/interviews/{id}/calendar.ics", get(calendar::ics))
        .route("/api/interviews/{id}/join/", post(rooms::join))
        .route("/api/interviews/{id}/room/ensure/", post(rooms::ensure))
        .route("/api/interviews/{id}/room/info/", get(rooms::info))
        .route("/api/interviews/{id}/room/controls/", post(rooms::controls))
        .route(
            "/api/interviews/{id}/feedback/interviewer/",
            post(feedback::interviewer),
        )
        .route(
            "/api/interviews/{id}/feedback/candidate/",
            post(feedback::candidate),
        )
        .route(
            "/api/interviews/{id}/feedback/drafts/{kind}",
            get(drafts::get).put(drafts::put),
        )
        // questions: the bank (staff) and an interview's (its interviewer)
        .route(
            "/api/question-bank/",
            get(questions::list).post(questions::create),
        )
        .route(
            "/api/question-bank/{id}/",
            axum::routing::delete(questions::delete),
        )
        .route(
            "/api/interviews/{id}/questions/",
            get(questions::for_interview),
        )
        // LiveKit token API
        .route("/api/livekit/token", post(livekit_api::token))
        .route(
            "/api/livekit/connection-info",
            get(livekit_api::connection_info),
        )
        .route("/api/livekit/health", get(livekit_api::health))
        // the hiring catalog (staff)
        .route(
            "/api/companies/",
            get(catalog::list_companies).post(catalog::create_company),
        )
        .route("/api/companies/{id}/", get(catalog::get_company))
        .route(
            "/api/jobs/",
            get(catalog::list_jobs).post(catalog::create_job),
        )
        .route("/api/jobs/{id}/", get(catalog::get_job))
        .route(
            "/api/applications/",
            get(catalog::list_applications).post(catalog::create_application),
        )
        .route("/api/applications/{id}/", get(catalog::get_application))
        // public interview access
        .route("/api/public/interview/room/create", post(public::create))
        .route("/api/public/interview/room/{roomCode}", get(public::info))
        .route("/api/public/interview/join/{roomCode}", post(public::join))
        .route(
            "/api/public/interview/room/{roomCode}/end",
            post(public::end),
        )
        // the rooms platform
        .route(
            "/api/v1/rooms/",
            get(platform::rooms::list).post(platform::rooms::create),
        )
        .route(
            "/api/v1/rooms/{id}/",
            get(platform::rooms::get_one)
                .patch(platform::rooms::update)
                .delete(platform::rooms::delete),
        )
        .route("/api/v1/rooms/{id}/close/", post(platform::rooms::close))
        .route(
            "/api/v1/rooms/{id}/controls/",
            post(platform::rooms::controls),
        )
        .route(
            "/api/v1/rooms/{id}/participants/",
            get(platform::rooms::participants),
        )
        .route("/api/v1/rooms/{id}/token/", post(platform::tokens::issue))
        .route(
            "/api/v1/rooms/{id}/dial-in/",
            get(platform::dial_in::get)
                .post(platform::dial_in::enable)
                .delete(platform::dial_in::disable),
        )
        .route(
            "/api/interviews/{id}/dial-in/",
            get(platform::dial_in::interview_get).post(platform::dial_in::interview_enable),
        )
        .route(
            "/api/v1/rooms/{id}/recording/start/",
            post(platform::recordings::start),
        )
        .route(
            "/api/v1/rooms/{id}/recording/stop/",
            post(platform::recordings::stop),
        )
        .route(
            "/api/v1/rooms/{id}/recording/consent/",
            post(platform::recordings::consent),
        )
        .route(
            "/api/v1/rooms/{id}/recordings/",
            get(platform::recordings::list),
        )
        .route(
            "/api/v1/rooms/{id}/recordings/{rid}/download/",
            get(platform::recordings::download),
        )
        .route(
            "/api/interviews/{id}/recording/start/",
            post(platform::recordings::interview_start),
        )
        .route(
            "/api/interviews/{id}/recording/stop/",
            post(platform::recordings::interview_stop),
        )
        .route(
            "/api/interviews/{id}/recordings/",
            get(platform::recordings::interview_list),
        )
        .route("/api/v1/rooms/{id}/tokens/", get(platform::tokens::list))
        .route(
            "/api/v1/rooms/{id}/tokens/{jti}/revoke/",
            post(platform::tokens::revoke),
        )
        .route(
            "/api/v1/room-templates/",
            get(platform::templates::list).post(platform::templates::create),
        )
        .route(
            "/api/v1/room-templates/{name}/",
            get(platform::templates::get_one)
                .patch(platform::templates::update)
                .delete(platform::templates::delete),
        )
        // one-time-password rooms and the agents' application query
        .route("/graphql", post(graphql::handler))
        .route("/webhooks/livekit/", post(webhooks::livekit))
        // ops
        .route("/healthz", get(ops::healthz))
        .route("/readyz", get(ops::readyz))
        .route("/metrics", get(ops::metrics))
        .route("/api/openapi.json", get(openapi::document))
        .route("/api/docs", get(openapi::docs_page));

    api.fallback(not_found)
        .method_not_allowed_fallback(method_not_allowed)
        .layer(DefaultBodyLimit::max(state.config.max_body_bytes))
        .layer(middleware::from_fn_with_state(state.clone(), observe))
        .layer(CatchPanicLayer::custom(panic_response))
        .with_state(state)
}

async fn not_found() -> ApiError {
    ApiError::not_found("No such endpoint")
}

async fn method_not_allowed() -> ApiError {
    ApiError::new(
        axum::http::StatusCode::METHOD_NOT_ALLOWED,
        "Method not allowed on this endpoint",
    )
}

/// A panic is a bug; the client still gets the error shape, never a dropped connection.
fn panic_response(_: Box<dyn std::any::Any + Send + 'static>) -> Response {
    tracing::error!("handler panicked");
    ApiError::new(
        axum::http::StatusCode::INTERNAL_SERVER_ERROR,
        "Internal server error",
    )
    .into_response()
}

/// Counts responses, times them per route and logs one line per request. Logs the route template, never the
/// raw path or query: paths carry room codes and queries could carry anything.
async fn observe(State(state): State<AppState>, req: Request, next: Next) -> Response {
    let method = req.method().clone();
    let route = req
        .extensions()
        .get::<MatchedPath>()
        .map(|p| p.as_str().to_owned())
        .unwrap_or_else(|| "<unmatched>".into());
    let started = std::time::Instant::now();
    let res = next.run(req).await;
    let status = res.status().as_u16();
    state
        .metrics
        .record_request(method.as_str(), &route, status, started.elapsed());
    tracing::info!(
        %method,
        route,
        status,
        ms = started.elapsed().as_millis() as u64,
        "request"
    );
    res
}

/// The client's address (for throttling): the connection's peer, or, when that peer is a
/// trusted reverse proxy (`VIVA_TRUSTED_PROXIES`), the nearest address in
/// `X-Forwarded-For` that is not one of our proxies. Anyone else's header is ignored.
pub struct ClientIp(pub String);

impl FromRequestParts<AppState> for ClientIp {
    type Rejection = std::convert::Infallible;

    async fn from_request_parts(
        parts: &mut Parts,
        state: &AppState,
    ) -> Result<Self, Self::Rejection> {
        let peer = parts
            .extensions
            .get::<ConnectInfo<SocketAddr>>()
            .map(|c| c.0.ip());
        Ok(ClientIp(match peer {
            Some(peer) => {
                client_ip(peer, &parts.headers, &state.config.trusted_proxies).to_string()
            }
            None => "unknown".into(),
        }))
    }
}

fn client_ip(
    peer: std::net::IpAddr,
    headers: &axum::http::HeaderMap,
    trusted: &[std::net::IpAddr],
) -> std::net::IpAddr {
    if !trusted.contains(&peer) {
        return peer;
    }
    // Each proxy appends the address it received from; read from the right.
    let forwarded: Vec<std::net::IpAddr> = headers
        .get_all("x-forwarded-for")
        .iter()
        .filter_map(|v| v.to_str().ok())
        .flat_map(|v| v.split(','))
        .filter_map(|a| a.trim().parse().ok())
        .collect();
    forwarded
        .iter()
        .rev()
        .find(|a| !trusted.contains(a))
        .copied()
        .unwrap_or(peer)
}

#[cfg(test)]
mod tests {
    use super::client_ip;
    use axum::http::HeaderMap;

    #[test]
    fn forwarded_for_counts_only_from_a_trusted_proxy() {
        let proxy = "10.0.0.5".parse().unwrap();
        let stranger = "203.0.113.9".parse().unwrap();
        let mut headers = HeaderMap::new();
        headers.insert("x-forwarded-for", "1.2.3.4, 198.51.100.7".parse().unwrap());
        assert_eq!(
            client_ip(stranger, &headers, &[proxy]),
            stranger,
            "forged header ignored"
        );
        assert_eq!(client_ip(proxy, &headers, &[]), proxy, "no proxies trusted");
        assert_eq!(
            client_ip(proxy, &headers, &[proxy]),
            "198.51.100.7".parse::<std::net::IpAddr>().unwrap(),
            "the address our proxy saw, not what the client claimed before it"
        );
        let inner = "10.0.0.6".parse().unwrap();
        headers.insert("x-forwarded-for", "198.51.100.7, 10.0.0.6".parse().unwrap());
        assert_eq!(
            client_ip(proxy, &headers, &[proxy, inner]),
            "198.51.100.7".parse::<std::net::IpAddr>().unwrap(),
            "through two proxies of ours"
        );
        assert_eq!(client_ip(proxy, &HeaderMap::new(), &[proxy]), proxy);
    }
}
