import { invoke } from "@tauri-apps/api/core";

export interface AppInfo {
  version: string;
  core_version: string;
}

/** True inside the Tauri webview; false when the page is opened in a plain browser. */
export const inTauri = (): boolean => "__TAURI_INTERNALS__" in window;

export async function appInfo(): Promise<AppInfo | null> {
  if (!inTauri()) return null;
  return invoke<AppInfo>("app_info");
}
