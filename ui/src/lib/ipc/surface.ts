// Native video (src-tauri/src/surface): on Linux the shell paints video itself, over the
// page, so frames never cross the webview. The page keeps the layout: each video canvas is
// a placeholder whose rectangle, corner radius and mirroring are sent to the shell, with the
// rectangles of everything the page draws over video (`[data-over-video]` and dialogs),
// which the painter leaves to the page. Layout is checked a few times a second and sent
// only when it changed; the shell's draw counts come back the same way, for the canvas's
// `data-frames` / `data-decoded` (tests and the benchmark read them) and first-frame news.
import { commands, type VideoLayout, type VideoTile } from "./bindings";
import { inTauri } from "./ipc";

let native = false;

/** Asks the shell once, before the UI mounts, whether video is painted natively. */
export async function initVideoSurface(): Promise<void> {
  if (!inTauri()) return;
  try {
    const r = await commands.videoSurface();
    native = r.status === "ok" && r.data;
  } catch {
    native = false;
  }
}

export const nativeVideo = (): boolean => native;

/** What the page draws over video: the painter leaves these rectangles to the page. */
export const OVER_VIDEO = "[data-over-video], [role=dialog]";

interface Placed {
  el: HTMLElement;
  onDraws: (drawn: number, decoded: number) => void;
}

const placed = new Map<string, Placed>();
let lastSent = "";
let timer: ReturnType<typeof setInterval> | undefined;
let ticks = 0;
/** Layout checks per second; draw counts every fourth check. */
const CHECK_MS = 100;

/** A page rectangle in CSS pixels (the bindings' `Rect` allows null for a NaN). */
interface Area {
  x: number;
  y: number;
  w: number;
  h: number;
}

function rectOf(el: Element): Area {
  const b = el.getBoundingClientRect();
  return { x: b.left, y: b.top, w: b.width, h: b.height };
}

function shown(el: HTMLElement): boolean {
  if (!el.isConnected) return false;
  const b = el.getBoundingClientRect();
  return b.width > 0 && b.height > 0 && getComputedStyle(el).visibility !== "hidden";
}

function intersect(a: Area, b: Area): Area {
  const x = Math.max(a.x, b.x);
  const y = Math.max(a.y, b.y);
  const w = Math.max(0, Math.min(a.x + a.w, b.x + b.w) - x);
  const h = Math.max(0, Math.min(a.y + a.h, b.y + b.h) - y);
  return { x, y, w, h };
}

/** The part of the page where `el` can show: the window, cut by every ancestor that clips
 * (a scrolled film strip must not paint over its neighbours). */
function visibleArea(el: HTMLElement): Area {
  let area: Area = { x: 0, y: 0, w: window.innerWidth, h: window.innerHeight };
  for (let p = el.parentElement; p && p !== document.body; p = p.parentElement) {
    const style = getComputedStyle(p);
    if (style.overflowX !== "visible" || style.overflowY !== "visible") area = intersect(area, rectOf(p));
  }
  return area;
}

/** The layout the shell should paint now. */
export function currentLayout(): VideoLayout {
  const tiles: VideoTile[] = [];
  for (const [track, p] of placed) {
    if (!shown(p.el)) continue;
    const frame = p.el.closest<HTMLElement>("[data-video-frame]") ?? p.el;
    const clip = visibleArea(p.el);
    if (clip.w <= 0 || clip.h <= 0) continue;
    tiles.push({
      track,
      rect: rectOf(p.el),
      clip,
      radius: parseFloat(getComputedStyle(frame).borderTopLeftRadius) || 0,
      mirror: p.el.closest(".mirror") !== null,
    });
  }
  const occluders = tiles.length
    ? [...document.querySelectorAll<HTMLElement>(OVER_VIDEO)].filter(shown).map(rectOf)
    : [];
  return { tiles, occluders, scale: window.devicePixelRatio || 1 };
}

async function check(): Promise<void> {
  const layout = currentLayout();
  const key = JSON.stringify(layout);
  if (key !== lastSent) {
    lastSent = key;
    await commands.videoLayout(layout).catch(() => undefined);
  }
  ticks += 1;
  if (ticks % 4 === 0 && placed.size > 0) {
    const r = await commands.videoDraws().catch(() => null);
    if (r?.status === "ok") {
      for (const d of r.data) placed.get(d.track)?.onDraws(d.drawn, d.decoded);
    }
  }
}

function run(): void {
  if (timer === undefined) timer = setInterval(() => void check(), CHECK_MS);
}
if (typeof window !== "undefined") window.addEventListener("resize", () => void check());

/**
 * Shows `trackId` natively where `el` is, until the returned function is called.
 * `onDraws` gets the shell's count of frames drawn and the engine's decoded count.
 */
export function placeVideo(
  trackId: string,
  el: HTMLElement,
  onDraws: (drawn: number, decoded: number) => void,
): () => void {
  const entry = { el, onDraws };
  placed.set(trackId, entry);
  run();
  void check();
  return () => {
    if (placed.get(trackId) === entry) placed.delete(trackId);
    void check();
    if (placed.size === 0 && timer !== undefined) {
      // Nothing to show: no checks while no video is on screen.
      clearInterval(timer);
      timer = undefined;
    }
  };
}
