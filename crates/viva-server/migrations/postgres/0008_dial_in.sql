-- PostgreSQL dialect. Phone dial-in: one LiveKit SIP dispatch rule per room with dial-in on.
-- The PIN itself is kept only by LiveKit; a keyed digest of it makes it unique among live
-- rooms (a second room drawing the same PIN fails the insert and draws again).
CREATE TABLE room_dial_ins (
    room_name TEXT PRIMARY KEY,
    pin_digest TEXT NOT NULL UNIQUE,
    rule_id TEXT,
    created_at BIGINT NOT NULL
);
