use crate::spawn_app;

#[tokio::test]
async fn healthz_answers_ok() {
    let base = spawn_app().await;
    let res = reqwest::get(format!("{base}/healthz")).await.unwrap();
    assert_eq!(res.status(), 200);
    let body: serde_json::Value = res.json().await.unwrap();
    assert_eq!(body["status"], "ok");
}

#[tokio::test]
async fn unknown_paths_get_404_in_the_error_shape() {
    let base = spawn_app().await;
    let res = reqwest::get(format!("{base}/api/nope")).await.unwrap();
    assert_eq!(res.status(), 404);
    let body: viva_api::ErrorBody = res.json().await.expect("documented error shape");
    assert_eq!(body.status_code, 404);
    assert_eq!(body.error, "Not Found");
}
