// CoreError -> words a person can act on. The core's `message` is already meant for people;
// the code decides how we frame it (and whether there is something to do about it).
import type { CoreError, ErrorCode } from "./bindings";

type Outcome<T> = { status: "ok"; data: T } | { status: "error"; error: CoreError };
export type Result<T> = { ok: true; data: T } | { ok: false; error: CoreError };

const CODES: ReadonlySet<string> = new Set<ErrorCode>([
  "invalid_input", "unauthorized", "forbidden", "not_found", "conflict", "rate_limited",
  "offline", "server", "keyring", "storage", "media", "not_in_room", "unsupported",
  "untrusted",
]);

export function isCoreError(e: unknown): e is CoreError {
  if (typeof e !== "object" || e === null) return false;
  const { code, message } = e as Record<string, unknown>;
  return typeof code === "string" && CODES.has(code) && typeof message === "string";
}

/** Anything thrown at the IPC boundary, as a CoreError. */
export function toCoreError(e: unknown): CoreError {
  if (isCoreError(e)) return e;
  const text = e instanceof Error ? e.message : String(e);
  return { code: "server", message: text || "Unexpected error" };
}

/**
 * Awaits a generated command and never throws: the bindings reject with an `Error` when
 * the IPC itself fails (no Tauri, unknown command), which we fold into the same shape.
 */
export async function call<T>(p: Promise<Outcome<T>>): Promise<Result<T>> {
  try {
    const r = await p;
    return r.status === "ok" ? { ok: true, data: r.data } : { ok: false, error: toCoreError(r.error) };
  } catch (e) {
    return { ok: false, error: toCoreError(e) };
  }
}

export type ErrorContext = "signin" | "restore" | "join" | "general";

function withDetail(text: string, detail: string): string {
  const d = detail.trim();
  return d ? `${text} (${d})` : text;
}

/** One sentence for a person; `context` changes the wording where the same code means different things. */
export function friendlyError(err: CoreError, context: ErrorContext = "general"): string {
  switch (err.code) {
    case "invalid_input":
      return err.message || "Please check what you entered.";
    case "unauthorized":
      if (context === "signin") return "Wrong username or password.";
      return "Your session has ended. Please sign in again.";
    case "forbidden":
      if (context === "join") return err.message || "You are not allowed to join this interview.";
      return err.message || "You are not allowed to do that.";
    case "not_found":
      return err.message || "That no longer exists.";
    case "conflict":
      return err.message || "That is not possible right now.";
    case "rate_limited":
      return "Too many attempts. Please wait a minute and try again.";
    case "offline":
      if (context === "signin") return "Cannot reach the server. Check the server address and that the server is running.";
      if (context === "restore") return "Cannot reach the server to restore your session.";
      return "Cannot reach the server. Check your connection and try again.";
    case "server":
      return withDetail("The server had a problem", err.message);
    case "keyring":
      return err.message
        ? `Viva cannot keep you signed in: ${err.message}`
        : "Viva cannot keep you signed in: the system keyring is not available.";
    case "storage":
      return withDetail("Viva could not write to this computer's disk (is it full?); what you typed is kept on screen", err.message);
    case "media":
      return withDetail("The media engine failed", err.message);
    case "not_in_room":
      return "You are not in an interview room.";
    case "unsupported":
      return err.message || "This is not available in this version.";
    case "untrusted":
      return withDetail("This download is not signed by Viva, so it was not used", err.message);
  }
}
