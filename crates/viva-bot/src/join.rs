//! Where the bot connects: a LiveKit URL and token given directly, or a `Ticket` from
//! viva-server by the same ways in as the app (`viva_core::Entry`), so the bot exercises
//! the app's own code for signing in, room codes and one-time passwords.

use std::sync::Arc;

use viva_core::{ApiClient, Entry, MemorySecrets, ServerUrl, Session};

use crate::args::Args;
use crate::output::emit;

/// Where and how to connect.
pub struct Target {
    pub url: String,
    pub token: String,
    /// For --end-on-leave: how to end the public session.
    end: Option<EndSession>,
}

/// The candidate's credential for ending a public session. Never printed.
struct EndSession {
    api: ApiClient,
    room_code: String,
    participant_token: String,
}

pub async fn resolve(args: &Args) -> Result<Target, String> {
    if let (Some(url), Some(token)) = (&args.url, &args.token) {
        return Ok(Target {
            url: url.clone(),
            token: token.clone(),
            end: None,
        });
    }
    let Some(server) = &args.server else {
        return Err("give --url and --token, or --server and a way to join".into());
    };
    let api = ApiClient::new(ServerUrl::parse(server).map_err(|e| e.to_string())?);
    let entry = entry(args, server, &api).await?;
    let ticket = entry
        .ticket(None)
        .await
        .map_err(|e| format!("join refused: {e}"))?;
    let end = match ticket.participant_token {
        Some(participant_token) if args.end_on_leave => Some(EndSession {
            api,
            room_code: ticket.key,
            participant_token,
        }),
        _ => None,
    };
    Ok(Target {
        url: ticket.livekit_url,
        token: ticket.token,
        end,
    })
}

/// The way in the flags name. A signed-in user's session lives in memory: the bot keeps
/// no credentials after it exits.
async fn entry(args: &Args, server: &str, api: &ApiClient) -> Result<Entry, String> {
    if let (Some(code), Some(phone), Some(name)) = (&args.room_code, &args.phone, &args.name) {
        let (first, last) = name
            .trim()
            .split_once(char::is_whitespace)
            .ok_or("give --name as \"First Last\"")?;
        return Entry::code(api.clone(), code, phone, first, last).map_err(|e| e.to_string());
    }
    if let (Some(application), Some(otp)) = (&args.application, &args.otp) {
        return Entry::password(api.clone(), application, otp).map_err(|e| e.to_string());
    }
    let (Some(username), Some(interview)) = (&args.username, &args.interview) else {
        return Err("give --username and --interview, --room-code with --phone and --name, or --application with --otp".into());
    };
    let password = args
        .password
        .as_deref()
        .ok_or("give the password with --password or VIVA_BOT_PASSWORD")?;
    let session = Arc::new(Session::new(Arc::new(MemorySecrets::default())));
    session
        .login(server, username, password)
        .await
        .map_err(|e| format!("sign-in failed: {e}"))?;
    Ok(Entry::interview(&session, interview.clone()))
}

/// --end-on-leave: ends the public session before leaving; reports the outcome.
pub async fn end_session(target: &Target) {
    if let Some(e) = &target.end {
        match e.api.public_end(&e.room_code, &e.participant_token).await {
            Ok(r) => emit("session_ended", serde_json::json!({ "message": r.message })),
            Err(err) => emit(
                "error",
                serde_json::json!({ "stage": "end", "message": err.to_string() }),
            ),
        }
    }
}
