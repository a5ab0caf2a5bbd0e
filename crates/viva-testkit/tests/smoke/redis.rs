use std::net::SocketAddr;
use viva_testkit::Redis;

#[test]
fn redis_answers_ping() {
    let redis = Redis::start();
    let addr: SocketAddr = redis.address().parse().unwrap();
    assert_eq!(viva_testkit::redis::ping(addr).as_deref(), Some("+PONG"));
}

#[test]
fn dropping_the_guard_stops_redis() {
    let redis = Redis::start();
    let addr: SocketAddr = redis.address().parse().unwrap();
    drop(redis);
    assert!(
        viva_testkit::redis::ping(addr).is_none(),
        "redis still answers after drop"
    );
}
