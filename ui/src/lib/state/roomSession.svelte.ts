// One visit to a room: joining, the core's updates, the person's own controls (microphone,
// camera, leave) and the interviewer's (mute, remove, end), and how the visit ends. The
// Room screen draws it; every rule about the visit lives here, once (the end fallback, a
// refusal that cannot be retried, late updates of an earlier room).
import { commands, type EndReason, type RoomUpdate } from "../ipc/bindings";
import { call, friendlyError } from "../ipc/errors";
import { attachFrames, resetTracks, trackEnded, trackStarted } from "../ipc/frames";
import { NoticeList } from "./notices.svelte";
import { applyUpdate, emptyRoom, type Participant } from "./room.svelte";
import { ScreenShare } from "./screenshare.svelte";
import { app, targetKey, type RoomTarget } from "./session.svelte";

export type Phase = "joining" | "in" | "failed";

/** How long an end waits for the media server to close the room before leaving anyway. */
const END_FALLBACK_MS = 5000;

/** Refusals: trying the same join again cannot help. */
const FINAL_JOIN_ERRORS = ["forbidden", "conflict", "not_found", "invalid_input", "unauthorized"];

export class RoomSession {
  readonly model = $state(emptyRoom());
  readonly notices = new NoticeList();
  readonly screen: ScreenShare;
  phase = $state<Phase>("joining");
  joinError = $state<string | null>(null);
  /** Whether trying the same join again can help (not after a refusal). */
  joinRetryable = $state(true);
  camBusy = $state(false);
  micBusy = $state(false);
  /** The latest thing said to screen readers. */
  announcement = $state("");

  private disposed = false;
  private finished = false;
  private selfMicAt = 0;
  private endFallback: ReturnType<typeof setTimeout> | undefined;

  constructor(
    readonly target: RoomTarget,
    /** The topic as the end screen shows it, read when the visit ends. */
    private topic: () => string,
  ) {
    this.screen = new ScreenShare(this.notices, (text) => this.say(text));
  }

  get interview() {
    return this.target.kind === "interview" ? this.target.interview : null;
  }

  get isInterviewer(): boolean {
    return this.model.joined?.isInterviewer === true;
  }

  get inRoom(): boolean {
    return this.phase === "in";
  }

  say(text: string) {
    this.announcement = text;
  }

  private finish(reason: EndReason, detail: string) {
    if (this.finished) return;
    this.finished = true;
    clearTimeout(this.endFallback);
    app.ended(reason, detail, this.topic(), this.interview);
  }

  /** Applies one of the core's room updates. */
  onUpdate(u: RoomUpdate) {
    if (this.disposed) return;
    // Updates of an earlier room (late events of a room we already left) are not ours.
    if (u.type === "joined" ? u.interview_id !== targetKey(this.target) : !this.model.joined) return;
    for (const fx of applyUpdate(this.model, u)) {
      switch (fx.kind) {
        case "warning":
          this.notices.push("warning", fx.message);
          break;
        case "track_started":
          trackStarted(fx.track);
          break;
        case "track_ended":
          trackEnded(fx.track);
          break;
        case "tracks_reset":
          resetTracks();
          break;
        case "local_mic":
          if (!fx.on && Date.now() - this.selfMicAt > 3000) this.notices.push("info", "The interviewer muted your microphone.");
          break;
        case "reapply_mute":
          void call(commands.roomSetMicrophone(false));
          break;
        case "ended":
          this.finish(fx.reason, fx.detail);
          break;
      }
    }
    if (u.type === "joined") this.phase = "in";
  }

  async join() {
    this.phase = "joining";
    this.joinError = null;
    try {
      await attachFrames();
    } catch (e) {
      this.notices.push("error", `Video cannot be shown: ${String(e)}`);
    }
    const t = this.target;
    const r = await call(
      t.kind === "interview"
        ? commands.roomJoin(t.interview.uuid_id)
        : t.kind === "code"
          ? commands.candidateJoinCode(t.serverUrl, t.code, t.phone, t.firstName, t.lastName)
          : commands.candidateJoinPassword(t.serverUrl, t.applicationId, t.password),
    );
    if (this.disposed) return;
    if (r.ok) {
      this.phase = "in";
    } else if (!app.handled(r.error)) {
      this.phase = "failed";
      this.joinError = friendlyError(r.error, "join");
      // A refusal stays a refusal; a one-time password is spent once the server saw it.
      this.joinRetryable = !FINAL_JOIN_ERRORS.includes(r.error.code) && t.kind !== "password";
    }
  }

  /** The screen went away: stop listening, and do not stay connected unless we left. */
  dispose() {
    this.disposed = true;
    clearTimeout(this.endFallback);
    resetTracks();
    // Navigated away without leaving (e.g. session ended): do not stay connected.
    if (!this.finished && this.phase === "in") void call(commands.roomLeave());
  }

  async toggleMic() {
    if (this.phase !== "in" || this.micBusy) return;
    const next = !this.model.micOn;
    this.micBusy = true;
    this.selfMicAt = Date.now();
    const r = await call(commands.roomSetMicrophone(next));
    this.micBusy = false;
    if (r.ok) {
      this.model.micOn = next;
      this.say(next ? "Microphone on" : "Microphone muted");
    } else if (!app.handled(r.error)) {
      this.notices.push(r.error.code === "unsupported" ? "warning" : "error", friendlyError(r.error));
    }
  }

  async toggleCamera() {
    if (this.phase !== "in" || this.camBusy) return;
    const next = !this.model.camOn;
    this.camBusy = true;
    const r = await call(commands.roomSetCamera(next));
    this.camBusy = false;
    // The core's local_video updates set model.camOn; this only speaks and reports.
    if (r.ok) this.say(next ? "Camera on" : "Camera off");
    else if (!app.handled(r.error)) this.notices.push("warning", friendlyError(r.error));
  }

  toggleScreen() {
    if (this.phase === "in") void this.screen.toggle(!!this.model.localScreen);
  }

  async leave() {
    if (this.finished) return;
    await call(commands.roomLeave());
    // The core also reports `ended: left`; whichever comes first wins.
    this.finish("left", "You left the interview");
  }

  /** After a failed join: back to where the person came from. */
  back() {
    this.finished = true;
    void call(commands.roomLeave());
    if (this.target.kind !== "interview") app.retryAsGuest(this.target);
    else app.home();
  }

  private controlFailed(error: Parameters<typeof friendlyError>[0]) {
    if (!app.handled(error)) this.notices.push("error", friendlyError(error));
  }

  async setMuted(p: Participant, mute: boolean) {
    const r = await call(commands.roomMuteParticipant(p.identity, "audio", mute));
    if (!r.ok) return this.controlFailed(r.error);
    const current = this.model.participants.find((x) => x.identity === p.identity);
    if (current) current.audioMuted = mute;
    this.say(mute ? `${p.name} muted` : `${p.name} unmuted`);
  }

  async remove(p: Participant) {
    const r = await call(commands.roomEject(p.identity));
    if (!r.ok) return this.controlFailed(r.error);
    this.say(`${p.name} removed`);
  }

  /**
   * Ends the room for everyone (the interviewer, or a public-room candidate finishing their
   * session). The core reports `ended` when the media server closes the room; if that is
   * slow, the visit ends on its own with `detail`.
   */
  async end(detail: string) {
    const r = await call(commands.roomEnd());
    if (!r.ok) return this.controlFailed(r.error);
    this.endFallback = setTimeout(() => {
      void call(commands.roomLeave()).then(() => this.finish("ended_by_interviewer", detail));
    }, END_FALLBACK_MS);
  }
}
