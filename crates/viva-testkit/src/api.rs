//! A minimal client of the backend as a signed-in test user (staff creating rooms, an
//! interviewer checking room state), shared by the stack and app tests.

use serde_json::Value;

pub struct Api {
    pub base: String,
    pub token: String,
    http: reqwest::Client,
}

impl Api {
    pub async fn login(base: &str, username: &str, password: &str) -> Api {
        let http = reqwest::Client::new();
        let res = http
            .post(format!("{base}/api/auth/login"))
            .json(&serde_json::json!({"username": username, "password": password}))
            .send()
            .await
            .unwrap();
        assert_eq!(res.status(), 200, "login {username}");
        let body: Value = res.json().await.unwrap();
        Api {
            base: base.to_owned(),
            token: body["access_token"].as_str().unwrap().to_owned(),
            http,
        }
    }

    pub async fn get(&self, path: &str) -> (u16, Value) {
        let res = self
            .http
            .get(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }

    pub async fn post(&self, path: &str, body: Value) -> (u16, Value) {
        let res = self
            .http
            .post(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }

    pub async fn put(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PUT, path, body).await
    }

    pub async fn patch(&self, path: &str, body: Value) -> (u16, Value) {
        self.send(reqwest::Method::PATCH, path, body).await
    }

    async fn send(&self, method: reqwest::Method, path: &str, body: Value) -> (u16, Value) {
        let res = self
            .http
            .request(method, format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
    }

    /// The id of the (demo) application whose candidate has this phone (staff only).
    pub async fn application_with_phone(&self, phone: &str) -> String {
        let (s, apps) = self.get("/api/applications/").await;
        assert_eq!(s, 200, "{apps}");
        apps.as_array()
            .unwrap()
            .iter()
            .find(|a| a["candidatePhone"] == phone)
            .unwrap_or_else(|| panic!("an application for {phone} in {apps}"))["id"]
            .as_str()
            .unwrap()
            .to_owned()
    }

    /// A staff member's `viva-bot` in `room` (token from the LiveKit token API), publishing
    /// a tone and blue 320x180 video.
    pub async fn staff_bot(&self, room: &str) -> crate::Bot {
        let (s, t) = self
            .post("/api/livekit/token", serde_json::json!({"roomId": room}))
            .await;
        assert_eq!(s, 200, "{t}");
        let (_, info) = self.get("/api/livekit/connection-info").await;
        let args: Vec<String> = [
            "--url",
            info["serverUrl"].as_str().unwrap(),
            "--token",
            t["token"].as_str().unwrap(),
            "--publish",
            "audio,video",
            "--video-size",
            "320x180",
            "--video-color",
            "0,0,255",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        crate::Bot::spawn("interviewer", &args, &[])
    }

    /// The id of the demo interview with this topic.
    pub async fn interview_id(&self, topic: &str) -> String {
        let (_, list) = self.get("/api/interviews/").await;
        list.as_array()
            .unwrap()
            .iter()
            .find(|i| i["topic"] == topic)
            .unwrap_or_else(|| panic!("demo interview '{topic}' in {list}"))["uuid_id"]
            .as_str()
            .unwrap()
            .to_owned()
    }
}
