-- LiveKit webhooks already handled, by LiveKit's event id: a retried or duplicated delivery
-- is acknowledged without acting twice. Rows older than the retention period are purged.
CREATE TABLE livekit_webhook_events (
    id TEXT PRIMARY KEY,
    event TEXT NOT NULL,
    received_at BIGINT NOT NULL
);
CREATE INDEX livekit_webhook_events_received ON livekit_webhook_events (received_at);
