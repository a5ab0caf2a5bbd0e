//! The domain vocabulary: roles, statuses and the identities the server derives.

use serde::{Deserialize, Serialize};
use uuid::Uuid;

macro_rules! text_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $text)] $variant),+
        }

        impl $name {
            pub const ALL: &'static [$name] = &[$($name::$variant),+];

            pub fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }

            pub fn parse(text: &str) -> Option<Self> {
                match text { $($text => Some($name::$variant),)+ _ => None }
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

text_enum!(
    /// What a user is: interviewers receive interviews; candidates request them.
    Role { Interviewer = "interviewer", Candidate = "candidate" }
);

text_enum!(InterviewStatus {
    Pending = "pending",
    Accepted = "accepted",
    InProgress = "in_progress",
    Completed = "completed",
    Cancelled = "cancelled",
    Declined = "declined",
});

text_enum!(InterviewType {
    Technical = "TECHNICAL",
    Behavioral = "BEHAVIORAL",
    AiScreening = "AI_SCREENING",
    Final = "FINAL",
    Custom = "CUSTOM",
});

text_enum!(RoomStatus { Created = "created", Active = "active", Ended = "ended" });

text_enum!(
    /// The seed's room types; webinar and broadcast rooms let only hosts publish.
    RoomType { Individual = "individual", Group = "group", Webinar = "webinar", Broadcast = "broadcast" }
);

text_enum!(
    /// What a join token lets its holder do. `host`: room admin, publish, subscribe;
    /// `participant`: publish (unless the room lets only hosts publish) and subscribe;
    /// `viewer`: subscribe only, no publishing of media or data. An interview's interviewer
    /// joins as host, its candidate as participant.
    RoomRole { Host = "host", Participant = "participant", Viewer = "viewer" }
);

text_enum!(
    /// Who a LiveKit participant is, from LiveKit's own report.
    ParticipantKind { Standard = "standard", Ingress = "ingress", Egress = "egress", Sip = "sip", Agent = "agent" }
);

text_enum!(FeedbackKind { Interviewer = "interviewer", Candidate = "candidate" });

/// The LiveKit identity of a signed-in user. Derived, never chosen by a client.
pub fn user_identity(user_id: Uuid) -> String {
    format!("user-{user_id}")
}

/// The LiveKit room of an interview.
pub fn interview_room_name(interview_id: Uuid) -> String {
    format!("interview-{interview_id}")
}

/// A new LiveKit room name for a public room code: opaque (a random id, not the code),
/// because room names reach LiveKit's logs and the code opens the room. The underscore
/// keeps it from being mistaken for an interview's room.
pub fn public_room_name() -> String {
    format!("interview_{}", Uuid::new_v4().simple())
}

/// A new LiveKit room name for a platform room: opaque, like a public room's.
pub fn platform_room_name() -> String {
    format!("room_{}", Uuid::new_v4().simple())
}

/// The n-th one-time-password room of an application, as the seed names it (an agent
/// parses the application id out of it).
pub fn password_room_name(application_id: Uuid, n: i64) -> String {
    format!("interview-{application_id}-{n}")
}

/// The LiveKit identity of a candidate who joins by phone: `candidate_` and the E.164
/// number's digits. Derived from the phone the server checked, never chosen by a client.
pub fn candidate_identity(e164: &str) -> String {
    let digits: String = e164.chars().filter(char::is_ascii_digit).collect();
    format!("candidate_{digits}")
}

/// Milliseconds since the Unix epoch: the storage format of every timestamp.
pub fn now_ms() -> i64 {
    chrono::Utc::now().timestamp_millis()
}

/// RFC 3339 with a `Z`, as the seeds show timestamps.
pub fn ms_to_rfc3339(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn enums_round_trip_through_their_wire_text() {
        for s in InterviewStatus::ALL {
            assert_eq!(InterviewStatus::parse(s.as_str()), Some(*s));
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        assert_eq!(
            InterviewType::parse("AI_SCREENING"),
            Some(InterviewType::AiScreening)
        );
        assert_eq!(Role::parse("admin"), None);
    }

    #[test]
    fn identities_follow_the_documented_formats() {
        let id = Uuid::parse_str("98765432-10ab-cdef-0123-456789abcdef").unwrap();
        assert_eq!(
            user_identity(id),
            "user-98765432-10ab-cdef-0123-456789abcdef"
        );
        assert_eq!(
            interview_room_name(id),
            "interview-98765432-10ab-cdef-0123-456789abcdef"
        );
        assert_eq!(ms_to_rfc3339(0), "1970-01-01T00:00:00.000Z");
        assert_eq!(
            candidate_identity("+971509876543"),
            "candidate_971509876543"
        );
        let (a, b) = (public_room_name(), public_room_name());
        assert!(
            a.starts_with("interview_") && a.len() == "interview_".len() + 32,
            "{a}"
        );
        assert_ne!(a, b, "a new name per room");
        assert_eq!(password_room_name(id, 2), format!("interview-{id}-2"));
    }
}
