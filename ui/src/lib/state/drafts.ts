// Small helpers shared by the feedback form and the drafts list.
import type { SyncState } from "../ipc/bindings";

export const STATE_LABELS: Record<SyncState, string> = {
  local_only: "Saved on this device",
  syncing: "Syncing…",
  synced: "Synced",
  conflict: "Conflict",
};

export const RECOMMENDATIONS = [
  { value: "strong_no", label: "Strong no" },
  { value: "no", label: "No" },
  { value: "yes", label: "Yes" },
  { value: "strong_yes", label: "Strong yes" },
] as const;

/** A stable, selector-safe name for data-testid hooks. */
export function slug(text: string): string {
  return text.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
}
