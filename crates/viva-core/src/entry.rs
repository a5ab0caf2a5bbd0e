//! How a participant gets into a room: a signed-in user joining an interview, or a
//! candidate without an account joining with a public room code and their phone number,
//! or with the one-time password sent to them. Each way ends in a `Ticket` (where to
//! connect, with which LiveKit token, and what the room is about).

use std::sync::Arc;

use crate::api::ApiClient;
use crate::error::{CoreError, ErrorCode};
use crate::session::Session;

/// One-time passwords are six digits.
const PASSWORD_LEN: usize = 6;

#[derive(Clone)]
pub enum Entry {
    /// A signed-in interviewer or candidate joins their interview.
    Interview {
        session: Arc<Session>,
        interview_id: String,
    },
    /// A candidate joins a public room with its code and the phone number on the application.
    Code {
        api: ApiClient,
        code: String,
        phone: String,
        first_name: String,
        last_name: String,
    },
    /// A candidate joins with the one-time password sent to their phone.
    Password {
        api: ApiClient,
        application_id: String,
        password: String,
    },
}

// Phones and passwords stay out of logs.
impl std::fmt::Debug for Entry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Entry::Interview { interview_id, .. } => f
                .debug_struct("Interview")
                .field("interview_id", interview_id)
                .finish_non_exhaustive(),
            Entry::Code { .. } => f.debug_struct("Code").finish_non_exhaustive(),
            Entry::Password { application_id, .. } => f
                .debug_struct("Password")
                .field("application_id", application_id)
                .finish_non_exhaustive(),
        }
    }
}

/// A way into one room.
#[derive(Clone)]
pub struct Ticket {
    pub livekit_url: String,
    pub token: String,
    pub room_name: String,
    /// Empty when the server does not say (the engine then reports it after connecting).
    pub identity: String,
    pub is_interviewer: bool,
    /// What the UI knows the room by: the interview id, the room code, or
    /// `application:{id}`.
    pub key: String,
    pub topic: String,
    pub duration_minutes: i32,
    pub scheduled_time: String,
    /// A public-room candidate's credential for ending their session (not a LiveKit token).
    pub participant_token: Option<String>,
}

impl Entry {
    /// What the UI knows the room by, before joining.
    pub fn key(&self) -> String {
        match self {
            Entry::Interview { interview_id, .. } => interview_id.clone(),
            Entry::Code { code, .. } => code.clone(),
            Entry::Password { application_id, .. } => format!("application:{application_id}"),
        }
    }

    /// A signed-in participant's way into their interview's room.
    pub fn interview(session: &Arc<Session>, interview_id: String) -> Entry {
        Entry::Interview {
            session: session.clone(),
            interview_id,
        }
    }

    /// A guest entry checked before anything goes over the network.
    pub fn code(
        api: ApiClient,
        code: &str,
        phone: &str,
        first_name: &str,
        last_name: &str,
    ) -> Result<Entry, CoreError> {
        let code = normalize_room_code(code)?;
        let phone = phone.trim();
        if phone.chars().filter(char::is_ascii_digit).count() < 6 {
            return Err(invalid("Enter the phone number on your application"));
        }
        let (first_name, last_name) = (first_name.trim(), last_name.trim());
        if first_name.is_empty() {
            return Err(invalid("Enter your first name"));
        }
        if first_name.chars().count() > 100 || last_name.chars().count() > 100 {
            return Err(invalid("Names are at most 100 characters"));
        }
        Ok(Entry::Code {
            api,
            code,
            phone: phone.to_owned(),
            first_name: first_name.to_owned(),
            last_name: last_name.to_owned(),
        })
    }

    pub fn password(
        api: ApiClient,
        application_id: &str,
        password: &str,
    ) -> Result<Entry, CoreError> {
        let application_id = application_id.trim();
        if application_id.is_empty() || application_id.len() > 64 {
            return Err(invalid("Enter the application number from your invitation"));
        }
        let password: String = password.chars().filter(|c| !c.is_whitespace()).collect();
        if password.len() != PASSWORD_LEN || !password.bytes().all(|b| b.is_ascii_digit()) {
            return Err(invalid("The password is the 6 digits sent to your phone"));
        }
        Ok(Entry::Password {
            api,
            application_id: application_id.to_owned(),
            password,
        })
    }

    /// Asks the backend for a way in. `previous` is the ticket of the connection that was
    /// lost, when rejoining: a one-time password is spent, so a rejoin reuses the LiveKit
    /// token the server last refreshed (`latest_token`).
    pub async fn ticket(&self, previous: Option<(&Ticket, &str)>) -> Result<Ticket, CoreError> {
        match self {
            Entry::Interview {
                session,
                interview_id,
            } => {
                let (api, access) = session.access().await?;
                let join = api.join(&access, interview_id).await?;
                Ok(Ticket {
                    livekit_url: join.livekit_url,
                    token: join.token,
                    room_name: join.room_name,
                    identity: join.identity,
                    is_interviewer: join.is_interviewer,
                    key: interview_id.clone(),
                    topic: join.interview.topic,
                    duration_minutes: i32::try_from(join.interview.duration_minutes)
                        .unwrap_or(i32::MAX),
                    scheduled_time: join.interview.scheduled_time,
                    participant_token: None,
                })
            }
            Entry::Code {
                api,
                code,
                phone,
                first_name,
                last_name,
            } => {
                let join = api.public_join(code, phone, first_name, last_name).await?;
                Ok(Ticket {
                    livekit_url: join.server_url,
                    token: join.token,
                    room_name: join.room_name,
                    identity: join.identity,
                    is_interviewer: false,
                    key: code.clone(),
                    topic: join.job_title,
                    // The server counts seconds; round up so a 90 s room is not "1 min".
                    duration_minutes: i32::try_from((join.max_duration + 59) / 60).unwrap_or(0),
                    scheduled_time: String::new(),
                    participant_token: Some(join.participant_token),
                })
            }
            Entry::Password {
                api,
                application_id,
                password,
            } => {
                if let Some((ticket, latest)) = previous {
                    return Ok(Ticket {
                        token: latest.to_owned(),
                        ..ticket.clone()
                    });
                }
                let room = api.password_room_token(application_id, password).await?;
                Ok(Ticket {
                    livekit_url: room.server_url,
                    token: room.token,
                    room_name: room.room_name,
                    identity: String::new(),
                    is_interviewer: false,
                    key: self.key(),
                    topic: "Your interview".into(),
                    duration_minutes: 0,
                    scheduled_time: String::new(),
                    participant_token: None,
                })
            }
        }
    }
}

/// A client of the backend at the address a guest typed (no session).
pub fn guest_api(server: &str) -> Result<ApiClient, CoreError> {
    let server = crate::ServerUrl::parse(server)
        .map_err(|e| CoreError::new(ErrorCode::InvalidInput, e.to_string()))?;
    Ok(ApiClient::new(server))
}

/// What a public room is about (job, company, instructions, status), before joining it.
pub async fn room_preview(
    server: &str,
    code: &str,
) -> Result<viva_api::public::PublicRoomInfo, CoreError> {
    let code = normalize_room_code(code)?;
    Ok(guest_api(server)?.public_room_info(&code).await?)
}

fn invalid(message: &str) -> CoreError {
    CoreError::new(ErrorCode::InvalidInput, message)
}

/// A room code as people type it (lower case, spaces or dashes between groups) in the
/// server's form, or a message saying what is wrong.
pub fn normalize_room_code(input: &str) -> Result<String, CoreError> {
    use viva_api::room_code::{normalize, CodeProblem, LEN};
    normalize(input).map_err(|problem| match problem {
        CodeProblem::Empty => invalid("Enter the room code from your invitation"),
        CodeProblem::Length => invalid(&format!("A room code has {LEN} characters")),
        CodeProblem::Character(bad) => invalid(&format!(
            "'{bad}' is not used in room codes (codes never contain 0, O, 1, I or L)"
        )),
    })
}

/// The room code in a `viva://join/{code}` link (what invitations and `joinUrl`s open).
pub fn parse_join_link(link: &str) -> Result<String, CoreError> {
    let bad = || invalid("This link is not a Viva interview link");
    let url = url::Url::parse(link.trim()).map_err(|_| bad())?;
    if url.scheme() != "viva" {
        return Err(bad());
    }
    // viva://join/CODE parses with host "join" and path "/CODE"; viva:join/CODE without.
    let mut parts: Vec<&str> = url.host_str().into_iter().collect();
    parts.extend(url.path().split('/').filter(|s| !s.is_empty()));
    match parts.as_slice() {
        ["join", code] => normalize_room_code(code),
        _ => Err(bad()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn room_codes_are_normalised_or_explained() {
        assert_eq!(normalize_room_code(" abcd-2345 ").unwrap(), "ABCD2345");
        assert_eq!(normalize_room_code("ABCD 2345").unwrap(), "ABCD2345");
        for (input, says) in [
            ("", "Enter the room code"),
            ("ABC", "8 characters"),
            ("ABCD234O", "'O' is not used"),
            ("ABCD2341", "'1' is not used"),
            ("ÄBCD2345", "'Ä' is not used"),
        ] {
            let e = normalize_room_code(input).unwrap_err();
            assert_eq!(e.code, ErrorCode::InvalidInput);
            assert!(e.message.contains(says), "{input}: {}", e.message);
        }
    }

    #[test]
    fn join_links_give_their_code() {
        assert_eq!(parse_join_link("viva://join/ABCD2345").unwrap(), "ABCD2345");
        assert_eq!(
            parse_join_link("viva://join/abcd2345/").unwrap(),
            "ABCD2345"
        );
        assert_eq!(parse_join_link("viva:join/ABCD2345").unwrap(), "ABCD2345");
        for bad in [
            "https://join/ABCD2345",
            "viva://room/ABCD2345",
            "viva://join/",
            "viva://join/ABCD2345/extra",
            "not a url",
        ] {
            assert_eq!(
                parse_join_link(bad).unwrap_err().code,
                ErrorCode::InvalidInput,
                "{bad}"
            );
        }
        assert!(parse_join_link("viva://join/0000")
            .unwrap_err()
            .message
            .contains("8 characters"));
    }

    fn api() -> ApiClient {
        ApiClient::new(crate::ServerUrl::parse("http://127.0.0.1:9").unwrap())
    }

    #[test]
    fn guest_entries_check_their_fields_and_hide_secrets() {
        let e = Entry::code(api(), "abcd2345", "+971 50 123 4567", " Sam ", "Haddad").unwrap();
        assert_eq!(e.key(), "ABCD2345");
        assert!(!format!("{e:?}").contains("4567"));
        assert!(Entry::code(api(), "ABCD2345", "12", "Sam", "")
            .unwrap_err()
            .message
            .contains("phone"));
        assert!(Entry::code(api(), "ABCD2345", "+971501234567", " ", "")
            .unwrap_err()
            .message
            .contains("first name"));

        let p = Entry::password(api(), "42", "123 456").unwrap();
        assert_eq!(p.key(), "application:42");
        assert!(!format!("{p:?}").contains("123456"));
        for bad in ["12345", "1234567", "12a456", ""] {
            assert_eq!(
                Entry::password(api(), "42", bad).unwrap_err().code,
                ErrorCode::InvalidInput
            );
        }
        assert!(Entry::password(api(), " ", "123456").is_err());
    }
}
