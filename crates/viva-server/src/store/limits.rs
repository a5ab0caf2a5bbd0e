//! Fixed-window rate limits kept in the database, so they hold across server nodes.

use sqlx::Row;

use super::{Result, Store};

impl Store {
    /// Counts one hit in `bucket`'s current window and returns the count including it and
    /// the window's start. The upsert is a single statement, so concurrent hits from
    /// several nodes are all counted.
    pub async fn rate_limit_hit(
        &self,
        bucket: &str,
        window_ms: i64,
        now_ms: i64,
    ) -> Result<(i64, i64)> {
        let window_start = now_ms - now_ms.rem_euclid(window_ms);
        let row = sqlx::query(
            "INSERT INTO rate_limits (bucket, window_start, count) VALUES ($1, $2, 1) \
             ON CONFLICT (bucket) DO UPDATE SET \
             count = CASE WHEN rate_limits.window_start < $2 THEN 1 ELSE rate_limits.count + 1 END, \
             window_start = CASE WHEN rate_limits.window_start < $2 THEN $2 ELSE rate_limits.window_start END \
             RETURNING count, window_start",
        )
        .bind(bucket)
        .bind(window_start)
        .fetch_one(self.writer())
        .await?;
        Ok((row.try_get("count")?, row.try_get("window_start")?))
    }

    /// The current window's count without counting a hit.
    pub async fn rate_limit_count(&self, bucket: &str, window_ms: i64, now_ms: i64) -> Result<i64> {
        let window_start = now_ms - now_ms.rem_euclid(window_ms);
        let row =
            sqlx::query("SELECT count FROM rate_limits WHERE bucket = $1 AND window_start >= $2")
                .bind(bucket)
                .bind(window_start)
                .fetch_optional(&self.pool)
                .await?;
        Ok(match row {
            Some(r) => r.try_get("count")?,
            None => 0,
        })
    }

    /// Forgets a bucket (a successful login clears its failures).
    pub async fn rate_limit_clear(&self, bucket: &str) -> Result<()> {
        sqlx::query("DELETE FROM rate_limits WHERE bucket = $1")
            .bind(bucket)
            .execute(self.writer())
            .await?;
        Ok(())
    }

    /// Takes back one hit of the current window (an attempt that turned out legitimate).
    pub async fn rate_limit_refund(&self, bucket: &str, window_ms: i64, now_ms: i64) -> Result<()> {
        let window_start = now_ms - now_ms.rem_euclid(window_ms);
        sqlx::query(
            "UPDATE rate_limits SET count = count - 1 \
             WHERE bucket = $1 AND window_start >= $2 AND count > 0",
        )
        .bind(bucket)
        .bind(window_start)
        .execute(self.writer())
        .await?;
        Ok(())
    }
}
