// When Viva reminds people, as a pure function of the interviews, the clock and what it
// already said: 10 minutes before an accepted interview, and, for the interviewer, an hour
// after an interview whose scorecard is not in, then once a day (as Greenhouse does).
import type { Interview } from "../ipc/bindings";

export const BEFORE_START_MS = 10 * 60_000;
export const SCORECARD_AFTER_MS = 60 * 60_000;
export const SCORECARD_EVERY_MS = 24 * 60 * 60_000;

export interface Reminder {
  /** Stable per reminder and occasion: what `shown` remembers. */
  key: string;
  interviewId: string;
  title: string;
  body: string;
}

/** Reminders due at `now`; `shown` maps a key to when it was last shown (ms). */
export function dueReminders(
  interviews: Interview[],
  me: string,
  now: number,
  shown: Record<string, number>,
): Reminder[] {
  const out: Reminder[] = [];
  for (const i of interviews) {
    const start = new Date(i.scheduled_time).getTime();
    if (Number.isNaN(start)) continue;
    const end = start + i.duration_minutes * 60_000;
    const upcoming = `upcoming:${i.uuid_id}`;
    if (i.status === "accepted" && now >= start - BEFORE_START_MS && now < start && !(upcoming in shown)) {
      const minutes = Math.max(1, Math.round((start - now) / 60_000));
      out.push({
        key: upcoming,
        interviewId: i.uuid_id,
        title: `${i.topic} in ${minutes} min`,
        body: `Open Viva to check your camera and microphone before you join.`,
      });
    }
    const scorecard = `scorecard:${i.uuid_id}`;
    const mine = i.receiver.id === me;
    const held = ["accepted", "in_progress", "completed"].includes(i.status);
    const last = shown[scorecard];
    if (
      mine &&
      held &&
      !i.interviewer_feedback_submitted &&
      now >= end + SCORECARD_AFTER_MS &&
      (last === undefined || now - last >= SCORECARD_EVERY_MS)
    ) {
      out.push({
        key: scorecard,
        interviewId: i.uuid_id,
        title: `Scorecard for ${i.topic}`,
        body: "Your feedback is not submitted yet; it is freshest now.",
      });
    }
  }
  return out;
}
