import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";

// The IPC, the frame path and the app's screens are the session's edges: replaced here so
// the session's own rules (when a join may be retried, how an end finishes) are what runs.
vi.mock("../ipc/bindings", () => ({
  commands: {
    roomJoin: vi.fn(),
    candidateJoinPassword: vi.fn(),
    roomEnd: vi.fn(),
    roomLeave: vi.fn(),
  },
}));
vi.mock("../ipc/frames", () => ({
  attachFrames: vi.fn(async () => {}),
  resetTracks: vi.fn(),
  trackStarted: vi.fn(),
  trackEnded: vi.fn(),
}));
vi.mock("./session.svelte", () => ({
  app: { ended: vi.fn(), handled: vi.fn(() => false), home: vi.fn(), retryAsGuest: vi.fn() },
  targetKey: (t: { kind: string; interview?: { uuid_id: string } }) => t.interview?.uuid_id ?? "",
}));

import { commands } from "../ipc/bindings";
import { RoomSession } from "./roomSession.svelte";
import { app, type RoomTarget } from "./session.svelte";

const ok = <T>(data: T) => Promise.resolve({ status: "ok" as const, data });
const refused = (code: string) => Promise.resolve({ status: "error" as const, error: { code, message: `it is ${code}` } });
const mocked = (f: unknown) => f as ReturnType<typeof vi.fn>;

const interview = { kind: "interview", interview: { uuid_id: "i-1", topic: "Rust" } } as unknown as RoomTarget;
const password = { kind: "password", serverUrl: "http://x", applicationId: "a", password: "123456" } as RoomTarget;

describe("a visit to a room", () => {
  beforeEach(() => {
    vi.useFakeTimers();
    vi.clearAllMocks();
    mocked(commands.roomLeave).mockImplementation(() => ok(null));
  });
  afterEach(() => vi.useRealTimers());

  it("offers to try again after a failure that may pass, never after a refusal", async () => {
    const session = new RoomSession(interview, () => "Rust");
    mocked(commands.roomJoin).mockImplementation(() => refused("offline"));
    await session.join();
    expect([session.phase, session.joinRetryable]).toEqual(["failed", true]);
    mocked(commands.roomJoin).mockImplementation(() => refused("forbidden"));
    await session.join();
    expect([session.phase, session.joinRetryable]).toEqual(["failed", false]);
    mocked(commands.roomJoin).mockImplementation(() => ok(null));
    await session.join();
    expect(session.phase).toBe("in");
  });

  it("never retries a one-time password: it is spent once the server saw it", async () => {
    const session = new RoomSession(password, () => "Interview");
    mocked(commands.candidateJoinPassword).mockImplementation(() => refused("offline"));
    await session.join();
    expect([session.phase, session.joinRetryable]).toEqual(["failed", false]);
  });

  it("leaves on its own when the media server does not confirm an end, and ends once", async () => {
    const session = new RoomSession(interview, () => "Rust");
    mocked(commands.roomJoin).mockImplementation(() => ok(null));
    mocked(commands.roomEnd).mockImplementation(() => ok({}));
    await session.join();
    await session.end("You ended the interview for everyone");
    expect(commands.roomLeave).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(4900);
    expect(app.ended).not.toHaveBeenCalled();
    await vi.advanceTimersByTimeAsync(200);
    expect(commands.roomLeave).toHaveBeenCalledTimes(1);
    expect(app.ended).toHaveBeenCalledWith("ended_by_interviewer", "You ended the interview for everyone", "Rust", {
      uuid_id: "i-1",
      topic: "Rust",
    });
    await session.leave();
    session.dispose();
    expect(app.ended).toHaveBeenCalledTimes(1);
    expect(commands.roomLeave).toHaveBeenCalledTimes(1);
  });

  it("reports a refused end and stays in the room", async () => {
    const session = new RoomSession(interview, () => "Rust");
    mocked(commands.roomJoin).mockImplementation(() => ok(null));
    mocked(commands.roomEnd).mockImplementation(() => refused("forbidden"));
    await session.join();
    await session.end("You ended the interview for everyone");
    await vi.advanceTimersByTimeAsync(10_000);
    expect(commands.roomLeave).not.toHaveBeenCalled();
    expect(app.ended).not.toHaveBeenCalled();
    expect(session.notices.items.map((n) => n.level)).toEqual(["error"]);
  });
});
