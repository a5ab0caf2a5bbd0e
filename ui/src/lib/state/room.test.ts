import { describe, expect, it } from "vitest";
import type { RoomUpdate } from "../ipc/bindings";
import { applyUpdate, emptyRoom, type RoomModel } from "./room.svelte";

const joined = (identity = "me"): RoomUpdate => ({
  type: "joined",
  room: "r1",
  identity,
  is_interviewer: true,
  interview_id: "i1",
  topic: "Systems design",
  duration_minutes: 45,
  scheduled_time: "2026-12-02T10:00:00Z",
});

function inRoom(): RoomModel {
  const m = emptyRoom();
  applyUpdate(m, joined(), 1_000);
  return m;
}

describe("applyUpdate", () => {
  it("keeps the first join's time and the other side's tiles, not our own", () => {
    const m = inRoom();
    applyUpdate(m, { type: "participant_joined", identity: "me", name: "Me" });
    applyUpdate(m, { type: "participant_joined", identity: "cand", name: "Ada", phone: null });
    expect(m.participants.map((p) => p.name)).toEqual(["Ada"]);
    applyUpdate(m, joined(), 9_000);
    expect(m.joinedAt).toBe(1_000);
    // A rejoin starts from the core's fresh announcements.
    expect(m.participants).toEqual([]);
  });

  it("moves a participant's camera and screen to their slots and ends the old ones", () => {
    const m = inRoom();
    expect(applyUpdate(m, { type: "video_track", identity: "cand", track: "t1", kind: "camera" })).toEqual([
      { kind: "track_started", track: "t1" },
    ]);
    applyUpdate(m, { type: "video_track", identity: "cand", track: "s1", kind: "screen_share" });
    expect(m.participants[0]).toMatchObject({ identity: "cand", track: "t1", screen: "s1" });
    // A new camera track replaces the old one, which the frame path must stop.
    expect(applyUpdate(m, { type: "video_track", identity: "cand", track: "t2", kind: "camera" })).toEqual([
      { kind: "track_ended", track: "t1" },
      { kind: "track_started", track: "t2" },
    ]);
    // Leaving ends every track they had.
    expect(applyUpdate(m, { type: "participant_left", identity: "cand" })).toEqual([
      { kind: "track_ended", track: "t2" },
      { kind: "track_ended", track: "s1" },
    ]);
    expect(m.participants).toEqual([]);
  });

  it("shows the other side's mutes on their tile and ours on our button", () => {
    const m = inRoom();
    applyUpdate(m, { type: "track_muted", identity: "cand", kind: "audio" });
    applyUpdate(m, { type: "track_muted", identity: "cand", kind: "video" });
    expect(m.participants[0]).toMatchObject({ audioMuted: true, videoMuted: true });
    // The interviewer muted us: the button follows, once.
    expect(applyUpdate(m, { type: "track_muted", identity: "me", kind: "audio" })).toEqual([{ kind: "local_mic", on: false }]);
    expect(m.micOn).toBe(false);
    expect(applyUpdate(m, { type: "track_muted", identity: "me", kind: "audio" })).toEqual([]);
  });

  it("asks to mute again after a rejoin when we had muted ourselves", () => {
    const m = inRoom();
    applyUpdate(m, { type: "track_muted", identity: "me", kind: "audio" });
    expect(applyUpdate(m, joined(), 5_000)).toEqual([{ kind: "reapply_mute" }]);
    expect(m.micOn).toBe(false);
  });

  it("says why our camera stopped and clears it when the camera is back", () => {
    const m = inRoom();
    applyUpdate(m, { type: "local_video", kind: "camera", track: "local-cam" });
    expect(m.camOn).toBe(true);
    const effects = applyUpdate(m, { type: "local_video_ended", kind: "camera", track: "local-cam", reason: "the camera was unplugged" });
    expect(effects).toContainEqual({ kind: "warning", message: "Your camera stopped: the camera was unplugged" });
    expect(m).toMatchObject({ camOn: false, localCamera: null, cameraProblem: "the camera was unplugged" });
    applyUpdate(m, { type: "local_video", kind: "camera", track: "local-cam-2" });
    expect(m.cameraProblem).toBeNull();
  });

  it("turns the microphone button off when there is no microphone", () => {
    const m = inRoom();
    applyUpdate(m, { type: "device_warning", message: "No microphone was found" });
    expect(m).toMatchObject({ micOn: false, micMissing: true });
  });

  it("records the end and stops reconnecting", () => {
    const m = inRoom();
    applyUpdate(m, { type: "reconnecting" });
    expect(m.reconnecting).toBe(true);
    expect(applyUpdate(m, { type: "ended", reason: "removed", detail: "" })).toEqual([
      { kind: "ended", reason: "removed", detail: "" },
    ]);
    expect(m.reconnecting).toBe(false);
    expect(m.ended).toEqual({ reason: "removed", detail: "" });
  });
});
