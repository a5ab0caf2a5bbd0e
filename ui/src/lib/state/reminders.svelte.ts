// Runs the reminder schedule (reminders.ts) while someone is signed in: once a minute it
// reads the interviews and shows what is due as a desktop notification. What was shown is
// kept in localStorage, so a restart neither repeats nor forgets a reminder.
import { commands } from "../ipc/bindings";
import { call } from "../ipc/errors";
import { dueReminders } from "./reminders";

const SHOWN_KEY = "viva.reminders.shown";
const EVERY_MS = 60_000;

function loadShown(): Record<string, number> {
  try {
    const v = JSON.parse(localStorage.getItem(SHOWN_KEY) ?? "{}") as unknown;
    return v && typeof v === "object" ? (v as Record<string, number>) : {};
  } catch {
    return {};
  }
}

/** Starts the schedule for user `me`; returns the function that stops it. */
export function startReminders(me: string): () => void {
  let stopped = false;
  async function tick() {
    const r = await call(commands.interviewsList());
    // Offline or signed out: the next tick tries again.
    if (!r.ok || stopped) return;
    const shown = loadShown();
    for (const reminder of dueReminders(r.data, me, Date.now(), shown)) {
      const sent = await call(commands.desktopNotify(reminder.title, reminder.body));
      // A desktop without a notification service gets no reminder, and no retry storm.
      shown[reminder.key] = Date.now();
      if (!sent.ok && sent.error.code !== "unsupported") delete shown[reminder.key];
    }
    localStorage.setItem(SHOWN_KEY, JSON.stringify(shown));
  }
  void tick();
  const timer = setInterval(() => void tick(), EVERY_MS);
  return () => {
    stopped = true;
    clearInterval(timer);
  };
}
