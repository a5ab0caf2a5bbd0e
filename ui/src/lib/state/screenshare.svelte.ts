// Sharing our screen from the room: list the screens, let the person pick one in the
// picker, start or stop the share. The core's local_video updates say whether we share.
import { commands, type VideoDevice } from "../ipc/bindings";
import { call, friendlyError } from "../ipc/errors";
import type { NoticeList } from "./notices.svelte";
import { app } from "./session.svelte";

export class ScreenShare {
  busy = $state(false);
  /** The screens offered in the picker, while it is open. */
  screens = $state<VideoDevice[] | null>(null);

  constructor(
    private notices: NoticeList,
    private say: (text: string) => void,
  ) {}

  /** Opens the picker, or stops the share when `sharing`. */
  async toggle(sharing: boolean): Promise<void> {
    if (this.busy) return;
    if (sharing) return this.share(null);
    this.busy = true;
    const r = await call(commands.screenList());
    this.busy = false;
    if (r.ok && r.data.length > 0) this.screens = r.data;
    else if (r.ok) this.notices.push("warning", "No screen to share was found.");
    else if (!app.handled(r.error)) this.notices.push("warning", friendlyError(r.error));
  }

  /** Shares the screen `id`; null stops sharing. */
  async share(id: string | null): Promise<void> {
    this.screens = null;
    this.busy = true;
    const r = await call(commands.roomShareScreen(id));
    this.busy = false;
    if (r.ok) this.say(id ? "You are sharing your screen" : "Screen sharing stopped");
    else if (!app.handled(r.error)) this.notices.push("warning", friendlyError(r.error));
  }
}
