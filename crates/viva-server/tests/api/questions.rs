//! Interview questions: the bank staff keep per interview type, and an interview's questions
//! (the job's, then the bank's) for its interviewer only.

use reqwest::Method;
use serde_json::json;
use viva_server::domain::InterviewStatus;
use viva_server::store::{NewApplication, NewInterview, NewJob};

use crate::{assert_error, Cast, TestApp};

#[tokio::test]
async fn staff_keep_a_bank_and_the_interviewer_gets_the_jobs_questions_then_the_banks() {
    let app = TestApp::start().await;
    let cast = Cast::new(&app).await;
    let staff = Some(cast.staff.token.as_str());

    for (body, fragment) in [
        (
            json!({"interview_type": "TECHNICAL"}),
            "text should not be empty",
        ),
        (
            json!({"interview_type": "CHAT", "text": "Hi"}),
            "interview_type must be one of",
        ),
        (
            json!({"interview_type": "TECHNICAL", "text": "x".repeat(501)}),
            "text must be at most 500",
        ),
    ] {
        let (s, b) = app.post("/api/question-bank/", staff, body).await;
        assert_error(s, &b, 400);
        assert!(
            b["message"].to_string().contains(fragment),
            "{fragment}: {b}"
        );
    }
    let mut ids = Vec::new();
    for (kind, text) in [
        ("TECHNICAL", "Design a rate limiter"),
        ("TECHNICAL", "How would you find a memory leak?"),
        ("BEHAVIORAL", "Tell me about a hard decision"),
    ] {
        let (s, q) = app
            .post(
                "/api/question-bank/",
                staff,
                json!({"interview_type": kind, "text": text}),
            )
            .await;
        assert_eq!(s, 201, "{q}");
        ids.push(q["id"].as_str().unwrap().to_owned());
    }
    let (s, technical) = app
        .get("/api/question-bank/?interview_type=TECHNICAL", staff)
        .await;
    assert_eq!(s, 200);
    assert_eq!(technical.as_array().unwrap().len(), 2, "{technical}");
    let (s, b) = app
        .get("/api/question-bank/", Some(&cast.interviewer.token))
        .await;
    assert_error(s, &b, 403);

    // An interview for an application: the job's questions first, then the bank's.
    let company = app.store.create_company("Acme").await.unwrap();
    let job = app
        .store
        .create_job(NewJob {
            company_id: company.id,
            title: "Backend".into(),
            description: "".into(),
            questions: vec!["Walk me through your last project".into()],
        })
        .await
        .unwrap()
        .unwrap();
    let application = app
        .store
        .create_application(NewApplication {
            job_id: job.id,
            candidate_name: "Sam".into(),
            candidate_email: None,
            candidate_phone: None,
        })
        .await
        .unwrap()
        .unwrap();
    let interview = app
        .store
        .create_interview(NewInterview {
            application_id: Some(application.id),
            ..crate::new_interview(
                &cast.candidate,
                &cast.interviewer,
                InterviewStatus::Accepted,
            )
        })
        .await
        .unwrap();
    let path = format!("/api/interviews/{}/questions/", interview.id);
    let (s, questions) = app.get(&path, Some(&cast.interviewer.token)).await;
    assert_eq!(s, 200, "{questions}");
    let texts: Vec<&str> = questions
        .as_array()
        .unwrap()
        .iter()
        .map(|q| q["text"].as_str().unwrap())
        .collect();
    assert_eq!(
        texts,
        [
            "Walk me through your last project",
            "Design a rate limiter",
            "How would you find a memory leak?"
        ]
    );
    assert_eq!(questions[0]["source"], "job");
    assert_eq!(questions[1]["source"], "bank");
    for (who, token, expected) in [
        ("anonymous", None, 401),
        ("the candidate", Some(cast.candidate.token.as_str()), 403),
        (
            "another interviewer",
            Some(cast.other_interviewer.token.as_str()),
            403,
        ),
        ("staff", staff, 200),
    ] {
        let (s, b) = app.get(&path, token).await;
        assert_eq!(s.as_u16(), expected, "{who}: {b}");
    }

    // Removing a question takes it out of the interview's list.
    let (s, _) = app
        .request(
            Method::DELETE,
            &format!("/api/question-bank/{}/", ids[0]),
            staff,
            None,
        )
        .await;
    assert_eq!(s, 204);
    let (s, b) = app
        .request(
            Method::DELETE,
            &format!("/api/question-bank/{}/", ids[0]),
            staff,
            None,
        )
        .await;
    assert_error(s, &b, 404);
    let (_, questions) = app.get(&path, Some(&cast.interviewer.token)).await;
    assert_eq!(questions.as_array().unwrap().len(), 2);
}
