// A newer Viva: found by a check at start-up and every six hours, downloaded (and its
// signature verified by the shell) when the person asks, installed with a restart when
// they choose. Never in the middle of an interview: the banner waits outside rooms.
import { commands, events, type UpdateInfo_Serialize as UpdateInfo } from "../ipc/bindings";
import { call, friendlyError } from "../ipc/errors";

export type UpdatePhase = "none" | "available" | "downloading" | "ready" | "installing" | "failed";

export const CHECK_EVERY_MS = 6 * 60 * 60 * 1000;

export class AppUpdate {
  info = $state<UpdateInfo | null>(null);
  phase = $state<UpdatePhase>("none");
  received = $state(0);
  total = $state<number | null>(null);
  error = $state<string | null>(null);
  /** "Later": hidden until the next check finds something newer still. */
  dismissed = $state(false);

  /** Whole percent downloaded, or null while the size is unknown. */
  get percent(): number | null {
    return this.total ? Math.min(100, Math.floor((this.received / this.total) * 100)) : null;
  }

  async check(): Promise<void> {
    // A download or a ready package is not thrown away by a routine check.
    if (this.phase === "downloading" || this.phase === "ready" || this.phase === "installing") return;
    const r = await call(commands.updateCheck());
    // A failed routine check says nothing: the next one will try again.
    if (!r.ok || !r.data) return;
    if (this.info?.version !== r.data.version) this.dismissed = false;
    this.info = r.data;
    this.phase = "available";
  }

  async download(): Promise<void> {
    this.phase = "downloading";
    this.received = 0;
    this.total = null;
    this.error = null;
    const off = await events.updateProgressEvent
      .listen((e) => {
        this.received = e.payload.received ?? 0;
        this.total = e.payload.total ?? null;
      })
      .catch(() => null);
    const r = await call(commands.updateDownload());
    off?.();
    if (r.ok) {
      this.phase = "ready";
    } else {
      this.phase = "failed";
      this.error = friendlyError(r.error);
    }
  }

  async install(): Promise<void> {
    this.phase = "installing";
    const r = await call(commands.updateInstall());
    // On success the app restarts and this never returns.
    if (!r.ok) {
      this.phase = "failed";
      this.error = friendlyError(r.error);
    }
  }

  /** Checks now and every six hours; returns the stop function. */
  start(): () => void {
    void this.check();
    const timer = setInterval(() => void this.check(), CHECK_EVERY_MS);
    return () => clearInterval(timer);
  }
}

export const appUpdate = new AppUpdate();
