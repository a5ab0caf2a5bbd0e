-- SQLite dialect. Candidate access: the hiring catalog (companies, jobs, applications), public room codes,
-- one-time-password rooms, the notification outbox, and the record of every room ending.
-- Same conventions as 0001: BIGINT Unix-ms timestamps, BIGINT 0/1 flags, UUID text ids.
CREATE TABLE companies (
    id TEXT PRIMARY KEY,
    name TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

CREATE TABLE jobs (
    id TEXT PRIMARY KEY,
    company_id TEXT NOT NULL REFERENCES companies (id),
    title TEXT NOT NULL,
    description TEXT NOT NULL,
    -- A JSON array of strings.
    questions TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE INDEX jobs_company ON jobs (company_id);

CREATE TABLE applications (
    id TEXT PRIMARY KEY,
    job_id TEXT NOT NULL REFERENCES jobs (id),
    candidate_name TEXT NOT NULL,
    candidate_email TEXT,
    -- E.164, parsed with the server's default region when created.
    candidate_phone TEXT,
    created_at BIGINT NOT NULL
);
CREATE INDEX applications_job ON applications (job_id);

-- A public room (`interview_{code}`): the code's session. Its status is its room's status.
CREATE TABLE public_sessions (
    id TEXT PRIMARY KEY,
    room_code TEXT NOT NULL UNIQUE,
    room_name TEXT NOT NULL UNIQUE REFERENCES rooms (name),
    application_id TEXT NOT NULL REFERENCES applications (id),
    created_by TEXT NOT NULL REFERENCES users (id),
    interview_type TEXT NOT NULL,
    instructions TEXT NOT NULL,
    -- The latest join's phone (E.164) and name.
    candidate_phone TEXT,
    candidate_name TEXT,
    ended_by TEXT,
    created_at BIGINT NOT NULL
);

-- Every accepted join. The credential (participantToken) is stored as a SHA-256 hash.
CREATE TABLE public_joins (
    id TEXT PRIMARY KEY,
    session_id TEXT NOT NULL REFERENCES public_sessions (id),
    phone TEXT NOT NULL,
    first_name TEXT NOT NULL,
    last_name TEXT NOT NULL,
    identity TEXT NOT NULL,
    credential_hash TEXT NOT NULL UNIQUE,
    joined_at BIGINT NOT NULL
);
CREATE INDEX public_joins_session ON public_joins (session_id);

-- One-time passwords of `interview-{applicationId}-{n}` rooms: argon2id hashes only.
CREATE TABLE room_passwords (
    id TEXT PRIMARY KEY,
    room_name TEXT NOT NULL REFERENCES rooms (name),
    application_id TEXT NOT NULL REFERENCES applications (id),
    -- The staff member who asked for the room; NULL when an agent (API key) did.
    created_by TEXT,
    password_hash TEXT NOT NULL,
    expires_at BIGINT NOT NULL,
    attempts BIGINT NOT NULL DEFAULT 0,
    used BIGINT NOT NULL DEFAULT 0,
    voided BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
CREATE INDEX room_passwords_application ON room_passwords (application_id);
CREATE INDEX room_passwords_room ON room_passwords (room_name);

-- Messages the default `outbox` notifier "sends": kept here for an operator to relay.
CREATE TABLE outbox (
    id TEXT PRIMARY KEY,
    channel TEXT NOT NULL,
    recipient TEXT NOT NULL,
    body TEXT NOT NULL,
    created_at BIGINT NOT NULL
);

-- One row per ending of a room, whoever ended it; background work claims rooms with a
-- conditional UPDATE first, so a second row for a room would be a bug the tests look for.
CREATE TABLE room_endings (
    id TEXT PRIMARY KEY,
    room_name TEXT NOT NULL,
    reason TEXT NOT NULL,
    node_id TEXT NOT NULL,
    ended_at BIGINT NOT NULL,
    livekit_deleted BIGINT NOT NULL DEFAULT 0
);
CREATE INDEX room_endings_room ON room_endings (room_name);
CREATE INDEX rooms_status ON rooms (status);
