//! `GET /api/interviews/{id}/calendar.ics`: the interview as an iCalendar event (RFC 5545)
//! for the participant's own calendar, with a reminder ten minutes before.

use axum::extract::State;
use axum::http::header;
use axum::response::IntoResponse;
use uuid::Uuid;

use crate::domain::{now_ms, InterviewStatus};
use crate::error::ApiError;
use crate::extract::Path;
use crate::policy::participants::{load_as_participant, sides};
use crate::session::CurrentUser;
use crate::state::AppState;
use crate::store::Interview;

pub async fn ics(
    State(state): State<AppState>,
    user: CurrentUser,
    Path(id): Path<Uuid>,
) -> Result<impl IntoResponse, ApiError> {
    let (interview, _) = load_as_participant(&state, id, &user).await?;
    let (candidate, interviewer) = sides(&state, &interview, Some(&user.user)).await?;
    let body = event(
        &interview,
        &interviewer.display_name,
        &candidate.display_name,
        now_ms(),
    );
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "text/calendar; charset=utf-8".to_owned(),
            ),
            (
                header::CONTENT_DISPOSITION,
                format!("attachment; filename=\"interview-{}.ics\"", interview.id),
            ),
        ],
        body,
    ))
}

/// A UTC date-time in iCalendar's basic form: `20261201T180000Z`.
fn stamp(ms: i64) -> String {
    chrono::DateTime::<chrono::Utc>::from_timestamp_millis(ms)
        .unwrap_or_default()
        .format("%Y%m%dT%H%M%SZ")
        .to_string()
}

/// TEXT values escape backslash, semicolon, comma and newlines (RFC 5545 3.3.11).
fn text(value: &str) -> String {
    value
        .replace('\\', "\\\\")
        .replace(';', "\\;")
        .replace(',', "\\,")
        .replace("\r\n", "\\n")
        .replace('\n', "\\n")
}

/// Content lines longer than 75 octets are folded: CRLF and a space (RFC 5545 3.1), never
/// inside a UTF-8 character.
fn fold(line: &str) -> String {
    let mut out = String::new();
    let mut width = 0;
    for c in line.chars() {
        if width + c.len_utf8() > 75 {
            out.push_str("\r\n ");
            width = 1;
        }
        out.push(c);
        width += c.len_utf8();
    }
    out
}

pub fn event(i: &Interview, interviewer: &str, candidate: &str, now: i64) -> String {
    let start = i.scheduled_time_ms;
    let end = start + i.duration_minutes * 60_000;
    let status = match i.status {
        InterviewStatus::Pending => "TENTATIVE",
        InterviewStatus::Cancelled | InterviewStatus::Declined => "CANCELLED",
        _ => "CONFIRMED",
    };
    let lines = [
        "BEGIN:VCALENDAR".to_owned(),
        "VERSION:2.0".to_owned(),
        "PRODID:-//Viva//Interviews//EN".to_owned(),
        "CALSCALE:GREGORIAN".to_owned(),
        "METHOD:PUBLISH".to_owned(),
        "BEGIN:VEVENT".to_owned(),
        format!("UID:interview-{}@viva", i.id),
        format!("DTSTAMP:{}", stamp(now)),
        format!("DTSTART:{}", stamp(start)),
        format!("DTEND:{}", stamp(end)),
        format!("SUMMARY:{}", text(&i.topic)),
        format!(
            "DESCRIPTION:{}",
            text(&format!(
                "Interview between {interviewer} (interviewer) and {candidate} (candidate).\nJoin from the Viva app."
            ))
        ),
        format!("STATUS:{status}"),
        "BEGIN:VALARM".to_owned(),
        "ACTION:DISPLAY".to_owned(),
        "TRIGGER:-PT10M".to_owned(),
        format!("DESCRIPTION:{}", text(&format!("{} starts in 10 minutes", i.topic))),
        "END:VALARM".to_owned(),
        "END:VEVENT".to_owned(),
        "END:VCALENDAR".to_owned(),
    ];
    lines.iter().map(|l| fold(l) + "\r\n").collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_is_escaped_and_long_lines_fold_without_splitting_characters() {
        assert_eq!(text("a,b;c\\d\ne"), "a\\,b\\;c\\\\d\\ne");
        let long = format!("SUMMARY:{}", "é".repeat(60));
        let folded = fold(&long);
        for line in folded.split("\r\n") {
            assert!(line.len() <= 75, "{} octets", line.len());
        }
        assert_eq!(folded.replace("\r\n ", ""), long);
        assert_eq!(stamp(0), "19700101T000000Z");
    }
}
