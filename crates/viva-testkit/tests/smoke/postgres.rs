use sqlx::Connection;
use viva_testkit::Postgres;

#[tokio::test]
async fn postgres_answers_queries_in_a_fresh_database() {
    let pg = Postgres::start();
    let url = pg.fresh_database();
    let mut conn = sqlx::PgConnection::connect(&url)
        .await
        .expect("connect to the fresh database");
    let (n,): (i32,) = sqlx::query_as("SELECT 41 + 1")
        .fetch_one(&mut conn)
        .await
        .unwrap();
    assert_eq!(n, 42);
    let tables: (i64,) = sqlx::query_as(
        "SELECT count(*) FROM information_schema.tables WHERE table_schema = 'public'",
    )
    .fetch_one(&mut conn)
    .await
    .unwrap();
    assert_eq!(tables.0, 0, "a fresh database is empty");
    let second = pg.fresh_database();
    assert_ne!(url, second, "each call gives a new database");
}
