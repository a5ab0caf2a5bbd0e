// The interviewer's panel, its rules without the UI: the agenda clock and the time-stamped
// notes that live in the scorecard's overall notes (one draft, one record).
import { formatClock } from "../format";

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

export type QuestionState = "open" | "asking" | "asked" | "skipped";

/** Draft field names of a question: its state, seconds spent and notes. */
export const questionField = (id: string, part?: "seconds" | "notes") => (part ? `question:${id}:${part}` : `question:${id}`);

/** A question's state in the draft; `asking` is the one whose timer runs (not stored). */
export function questionState(fields: Record<string, string>, id: string, asking: string | null): QuestionState {
  if (asking === id) return "asking";
  const v = fields[questionField(id)];
  return v === "asked" || v === "skipped" ? v : "open";
}

/** The fields to write when a question is done: asked, with the time spent on it added. */
export function finishQuestion(fields: Record<string, string>, id: string, seconds: number): Record<string, string> {
  const before = Number(fields[questionField(id, "seconds")] ?? "0") || 0;
  return {
    [questionField(id)]: "asked",
    [questionField(id, "seconds")]: String(before + Math.max(0, Math.round(seconds))),
  };
}

/** How many of the questions were asked, skipped, and are left. */
export function questionTally(fields: Record<string, string>, ids: string[]): { asked: number; skipped: number; left: number } {
  let asked = 0;
  let skipped = 0;
  for (const id of ids) {
    const v = fields[questionField(id)];
    if (v === "asked") asked++;
    else if (v === "skipped") skipped++;
  }
  return { asked, skipped, left: ids.length - asked - skipped };
}
