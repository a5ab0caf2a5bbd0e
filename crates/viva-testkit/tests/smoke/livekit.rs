use livekit_api::services::room::{CreateRoomOptions, RoomClient};
use viva_testkit::{LiveKitOptions, LiveKitServer, Redis};

async fn create_and_list(server: &LiveKitServer, name: &str) {
    let rooms = RoomClient::with_api_key(&server.http_url(), &server.api_key, &server.api_secret);
    let created = rooms
        .create_room(
            name,
            CreateRoomOptions {
                empty_timeout: 60,
                ..Default::default()
            },
        )
        .await
        .expect("RoomService.CreateRoom on the real server");
    assert_eq!(created.name, name);
    let listed = rooms
        .list_rooms(vec![])
        .await
        .expect("RoomService.ListRooms");
    assert!(
        listed.iter().any(|r| r.name == name),
        "the room we created is listed: {:?}",
        listed.iter().map(|r| &r.name).collect::<Vec<_>>()
    );
}

#[tokio::test]
async fn livekit_server_creates_and_lists_a_room() {
    let server = LiveKitServer::start();
    create_and_list(&server, "smoke-room").await;
}

#[tokio::test]
async fn livekit_server_with_redis_creates_and_lists_a_room() {
    let redis = Redis::start();
    let server = LiveKitServer::start_with(LiveKitOptions {
        redis: Some(redis.address()),
        ..LiveKitOptions::default()
    });
    create_and_list(&server, "smoke-room-redis").await;
}

#[tokio::test]
async fn wrong_secret_is_refused() {
    let server = LiveKitServer::start();
    let rooms = RoomClient::with_api_key(
        &server.http_url(),
        &server.api_key,
        "not-the-secret-at-all-not-the-secret",
    );
    assert!(
        rooms.list_rooms(vec![]).await.is_err(),
        "a token signed with the wrong secret must not list rooms"
    );
}
