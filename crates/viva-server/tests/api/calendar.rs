//! The interview's `.ics` export, read back with a real iCalendar parser.

use viva_server::domain::InterviewStatus;

use crate::{assert_error, Cast, TestApp};

#[tokio::test]
async fn the_calendar_export_parses_and_holds_the_interview() {
    let app = TestApp::start().await;
    let cast = Cast::new(&app).await;
    let mut new = crate::new_interview(
        &cast.candidate,
        &cast.interviewer,
        InterviewStatus::Accepted,
    );
    new.topic = "Backend, round 2; systems".into();
    new.scheduled_time_ms = 1_796_140_800_000; // 2026-12-01T16:00:00Z
    new.duration_minutes = 45;
    let interview = app.store.create_interview(new).await.unwrap();
    let path = format!("/api/interviews/{}/calendar.ics", interview.id);

    let res = app
        .client
        .get(format!("{}{path}", app.base))
        .bearer_auth(&cast.candidate.token)
        .send()
        .await
        .unwrap();
    assert_eq!(res.status(), 200);
    assert!(res.headers()["content-type"]
        .to_str()
        .unwrap()
        .starts_with("text/calendar"));
    let body = res.text().await.unwrap();
    assert!(body.contains("\r\n"), "CRLF line endings");

    let mut calendars = ical::IcalParser::new(std::io::BufReader::new(body.as_bytes()));
    let calendar = calendars.next().expect("one calendar").expect("it parses");
    assert_eq!(calendar.events.len(), 1);
    let event = &calendar.events[0];
    let prop = |name: &str| {
        event
            .properties
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.value.clone())
            .unwrap_or_else(|| panic!("{name} in {body}"))
    };
    assert_eq!(prop("SUMMARY"), "Backend\\, round 2\\; systems");
    assert_eq!(prop("DTSTART"), "20261201T160000Z");
    assert_eq!(prop("DTEND"), "20261201T164500Z");
    assert_eq!(prop("STATUS"), "CONFIRMED");
    assert_eq!(prop("UID"), format!("interview-{}@viva", interview.id));
    assert!(prop("DESCRIPTION").contains("intv (interviewer)"), "{body}");
    assert_eq!(event.alarms.len(), 1, "a reminder 10 minutes before");

    for (token, expected) in [
        (None, 401),
        (Some(cast.other_interviewer.token.as_str()), 403),
    ] {
        let (s, b) = app.get(&path, token).await;
        assert_error(s, &b, expected);
    }
    let (s, _) = app.get(&path, Some(&cast.interviewer.token)).await;
    assert_eq!(s, 200);
}
