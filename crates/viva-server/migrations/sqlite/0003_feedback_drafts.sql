-- Feedback drafts: one versioned draft per (interview, kind). The version only moves
-- forward; a write names the version it was based on and loses (409) when it is stale.
CREATE TABLE feedback_drafts (
    interview_id TEXT NOT NULL REFERENCES interviews (id),
    kind TEXT NOT NULL CHECK (kind IN ('interviewer', 'candidate')),
    author_id TEXT NOT NULL REFERENCES users (id),
    content TEXT NOT NULL,
    version BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (interview_id, kind)
);

-- Idempotent writes: the first answer to (user, key) is kept and replayed to retries, so a
-- client that lost an answer can resend without writing twice. The fingerprint ties a key
-- to one request; reusing it for another request is refused.
CREATE TABLE idempotency_keys (
    user_id TEXT NOT NULL REFERENCES users (id),
    idem_key TEXT NOT NULL,
    fingerprint TEXT NOT NULL,
    response TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, idem_key)
);
CREATE INDEX idempotency_keys_created ON idempotency_keys (created_at);
