import { describe, expect, it } from "vitest";
import type { Interview } from "../ipc/bindings";
import { dueReminders, SCORECARD_EVERY_MS } from "./reminders";

const ME = "u-interviewer";
const START = Date.parse("2026-12-01T16:00:00Z");
const at = (iso: string) => Date.parse(iso);

function interview(over: Partial<Interview> = {}): Interview {
  return {
    uuid_id: "i1",
    status: "accepted",
    topic: "Backend",
    scheduled_time: new Date(START).toISOString(),
    duration_minutes: 60,
    interview_type: "TECHNICAL",
    room_name: "interview-i1",
    sender: { id: "u-candidate", username: "c", display_name: "C", role: "candidate" },
    receiver: { id: ME, username: "i", display_name: "I", role: "interviewer" },
    interviewer_feedback_submitted: false,
    ...over,
  };
}

/** Runs the schedule minute by minute over [from, to), remembering what it showed. */
function run(list: Interview[], me: string, from: number, to: number) {
  const shown: Record<string, number> = {};
  const log: { at: number; key: string }[] = [];
  for (let now = from; now < to; now += 60_000) {
    for (const r of dueReminders(list, me, now, shown)) {
      shown[r.key] = now;
      log.push({ at: now, key: r.key });
    }
  }
  return log;
}

describe("reminders on a fake clock", () => {
  it("says once, ten minutes before an accepted interview, and not for others", () => {
    const log = run([interview()], ME, at("2026-12-01T15:00:00Z"), at("2026-12-01T16:30:00Z"));
    expect(log.filter((l) => l.key.startsWith("upcoming"))).toEqual([{ at: at("2026-12-01T15:50:00Z"), key: "upcoming:i1" }]);
    expect(run([interview({ status: "pending" })], ME, at("2026-12-01T15:00:00Z"), START)).toEqual([]);
  });

  it("asks for the scorecard an hour after the end, then daily, until it is in", () => {
    const log = run([interview()], ME, START, START + 3 * SCORECARD_EVERY_MS).filter((l) => l.key.startsWith("scorecard"));
    expect(log.map((l) => new Date(l.at).toISOString())).toEqual([
      "2026-12-01T18:00:00.000Z",
      "2026-12-02T18:00:00.000Z",
      "2026-12-03T18:00:00.000Z",
    ]);
    expect(run([interview({ interviewer_feedback_submitted: true })], ME, START, START + SCORECARD_EVERY_MS)).toEqual([]);
    expect(run([interview()], "u-candidate", START, START + SCORECARD_EVERY_MS).filter((l) => l.key.startsWith("scorecard"))).toEqual([]);
    expect(run([interview({ status: "cancelled" })], ME, START, START + SCORECARD_EVERY_MS)).toEqual([]);
  });
});
