-- One row per signed-in session (a family of refresh tokens). Revocation is this row's flag,
-- and every check reads it: a token rotated concurrently with a sign-out or a reuse
-- detection belongs to a revoked family and is dead, whenever it was inserted.
CREATE TABLE session_families (
    id TEXT PRIMARY KEY,
    user_id TEXT NOT NULL REFERENCES users (id),
    revoked BIGINT NOT NULL DEFAULT 0,
    created_at BIGINT NOT NULL
);
INSERT INTO session_families (id, user_id, revoked, created_at)
    SELECT family_id, MIN(user_id), MAX(revoked), MIN(created_at)
    FROM refresh_tokens GROUP BY family_id;

-- When a token was used (the reuse interval counts from it) and which token it replaced
-- (to find the unused successor of a token presented again).
ALTER TABLE refresh_tokens ADD COLUMN used_at BIGINT;
ALTER TABLE refresh_tokens ADD COLUMN parent_hash TEXT;
CREATE INDEX refresh_tokens_parent ON refresh_tokens (parent_hash);
