// App-wide state: who is signed in and which screen shows. Screens call these methods;
// nothing else changes `screen`.
import { commands, type CoreError, type EndReason, type FormTarget_Deserialize as FormTarget, type Interview, type JoinLinkEvent, type SessionInfo } from "../ipc/bindings";
import { call, friendlyError } from "../ipc/errors";

export type HomeTab = "interviews" | "rooms";

/** Which room to enter, and how: a signed-in user's interview, or a candidate's public
 * room code or one-time password (no account). */
export type RoomTarget =
  | { kind: "interview"; interview: Interview }
  | {
      kind: "code";
      serverUrl: string;
      code: string;
      phone: string;
      firstName: string;
      lastName: string;
      title: string;
      minutes: number;
    }
  | { kind: "password"; serverUrl: string; applicationId: string; password: string };

/** What the core calls the room in its `joined` update. */
export function targetKey(t: RoomTarget): string {
  switch (t.kind) {
    case "interview":
      return t.interview.uuid_id;
    case "code":
      return t.code;
    case "password":
      return `application:${t.applicationId}`;
  }
}

export type Screen =
  | { name: "boot" }
  | { name: "signin" }
  | { name: "candidate"; code: string | null; linkError: string | null; prefill?: RoomTarget }
  | { name: "home"; tab: HomeTab }
  | { name: "prejoin"; interview: Interview }
  | { name: "room"; target: RoomTarget }
  | { name: "ended"; reason: EndReason; detail: string; topic: string; interview: Interview | null }
  | { name: "feedback"; target: FormTarget }
  | { name: "drafts" };

export const DEFAULT_SERVER = "http://127.0.0.1:8000";
const SERVER_KEY = "viva.serverUrl";

/** The last server address used. Only the address: secrets stay in the OS keyring. */
export function savedServerUrl(): string {
  try {
    return localStorage.getItem(SERVER_KEY) || DEFAULT_SERVER;
  } catch {
    return DEFAULT_SERVER;
  }
}

export function rememberServerUrl(url: string): void {
  try {
    localStorage.setItem(SERVER_KEY, url);
  } catch {
    // Private storage off: the default comes back next time, nothing worse.
  }
}

class AppState {
  screen = $state<Screen>({ name: "boot" });
  session = $state<SessionInfo | null>(null);
  /** Why restoring the remembered session failed (e.g. offline), shown on the boot screen. */
  bootError = $state<CoreError | null>(null);
  /** A message for the sign-in screen (session ended, sign-out problem). */
  signinNotice = $state<string | null>(null);

  get user() {
    return this.session?.user ?? null;
  }

  /** Start-up: a `viva://join/...` link opens the candidate screen; otherwise a session
   * restored from the keyring goes straight to the list. */
  async boot(): Promise<void> {
    this.screen = { name: "boot" };
    this.bootError = null;
    const link = await call(commands.joinLinkTake());
    if (!link.ok) {
      this.screen = { name: "candidate", code: null, linkError: friendlyError(link.error) };
      return;
    }
    if (link.data) {
      this.candidate(link.data);
      return;
    }
    const r = await call(commands.sessionGet());
    if (r.ok && r.data) {
      this.enter(r.data);
    } else if (r.ok || r.error.code === "unauthorized") {
      this.screen = { name: "signin" };
    } else if (r.error.code === "keyring") {
      // Nothing to retry: say why the app cannot remember the session, and let them sign in.
      this.signinNotice = friendlyError(r.error);
      this.screen = { name: "signin" };
    } else {
      this.bootError = r.error;
    }
  }

  /** Returns the error to show, or null when signed in. */
  async signIn(serverUrl: string, username: string, password: string): Promise<CoreError | null> {
    const url = serverUrl.trim();
    const r = await call(commands.authLogin(url, username, password));
    if (!r.ok) return r.error;
    rememberServerUrl(url);
    this.signinNotice = null;
    this.enter(r.data);
    return null;
  }

  async signOut(): Promise<void> {
    const r = await call(commands.authLogout());
    this.session = null;
    this.signinNotice = r.ok ? null : `Signed out here, but: ${friendlyError(r.error)}`;
    this.screen = { name: "signin" };
  }

  /** Any command answered `unauthorized`: the session is gone. */
  sessionEnded(): void {
    this.session = null;
    this.signinNotice = "Your session has ended. Please sign in again.";
    this.screen = { name: "signin" };
  }

  /** Handles the errors every screen treats the same; returns true when it did. */
  handled(error: CoreError): boolean {
    if (error.code === "unauthorized") {
      this.sessionEnded();
      return true;
    }
    return false;
  }

  /** The interview list when signed in; a guest goes back to the candidate screen. */
  home(tab: HomeTab = "interviews"): void {
    this.screen = this.session ? { name: "home", tab } : { name: "candidate", code: null, linkError: null };
  }

  candidate(code: string | null = null): void {
    this.screen = { name: "candidate", code, linkError: null };
  }

  /** A join link (at start-up or clicked while Viva runs). Never pulls anyone out of a room. */
  openJoinLink(link: JoinLinkEvent): void {
    if (this.screen.name === "room") return;
    this.screen = link.code
      ? { name: "candidate", code: link.code, linkError: null }
      : { name: "candidate", code: null, linkError: link.error ? friendlyError(link.error) : null };
  }

  prejoin(interview: Interview): void {
    this.screen = { name: "prejoin", interview };
  }

  join(interview: Interview): void {
    this.screen = { name: "room", target: { kind: "interview", interview } };
  }

  enterAsGuest(target: RoomTarget): void {
    if (target.kind !== "interview") rememberServerUrl(target.serverUrl);
    this.screen = { name: "room", target };
  }

  /** Back from a guest room that could not be joined, with what they typed. */
  retryAsGuest(target: RoomTarget): void {
    if (target.kind === "interview") return this.home();
    this.screen = { name: "candidate", code: target.kind === "code" ? target.code : null, linkError: null, prefill: target };
  }

  ended(reason: EndReason, detail: string, topic: string, interview: Interview | null = null): void {
    if (this.screen.name === "ended") return;
    this.screen = { name: "ended", reason, detail, topic, interview };
  }

  /** The feedback form of an interview: the interviewer's scorecard or the candidate's form. */
  feedback(interview: Interview): void {
    const kind = interview.receiver.id === this.user?.id ? "interviewer" : "candidate";
    this.screen = {
      name: "feedback",
      target: { interview_id: interview.uuid_id, kind, topic: interview.topic, interview_type: interview.interview_type },
    };
  }

  openDraft(target: FormTarget): void {
    this.screen = { name: "feedback", target };
  }

  drafts(): void {
    this.screen = { name: "drafts" };
  }

  private enter(session: SessionInfo): void {
    this.session = session;
    this.bootError = null;
    this.screen = { name: "home", tab: "interviews" };
  }
}

export const app = new AppState();
