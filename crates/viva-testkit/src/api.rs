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
        let res = self
            .http
            .put(format!("{}{path}", self.base))
            .bearer_auth(&self.token)
            .json(&body)
            .send()
            .await
            .unwrap();
        (res.status().as_u16(), res.json().await.unwrap())
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
