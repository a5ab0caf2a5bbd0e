//! "Calendar" on an interview saves its `.ics` where downloads go, and says where.

use crate::{interview_row, sign_in, Stage, KEYRING, T};

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_interview_is_saved_as_a_calendar_file() {
    let _turn = KEYRING.lock().await;
    let stage = Stage::new().await;
    let app = stage.open_app().await;
    sign_in(&app, &stage.server.url(), "candidate", "viva-candidate").await;
    let interview = interview_row(&app, "Backend Engineer Interview").await;
    let button = format!("[data-interview-id=\"{interview}\"] [data-testid=calendar-button]");
    app.click(&app.wait(&button, T).await).await;
    let saved = app.wait("[data-testid=calendar-saved] code", T).await;
    let path = std::path::PathBuf::from(app.text(&saved).await);
    assert!(
        path.starts_with(stage.app_home.path()),
        "{} is in the app's home",
        path.display()
    );
    let ics = std::fs::read_to_string(&path).expect("the file is there");
    assert!(
        ics.starts_with("BEGIN:VCALENDAR\r\n")
            && ics.contains("SUMMARY:Backend Engineer Interview"),
        "{ics}"
    );
    app.close().await;
}
