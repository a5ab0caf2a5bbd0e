//! Companies, jobs and applications: staff manage them over the API and the CLI.

use serde_json::{json, Value};

use crate::{assert_error, Actor, Cast, TestApp};

/// Creates a company, a job and an application for `phone` as `staff`; returns the
/// application.
pub async fn application(app: &TestApp, staff: &Actor, phone: Option<&str>) -> Value {
    let t = Some(staff.token.as_str());
    let (s, company) = app
        .post("/api/companies/", t, json!({"name": "MENA Bank"}))
        .await;
    assert_eq!(s, 201, "{company}");
    let (s, job) = app
        .post(
            "/api/jobs/",
            t,
            json!({"companyId": company["id"], "title": "Senior Backend Developer - Fintech",
                   "description": "Payments", "questions": ["Why payments?", "Idempotency?"]}),
        )
        .await;
    assert_eq!(s, 201, "{job}");
    let (s, application) = app
        .post(
            "/api/applications/",
            t,
            json!({"jobId": job["id"], "candidateName": "Ahmed Hassan",
                   "candidateEmail": "ahmed@example.com", "candidatePhone": phone}),
        )
        .await;
    assert_eq!(s, 201, "{application}");
    application
}

#[tokio::test]
async fn staff_manage_companies_jobs_and_applications() {
    let app = TestApp::start().await;
    let cast = Cast::new(&app).await;
    let staff = Some(cast.staff.token.as_str());

    let a = application(&app, &cast.staff, Some("050 987 6543")).await;
    assert_eq!(
        a["candidatePhone"], "+971509876543",
        "stored as E.164 in the default region (AE)"
    );
    assert_eq!(a["jobTitle"], "Senior Backend Developer - Fintech");
    let (s, one) = app
        .get(
            &format!("/api/applications/{}/", a["id"].as_str().unwrap()),
            staff,
        )
        .await;
    assert_eq!((s.as_u16(), &one), (200, &a));
    let (s, jobs) = app.get("/api/jobs/", staff).await;
    assert_eq!(s, 200);
    assert_eq!(
        jobs[0]["questions"],
        json!(["Why payments?", "Idempotency?"])
    );
    assert_eq!(jobs[0]["companyName"], "MENA Bank");
    let (s, companies) = app.get("/api/companies/", staff).await;
    assert_eq!((s.as_u16(), companies.as_array().unwrap().len()), (200, 1));
    let (s, c) = app
        .get(
            &format!("/api/companies/{}/", companies[0]["id"].as_str().unwrap()),
            staff,
        )
        .await;
    assert_eq!((s.as_u16(), c["name"].as_str()), (200, Some("MENA Bank")));
    let (s, j) = app
        .get(
            &format!("/api/jobs/{}/", jobs[0]["id"].as_str().unwrap()),
            staff,
        )
        .await;
    assert_eq!(
        (s.as_u16(), j["title"].as_str()),
        (200, Some("Senior Backend Developer - Fintech"))
    );
    let (s, apps) = app.get("/api/applications/", staff).await;
    assert_eq!((s.as_u16(), apps.as_array().unwrap().len()), (200, 1));

    // Only staff; everyone else is told so in the error shape.
    for (who, token) in [
        ("anonymous", None),
        ("candidate", Some(cast.candidate.token.as_str())),
        ("interviewer", Some(cast.interviewer.token.as_str())),
    ] {
        let (s, b) = app
            .post("/api/companies/", token, json!({"name": "X"}))
            .await;
        assert_error(s, &b, if token.is_none() { 401 } else { 403 });
        let (s, b) = app.get("/api/applications/", token).await;
        assert!(s == 401 || s == 403, "{who}: {b}");
    }

    // Validation collects every message; unknown parents are 404s.
    let (s, b) = app
        .post("/api/companies/", staff, json!({"name": "  "}))
        .await;
    assert_error(s, &b, 400);
    let (s, b) = app
        .post(
            "/api/jobs/",
            staff,
            json!({"companyId": "nope", "questions": [""]}),
        )
        .await;
    assert_error(s, &b, 400);
    assert_eq!(b["message"].as_array().unwrap().len(), 3, "{b}");
    let (s, b) = app
        .post(
            "/api/jobs/",
            staff,
            json!({"companyId": uuid::Uuid::new_v4(), "title": "T"}),
        )
        .await;
    assert_error(s, &b, 404);
    let (s, b) = app
        .post(
            "/api/applications/",
            staff,
            json!({"jobId": a["jobId"], "candidateName": "X", "candidatePhone": "call me maybe",
                   "candidateEmail": "no-at-sign"}),
        )
        .await;
    assert_error(s, &b, 400);
    assert_eq!(b["message"].as_array().unwrap().len(), 2, "{b}");
    let (s, b) = app
        .post("/api/applications/", staff, json!({"jobId": 42}))
        .await;
    assert_error(s, &b, 400);
    let (s, b) = app.get("/api/applications/not-a-uuid/", staff).await;
    assert_error(s, &b, 400);
    let (s, b) = app
        .get(&format!("/api/companies/{}/", uuid::Uuid::new_v4()), staff)
        .await;
    assert_error(s, &b, 404);
}

#[tokio::test]
async fn the_cli_manages_the_catalog() {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}?mode=rwc", dir.path().join("cli.db").display());
    let run = |args: &[&str]| {
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_viva-server"))
            .args(args)
            .env("VIVA_DATABASE_URL", &url)
            .env("VIVA_LOG", "warn")
            .output()
            .unwrap();
        assert!(
            out.status.success(),
            "viva-server {args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        String::from_utf8(out.stdout).unwrap().trim().to_owned()
    };
    // Users' phones follow the one phone rule: any common form, a non-number refused.
    let user = |phone: &str| {
        std::process::Command::new(env!("CARGO_BIN_EXE_viva-server"))
            .args([
                "user",
                "create",
                "--username",
                phone,
                "--password",
                "pw-pw-pw-pw",
            ])
            .args(["--role", "candidate", "--phone", phone])
            .env("VIVA_DATABASE_URL", &url)
            .env("VIVA_LOG", "warn")
            .output()
            .unwrap()
    };
    assert!(user("+971 50 111 2233").status.success());
    let refused = user("not a phone");
    assert!(!refused.status.success());
    assert!(
        String::from_utf8_lossy(&refused.stderr).contains("phone is not a phone number"),
        "{}",
        String::from_utf8_lossy(&refused.stderr)
    );
    let company = run(&["company", "create", "--name", "MENA Bank"]);
    let job = run(&[
        "job",
        "create",
        "--company",
        &company,
        "--title",
        "Backend",
        "--question",
        "Q1",
        "--question",
        "Q2",
    ]);
    let application = run(&[
        "application",
        "create",
        "--job",
        &job,
        "--name",
        "Ahmed Hassan",
        "--phone",
        "+971 50 987 6543",
    ]);
    let list: Value = serde_json::from_str(&run(&["application", "list", "--json"])).unwrap();
    assert_eq!(list[0]["id"], application);
    assert_eq!(list[0]["candidatePhone"], "+971509876543");
    let jobs: Value = serde_json::from_str(&run(&["job", "list", "--json"])).unwrap();
    assert_eq!(jobs[0]["questions"], json!(["Q1", "Q2"]));
    let companies: Value = serde_json::from_str(&run(&["company", "list", "--json"])).unwrap();
    assert_eq!(companies[0]["name"], "MENA Bank");
    let outbox: Value = serde_json::from_str(&run(&["outbox", "list", "--json"])).unwrap();
    assert_eq!(outbox, json!([]), "nothing sent yet");
}
