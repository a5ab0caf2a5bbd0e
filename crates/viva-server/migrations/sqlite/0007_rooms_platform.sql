-- SQLite dialect. The rooms platform (seed "Rooms App"): room templates, the room fields the
-- seed's models name, the record of every join token, and participants tracked from
-- LiveKit's webhooks. Same conventions as 0001.

-- A template's settings are copied into a room when it is created: editing a template
-- never changes a room that already exists.
CREATE TABLE room_templates (
    name TEXT PRIMARY KEY,
    room_type TEXT NOT NULL CHECK (room_type IN ('individual', 'group', 'webinar', 'broadcast')),
    description TEXT NOT NULL,
    is_default BIGINT NOT NULL DEFAULT 0,
    max_participants BIGINT NOT NULL,
    empty_timeout BIGINT NOT NULL,
    max_duration BIGINT NOT NULL,
    video_codec TEXT NOT NULL,
    simulcast BIGINT NOT NULL,
    hosts_only_publish BIGINT NOT NULL,
    recording_enabled BIGINT NOT NULL,
    sip_enabled BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);
-- One default template per room type.
CREATE UNIQUE INDEX room_templates_default ON room_templates (room_type) WHERE is_default = 1;

ALTER TABLE rooms ADD COLUMN id TEXT;
ALTER TABLE rooms ADD COLUMN room_type TEXT NOT NULL DEFAULT 'individual';
ALTER TABLE rooms ADD COLUMN title TEXT;
ALTER TABLE rooms ADD COLUMN host_id TEXT REFERENCES users (id);
ALTER TABLE rooms ADD COLUMN video_codec TEXT NOT NULL DEFAULT 'vp8';
ALTER TABLE rooms ADD COLUMN simulcast BIGINT NOT NULL DEFAULT 1;
ALTER TABLE rooms ADD COLUMN hosts_only_publish BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rooms ADD COLUMN recording_enabled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rooms ADD COLUMN sip_enabled BIGINT NOT NULL DEFAULT 0;
ALTER TABLE rooms ADD COLUMN created_by TEXT;
ALTER TABLE rooms ADD COLUMN updated_at BIGINT;
-- Rooms made before templates existed are individual rooms; an interview's room is hosted
-- by its interviewer.
UPDATE rooms SET
    id = lower(hex(randomblob(4))) || '-' || lower(hex(randomblob(2))) || '-4' ||
         substr(lower(hex(randomblob(2))), 2) || '-' || 'a' ||
         substr(lower(hex(randomblob(2))), 2) || '-' || lower(hex(randomblob(6))),
    template = 'individual',
    updated_at = created_at;
UPDATE rooms SET host_id = (SELECT receiver_id FROM interviews WHERE interviews.id = rooms.interview_id)
    WHERE interview_id IS NOT NULL;
CREATE UNIQUE INDEX rooms_id ON rooms (id);
CREATE INDEX rooms_host ON rooms (host_id);
CREATE INDEX rooms_created ON rooms (created_at, id);

-- The record of each join token: when LiveKit first saw it used (its jti travels in the
-- participant's attributes) and when it was revoked.
ALTER TABLE issued_tokens ADD COLUMN first_used_at BIGINT;
ALTER TABLE issued_tokens ADD COLUMN revoked_at BIGINT;
ALTER TABLE issued_tokens ADD COLUMN issued_by TEXT;
CREATE INDEX issued_tokens_created ON issued_tokens (room_name, created_at, jti);

-- Participants as LiveKit's webhooks report them, one row per connection (participant sid).
-- Every event only fills in what it knows (earliest join, latest leave), so a replayed or
-- late event changes nothing it should not.
CREATE TABLE room_participants (
    room_name TEXT NOT NULL,
    sid TEXT NOT NULL,
    identity TEXT NOT NULL,
    name TEXT NOT NULL,
    kind TEXT NOT NULL,
    joined_at BIGINT,
    left_at BIGINT,
    PRIMARY KEY (room_name, sid)
);
CREATE INDEX room_participants_identity ON room_participants (room_name, identity);

CREATE TABLE room_participant_tracks (
    room_name TEXT NOT NULL,
    track_sid TEXT NOT NULL,
    participant_sid TEXT NOT NULL,
    kind TEXT NOT NULL CHECK (kind IN ('audio', 'video')),
    source TEXT NOT NULL,
    published_at BIGINT,
    unpublished_at BIGINT,
    PRIMARY KEY (room_name, track_sid)
);
CREATE INDEX room_participant_tracks_participant ON room_participant_tracks (room_name, participant_sid);
