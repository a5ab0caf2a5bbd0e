//! Schema-driven fuzzing: schemathesis (pinned in scripts/python-tools.txt) generates
//! requests from the served OpenAPI document for a signed-in user of every role and checks
//! that no answer is a 5xx and that every answer matches the schema documented for it.
//! Bounded: five examples per operation and phase, a fixed seed, four minutes per role.

use std::time::Duration;

use viva_server::domain::Role;

use crate::TestApp;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn generated_requests_of_every_role_get_no_5xx_and_documented_answers() {
    // A real livekit-server: the routes that ask LiveKit answer as they do in production.
    let app = TestApp::with_livekit().await;
    let st = viva_testkit::cache::cache_dir().join("pytools/bin/st");
    assert!(
        st.is_file(),
        "{} is missing: run scripts/bootstrap",
        st.display()
    );
    let roles = [
        ("staff", Role::Interviewer, true, false),
        ("interviewer", Role::Interviewer, false, false),
        ("candidate", Role::Candidate, false, false),
        ("superuser", Role::Interviewer, true, true),
    ];
    // schemathesis keeps a cache in its working directory: not in the repository.
    let workdir = tempfile::tempdir().unwrap();
    let mut total = 0u64;
    for (who, role, staff, superuser) in roles {
        let actor = app
            .actor(&format!("fuzz-{who}"), role, staff, superuser)
            .await;
        let run = tokio::process::Command::new(&st)
            .current_dir(workdir.path())
            .args(["run", &format!("{}/api/openapi.json", app.base)])
            .args(["--checks", "not_a_server_error,response_schema_conformance"])
            .args(["-H", &format!("Authorization: Bearer {}", actor.token)])
            // Signing out would end the session the rest of the run uses.
            .args(["--exclude-path-regex", "auth/logout"])
            .args(["--max-examples", "5", "--seed", "42", "--no-color"])
            .kill_on_drop(true)
            .output();
        let out = tokio::time::timeout(Duration::from_secs(240), run)
            .await
            .unwrap_or_else(|_| panic!("{who}: schemathesis ran past four minutes"))
            .expect("run schemathesis");
        let said = String::from_utf8_lossy(&out.stdout).to_string()
            + &String::from_utf8_lossy(&out.stderr);
        assert!(out.status.success(), "{who}:\n{said}");
        let generated: u64 = said
            .split_whitespace()
            .collect::<Vec<_>>()
            .windows(2)
            .find_map(|w| match w[1].trim_end_matches(',') {
                "generated" => w[0].parse().ok(),
                _ => None,
            })
            .unwrap_or_else(|| panic!("{who}: no count of generated cases in:\n{said}"));
        println!("schemathesis as {who}: {generated} requests, no 5xx, all as documented");
        total += generated;
    }
    assert!(total >= 1000, "only {total} requests were generated");
}
