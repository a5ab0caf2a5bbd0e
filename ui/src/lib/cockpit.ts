// The interviewer's panel, its rules without the UI: the agenda clock and the time-stamped
// notes that live in the scorecard's overall notes (one draft, one record).
import { formatClock } from "./format";

export type AgendaState = "none" | "ok" | "soon" | "over";

/** Minutes before the planned end at which the interviewer is told to wrap up. */
export const WRAP_UP_SECONDS = 5 * 60;

/** Where the interview stands against its planned length; `left` is negative when over. */
export function agenda(elapsed: number, planned: number): { state: AgendaState; left: number } {
  if (planned <= 0) return { state: "none", left: 0 };
  const left = Math.floor(planned - elapsed);
  const state: AgendaState = left < 0 ? "over" : left <= WRAP_UP_SECONDS ? "soon" : "ok";
  return { state, left };
}

const STAMP = /^\[(\d{1,2}:\d{2}(?::\d{2})?)\]\s?(.*)$/;

/** The notes with one more line, stamped with the time into the interview: `[05:12] text`. */
export function appendNote(notes: string, elapsed: number, text: string): string {
  const line = `[${formatClock(elapsed)}] ${text.replace(/\s+/g, " ").trim()}`;
  return notes.trim() ? `${notes.replace(/\s+$/, "")}\n${line}` : line;
}

/** The notes' lines, with their stamps where they have one. */
export function noteLines(notes: string): { stamp: string | null; text: string }[] {
  return notes
    .split("\n")
    .map((l) => l.trim())
    .filter(Boolean)
    .map((l) => {
      const m = STAMP.exec(l);
      return m ? { stamp: m[1], text: m[2] } : { stamp: null, text: l };
    });
}
