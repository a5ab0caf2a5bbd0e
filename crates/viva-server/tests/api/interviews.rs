use serde_json::json;

use crate::{assert_error, Cast, TestApp};

#[tokio::test]
async fn a_candidate_requests_and_the_interviewer_accepts() {
    let app = TestApp::start().await;
    let cast = Cast::new(&app).await;
    let (s, created) = app
        .post(
            "/api/interviews/",
            Some(&cast.candidate.token),
            json!({"receiver": cast.interviewer.user.id, "topic": "Backend Engineer Interview",
                   "scheduled_time": "2026-02-10T14:00:00Z", "duration_minutes": 60,
                   "interview_type": "TECHNICAL"}),
        )
        .await;
    assert_eq!(s, 201, "{created}");
    let id = created["uuid_id"].as_str().unwrap().to_owned();
    assert_eq!(created["status"], "pending");
    assert_eq!(created["scheduled_time"], "2026-02-10T14:00:00.000Z");
    assert_eq!(created["room_name"], format!("interview-{id}"));
    assert_eq!(
        created["receiver"]["id"],
        cast.interviewer.user.id.to_string()
    );

    let (s, body) = app
        .post(
            &format!("/api/interviews/{id}/accept/"),
            Some(&cast.candidate.token),
            json!({}),
        )
        .await;
    assert_error(s, &body, 403);
    let (s, body) = app
        .post(
            &format!("/api/interviews/{id}/accept/"),
            Some(&cast.interviewer.token),
            json!({}),
        )
        .await;
    assert_eq!(
        (s.as_u16(), body["status"].as_str()),
        (200, Some("accepted")),
        "{body}"
    );
    let (s, body) = app
        .post(
            &format!("/api/interviews/{id}/decline/"),
            Some(&cast.interviewer.token),
            json!({}),
        )
        .await;
    assert_error(s, &body, 409);

    let (_, mine) = app
        .get("/api/interviews/", Some(&cast.interviewer.token))
        .await;
    assert_eq!(mine.as_array().unwrap().len(), 1);
    let (_, theirs) = app
        .get("/api/interviews/", Some(&cast.other_interviewer.token))
        .await;
    assert_eq!(
        theirs.as_array().unwrap().len(),
        0,
        "others' interviews stay private"
    );
    let (_, all) = app.get("/api/interviews/", Some(&cast.staff.token)).await;
    assert_eq!(
        all.as_array().unwrap().len(),
        1,
        "staff see every interview"
    );
}

#[tokio::test]
async fn completion_requires_the_interviewers_feedback() {
    let app = TestApp::start().await;
    let cast = Cast::new(&app).await;
    let i = app
        .interview(
            &cast.candidate,
            &cast.interviewer,
            viva_server::domain::InterviewStatus::Accepted,
        )
        .await;
    let complete = format!("/api/interviews/{}/complete/", i.id);
    let (s, body) = app
        .post(&complete, Some(&cast.interviewer.token), json!({}))
        .await;
    assert_error(s, &body, 409);
    assert!(
        body["message"][0].as_str().unwrap().contains("feedback"),
        "{body}"
    );

    let (s, body) = app
        .post(
            &format!("/api/interviews/{}/feedback/interviewer/", i.id),
            Some(&cast.interviewer.token),
            json!({"scorecard": {}, "recommendation": "maybe"}),
        )
        .await;
    assert_error(s, &body, 400);
    assert_eq!(
        body["message"].as_array().unwrap().len(),
        5,
        "every problem listed (four unrated competencies, the recommendation): {body}"
    );

    let (s, fb) = app
        .post(
            &format!("/api/interviews/{}/feedback/interviewer/", i.id),
            Some(&cast.interviewer.token),
            json!({"scorecard": {"Problem solving": 4, "Coding": 3, "System design": 3,
                                 "Communication": {"rating": 3, "notes": "clear"}},
                   "recommendation": "strong_yes", "notes": "Hire"}),
        )
        .await;
    assert_eq!(s, 200, "{fb}");
    assert_eq!(
        fb["scorecard"]["Problem solving"],
        json!({"rating": 4, "notes": ""})
    );
    assert_eq!(fb["version"], 1);
    let (s, body) = app
        .post(&complete, Some(&cast.interviewer.token), json!({}))
        .await;
    assert_eq!(
        (s.as_u16(), body["status"].as_str()),
        (200, Some("completed")),
        "{body}"
    );
}

#[tokio::test]
async fn candidates_cancel_and_staff_cancel_any() {
    let app = TestApp::start().await;
    let cast = Cast::new(&app).await;
    let pending = viva_server::domain::InterviewStatus::Pending;
    let a = app
        .interview(&cast.candidate, &cast.interviewer, pending)
        .await;
    let b = app
        .interview(&cast.candidate, &cast.interviewer, pending)
        .await;
    let (s, _) = app
        .post(
            &format!("/api/interviews/{}/cancel/", a.id),
            Some(&cast.candidate.token),
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
    let (s, body) = app
        .post(
            &format!("/api/interviews/{}/cancel/", b.id),
            Some(&cast.other_interviewer.token),
            json!({}),
        )
        .await;
    assert_error(s, &body, 403);
    let (s, _) = app
        .post(
            &format!("/api/interviews/{}/cancel/", b.id),
            Some(&cast.staff.token),
            json!({}),
        )
        .await;
    assert_eq!(s, 200);
}
