// What the room screen knows, built only from the core's RoomUpdates. `applyUpdate` mutates
// a plain object (a $state proxy in the UI) and returns the side effects the screen acts on.
import type { EndReason, Quality, RoomRecording, RoomUpdate } from "../ipc/bindings";

export interface Participant {
  identity: string;
  name: string;
  audioMuted: boolean;
  videoMuted: boolean;
  /** The camera track whose frames this tile draws. */
  track: string | null;
  /** The screen this participant shares (drawn on the main stage). */
  screen: string | null;
  /** excellent | good | poor | lost, as the media engine reports it. */
  quality: Quality | null;
  /** A caller who dialed in: their masked number. */
  phone: string | null;
}

export interface JoinedInfo {
  room: string;
  identity: string;
  isInterviewer: boolean;
  interviewId: string;
  topic: string;
  durationMinutes: number;
  scheduledTime: string;
}

export interface RoomModel {
  joined: JoinedInfo | null;
  /** When we first joined (ms); a rejoin after a lost connection keeps it. */
  joinedAt: number | null;
  participants: Participant[];
  speakers: string[];
  reconnecting: boolean;
  micOn: boolean;
  /** No microphone was found when joining. */
  micMissing: boolean;
  /** Our camera is being sent; `localCamera` is the track id of its preview frames. */
  camOn: boolean;
  localCamera: string | null;
  /** Why our camera stopped on its own (unplugged, taken by another app). */
  cameraProblem: string | null;
  /** The preview track of the screen we share. */
  localScreen: string | null;
  localQuality: Quality | null;
  /** The room's recording, as its metadata says (null: none). */
  recording: RoomRecording | null;
  ended: { reason: EndReason; detail: string } | null;
}

export type RoomEffect =
  | { kind: "warning"; message: string }
  | { kind: "track_started"; track: string }
  | { kind: "track_ended"; track: string }
  | { kind: "tracks_reset" }
  | { kind: "local_mic"; on: boolean }
  | { kind: "reapply_mute" }
  | { kind: "ended"; reason: EndReason; detail: string };

export function emptyRoom(): RoomModel {
  return {
    joined: null,
    joinedAt: null,
    participants: [],
    speakers: [],
    reconnecting: false,
    micOn: true,
    micMissing: false,
    camOn: false,
    localCamera: null,
    cameraProblem: null,
    localScreen: null,
    localQuality: null,
    recording: null,
    ended: null,
  };
}

function find(m: RoomModel, identity: string): Participant | undefined {
  return m.participants.find((p) => p.identity === identity);
}

function ensure(m: RoomModel, identity: string, name?: string, phone?: string | null): Participant {
  let p = find(m, identity);
  if (!p) {
    m.participants.push({
      identity,
      name: name || identity,
      audioMuted: false,
      videoMuted: false,
      track: null,
      screen: null,
      quality: null,
      phone: phone ?? null,
    });
    // Read back through the array so callers mutate the (possibly proxied) element.
    p = m.participants[m.participants.length - 1];
  } else if (name) {
    p.name = name;
  }
  return p;
}

const isSelf = (m: RoomModel, identity: string) => m.joined?.identity === identity;

export function applyUpdate(m: RoomModel, u: RoomUpdate, now = Date.now()): RoomEffect[] {
  const effects: RoomEffect[] = [];
  switch (u.type) {
    case "joined": {
      // A (re)join: the core re-announces everyone and their tracks after this.
      if (m.participants.some((p) => p.track || p.screen) || m.localCamera || m.localScreen) {
        effects.push({ kind: "tracks_reset" });
      }
      // The core announces our own videos again after this, as it publishes them.
      m.camOn = false;
      m.localCamera = null;
      m.localScreen = null;
      m.joined = {
        room: u.room,
        identity: u.identity,
        isInterviewer: u.is_interviewer,
        interviewId: u.interview_id,
        topic: u.topic,
        durationMinutes: u.duration_minutes,
        scheduledTime: u.scheduled_time,
      };
      // The core republishes the microphone unmuted on every join; a mute chosen before a
      // lost connection must survive the rejoin.
      if (m.joinedAt !== null && !m.micOn && !m.micMissing) effects.push({ kind: "reapply_mute" });
      else m.micOn = true;
      m.micMissing = false;
      m.joinedAt ??= now;
      m.participants = [];
      m.speakers = [];
      m.reconnecting = false;
      break;
    }
    case "participant_joined":
      if (!isSelf(m, u.identity)) ensure(m, u.identity, u.name, u.phone);
      break;
    case "participant_left": {
      const p = find(m, u.identity);
      for (const t of [p?.track, p?.screen]) if (t) effects.push({ kind: "track_ended", track: t });
      m.participants = m.participants.filter((x) => x.identity !== u.identity);
      m.speakers = m.speakers.filter((s) => s !== u.identity);
      break;
    }
    case "video_track": {
      if (isSelf(m, u.identity)) break;
      const p = ensure(m, u.identity);
      const slot = u.kind === "screen_share" ? "screen" : "track";
      const old = p[slot];
      if (old && old !== u.track) effects.push({ kind: "track_ended", track: old });
      p[slot] = u.track;
      effects.push({ kind: "track_started", track: u.track });
      break;
    }
    case "video_track_ended": {
      const p = find(m, u.identity);
      if (p && p.track === u.track) p.track = null;
      if (p && p.screen === u.track) p.screen = null;
      effects.push({ kind: "track_ended", track: u.track });
      break;
    }
    case "local_video":
      if (u.kind === "camera") {
        m.camOn = true;
        m.localCamera = u.track;
        m.cameraProblem = null;
      } else {
        m.localScreen = u.track;
      }
      effects.push({ kind: "track_started", track: u.track });
      break;
    case "local_video_ended":
      if (u.kind === "camera") {
        m.camOn = false;
        m.localCamera = null;
        m.cameraProblem = u.reason ?? null;
      } else {
        m.localScreen = null;
      }
      effects.push({ kind: "track_ended", track: u.track });
      if (u.reason) {
        const what = u.kind === "camera" ? "Your camera stopped" : "Screen sharing stopped";
        effects.push({ kind: "warning", message: `${what}: ${u.reason}` });
      }
      break;
    case "track_muted":
    case "track_unmuted": {
      const muted = u.type === "track_muted";
      if (isSelf(m, u.identity)) {
        if (u.kind === "audio" && m.micOn === muted) {
          m.micOn = !muted;
          effects.push({ kind: "local_mic", on: !muted });
        }
        break;
      }
      const p = ensure(m, u.identity);
      if (u.kind === "audio") p.audioMuted = muted;
      else if (u.kind === "video") p.videoMuted = muted;
      break;
    }
    case "active_speakers":
      m.speakers = u.identities;
      break;
    case "connection_quality":
      if (isSelf(m, u.identity)) m.localQuality = u.quality;
      else {
        const p = find(m, u.identity);
        if (p) p.quality = u.quality;
      }
      break;
    case "reconnecting":
      m.reconnecting = true;
      break;
    case "reconnected":
      m.reconnecting = false;
      break;
    case "recording":
      m.recording = u.recording ?? null;
      break;
    case "device_warning":
      if (/microphone/i.test(u.message)) {
        m.micOn = false;
        m.micMissing = true;
      }
      effects.push({ kind: "warning", message: u.message });
      break;
    case "ended":
      m.reconnecting = false;
      m.ended = { reason: u.reason, detail: u.detail };
      effects.push({ kind: "ended", reason: u.reason, detail: u.detail });
      break;
  }
  return effects;
}
