/** True inside the Tauri webview; false when the page is opened in a plain browser. */
export const inTauri = (): boolean => "__TAURI_INTERNALS__" in window;

