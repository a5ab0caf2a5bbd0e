-- Viva schema, PostgreSQL dialect. Timestamps are Unix milliseconds (BIGINT) in both dialects so
-- the same queries run on SQLite and PostgreSQL; ids are UUID text; flags are BIGINT 0/1
-- (sqlx's Any driver cannot decode SQLite's BOOLEAN affinity).
CREATE TABLE users (
    id TEXT PRIMARY KEY,
    username TEXT NOT NULL UNIQUE,
    display_name TEXT NOT NULL,
    email TEXT,
    phone TEXT,
    password_hash TEXT NOT NULL,
    role TEXT NOT NULL CHECK (role IN ('interviewer', 'candidate')),
    is_staff BIGINT NOT NULL DEFAULT 0,
    is_superuser BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);

CREATE TABLE refresh_tokens (
    token_hash TEXT PRIMARY KEY,
    family_id TEXT NOT NULL,
    user_id TEXT NOT NULL REFERENCES users (id),
    expires_at BIGINT NOT NULL,
    used BIGINT NOT NULL DEFAULT 0,
    revoked BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX refresh_tokens_family ON refresh_tokens (family_id);

CREATE TABLE interviews (
    id TEXT PRIMARY KEY,
    sender_id TEXT NOT NULL REFERENCES users (id),
    receiver_id TEXT NOT NULL REFERENCES users (id),
    topic TEXT NOT NULL,
    status TEXT NOT NULL,
    scheduled_time BIGINT NOT NULL,
    duration_minutes BIGINT NOT NULL,
    interview_type TEXT NOT NULL,
    application_id TEXT,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
CREATE INDEX interviews_sender ON interviews (sender_id);
CREATE INDEX interviews_receiver ON interviews (receiver_id);

CREATE TABLE rooms (
    name TEXT PRIMARY KEY,
    interview_id TEXT UNIQUE REFERENCES interviews (id),
    room_code TEXT UNIQUE,
    template TEXT NOT NULL,
    status TEXT NOT NULL,
    max_participants BIGINT NOT NULL,
    empty_timeout BIGINT NOT NULL,
    max_duration BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    started_at BIGINT,
    ended_at BIGINT
);

CREATE TABLE room_bans (
    room_name TEXT NOT NULL,
    identity TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (room_name, identity)
);

CREATE TABLE issued_tokens (
    jti TEXT PRIMARY KEY,
    room_name TEXT NOT NULL,
    identity TEXT NOT NULL,
    role TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    revoked BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX issued_tokens_room ON issued_tokens (room_name, identity);

CREATE TABLE feedback (
    id TEXT PRIMARY KEY,
    interview_id TEXT NOT NULL REFERENCES interviews (id),
    author_id TEXT NOT NULL REFERENCES users (id),
    kind TEXT NOT NULL CHECK (kind IN ('interviewer', 'candidate')),
    scorecard TEXT NOT NULL,
    recommendation TEXT,
    notes TEXT NOT NULL,
    version BIGINT NOT NULL,
    submitted_at BIGINT NOT NULL,
    UNIQUE (interview_id, kind)
);

-- Fixed-window counters shared by every server node (login throttling, public endpoints).
CREATE TABLE rate_limits (
    bucket TEXT PRIMARY KEY,
    window_start BIGINT NOT NULL,
    count BIGINT NOT NULL
);
