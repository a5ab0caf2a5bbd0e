-- SQLite dialect. Recording with consent: a recording per request, its files (one per
-- participant, spooled on the recording node, then stored), and who consented when.
CREATE TABLE recordings (
    id TEXT PRIMARY KEY,
    room_id TEXT NOT NULL,
    room_name TEXT NOT NULL,
    -- viva-recorder | egress
    recorder TEXT NOT NULL,
    -- consent | recording | uploading | complete | cancelled | failed | deleting (retention)
    status TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    requested_at BIGINT NOT NULL,
    started_at BIGINT,
    stopped_at BIGINT,
    -- The server node whose spool holds the files (viva-recorder), or LiveKit's egress ids.
    node_id TEXT,
    egress_ids TEXT,
    error TEXT
);
CREATE INDEX recordings_room ON recordings (room_id, requested_at);
-- One recording asks for consent or records per room at a time, whichever node is asked.
CREATE UNIQUE INDEX recordings_one_live ON recordings (room_id) WHERE status IN ('consent', 'recording');
CREATE TABLE recording_files (
    recording_id TEXT NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    file TEXT NOT NULL,
    identity TEXT NOT NULL,
    storage_key TEXT NOT NULL,
    size BIGINT NOT NULL,
    duration_ms BIGINT NOT NULL,
    -- spooled | stored
    status TEXT NOT NULL,
    PRIMARY KEY (recording_id, file)
);
CREATE TABLE recording_consents (
    recording_id TEXT NOT NULL REFERENCES recordings (id) ON DELETE CASCADE,
    identity TEXT NOT NULL,
    name TEXT NOT NULL,
    consent BIGINT NOT NULL,
    at BIGINT NOT NULL,
    PRIMARY KEY (recording_id, identity)
);
