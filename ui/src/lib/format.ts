// Dates, durations and interview grouping for display. Pure functions.
import type { Interview, UserInfo, UserSummary } from "./ipc/bindings";

const dateTime = new Intl.DateTimeFormat(undefined, {
  weekday: "short",
  day: "numeric",
  month: "short",
  hour: "2-digit",
  minute: "2-digit",
});

export function formatDateTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : dateTime.format(d);
}

export function formatMinutes(minutes: number): string {
  if (minutes < 60) return `${minutes} min`;
  const h = Math.floor(minutes / 60);
  const m = minutes % 60;
  return m ? `${h} h ${m} min` : `${h} h`;
}

/** 65 -> "01:05", 3725 -> "1:02:05". */
export function formatClock(totalSeconds: number): string {
  const s = Math.max(0, Math.floor(totalSeconds));
  const h = Math.floor(s / 3600);
  const mm = String(Math.floor((s % 3600) / 60)).padStart(2, "0");
  const ss = String(s % 60).padStart(2, "0");
  return h ? `${h}:${mm}:${ss}` : `${mm}:${ss}`;
}

/** "in 10 min", "in 3 h", "2 days ago"; empty for bad input. */
export function relativeTime(iso: string, now = Date.now()): string {
  const t = new Date(iso).getTime();
  if (Number.isNaN(t)) return "";
  const diffMin = Math.round((t - now) / 60_000);
  const abs = Math.abs(diffMin);
  let text: string;
  if (abs < 1) return "now";
  if (abs < 60) text = `${abs} min`;
  else if (abs < 48 * 60) text = `${Math.round(abs / 60)} h`;
  else text = `${Math.round(abs / (24 * 60))} days`;
  return diffMin > 0 ? `in ${text}` : `${text} ago`;
}

export const STATUS_LABELS: Record<string, string> = {
  pending: "Pending",
  accepted: "Accepted",
  in_progress: "In progress",
  completed: "Completed",
  cancelled: "Cancelled",
  declined: "Declined",
};

export function statusLabel(status: string): string {
  return STATUS_LABELS[status] ?? status.replace(/_/g, " ");
}

/** "TECHNICAL" / "technical" -> "Technical". */
export function interviewType(kind: string): string {
  const t = kind.replace(/_/g, " ").toLowerCase();
  return t.charAt(0).toUpperCase() + t.slice(1);
}

/** A room type ("individual", "webinar") as shown: "Individual", "Webinar". */
export const roomTypeLabel = (roomType: string): string => interviewType(roomType);

/** What a room's template allows, in one line: "Individual room · up to 4 people · 1 h". */
export function limitsLine(l: { room_type: string; max_participants: number; max_duration: number }): string {
  const people = `up to ${l.max_participants} ${l.max_participants === 1 ? "person" : "people"}`;
  return `${roomTypeLabel(l.room_type)} room · ${people} · ends after ${formatMinutes(Math.round(l.max_duration / 60))}`;
}

export const canJoin = (status: string): boolean => status === "accepted" || status === "in_progress";

/** The person on the other side of the interview; both sides for someone who is neither. */
export function otherParty(i: Interview, me: UserInfo | null): string {
  const name = (u: UserSummary) => u.display_name || u.username;
  if (me && i.sender.id === me.id) return name(i.receiver);
  if (me && i.receiver.id === me.id) return name(i.sender);
  return `${name(i.sender)} · ${name(i.receiver)}`;
}

export interface InterviewGroups {
  upcoming: Interview[];
  inProgress: Interview[];
  past: Interview[];
}

const at = (i: Interview) => new Date(i.scheduled_time).getTime() || 0;

export function groupInterviews(list: readonly Interview[]): InterviewGroups {
  const groups: InterviewGroups = { upcoming: [], inProgress: [], past: [] };
  for (const i of list) {
    if (i.status === "in_progress") groups.inProgress.push(i);
    else if (i.status === "pending" || i.status === "accepted") groups.upcoming.push(i);
    else groups.past.push(i);
  }
  groups.upcoming.sort((a, b) => at(a) - at(b));
  groups.inProgress.sort((a, b) => at(a) - at(b));
  groups.past.sort((a, b) => at(b) - at(a));
  return groups;
}
