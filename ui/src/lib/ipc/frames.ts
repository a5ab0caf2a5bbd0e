// Video frames from the core. Each room track has two pumps (the core lets two frames per
// track be in flight, viva-core's IN_FLIGHT) that ask the shell's `viva-frame` URI scheme
// for the track's next frame; a pump's request for its next frame acknowledges its last one
// (`?ack=1`), so the core hands a track's newest frame over only when the UI has taken one
// (latest-frame-only, see src-tauri/src/frames.rs). With two pumps the next frame travels
// while the last one is received, so the round trip does not cap the rate; a frame older
// than one already received (the pumps' answers can cross) is dropped. Frames are drawn in
// `requestAnimationFrame`, one per track per refresh, at most two waiting per track (a
// third replaces the oldest, so nothing queues when the display is slow).
// One request per frame replaces the raw Channel's eval, data fetch and separate
// acknowledgement (measured in BENCHMARKS.md).
//
// Message (little endian):
//   [u8 idLen][idLen bytes track id, UTF-8][u16 width][u16 height][u32 decoded]
//   [f64 sent, ms since the epoch][I420: Y, U, V]
// `decoded` counts the frames the engine decoded on the track so far (0 when unknown).
import { convertFileSrc } from "@tauri-apps/api/core";
import { inTauri } from "./ipc";
import { nativeVideo } from "./surface";

export interface FrameHeader {
  trackId: string;
  width: number;
  height: number;
  decoded: number;
  /** When the shell answered, ms since the epoch. */
  sent: number;
  /** Byte offset of the Y plane. */
  offset: number;
}

export interface I420Frame extends FrameHeader {
  /** The whole message; planes start at `offset`. */
  bytes: Uint8Array;
}

const utf8 = new TextDecoder("utf-8");
const HEADER_FIXED = 4 + 4 + 8;

/** Chroma planes are ceil(n / 2) (the core packs odd sizes that way). */
export const chroma = (n: number): number => (n + 1) >> 1;

export function i420Length(width: number, height: number): number {
  return width * height + 2 * chroma(width) * chroma(height);
}

/** Parses a frame message's header; `null` when the message is malformed or truncated. */
export function parseFrameHeader(bytes: Uint8Array): FrameHeader | null {
  if (bytes.length < 1) return null;
  const idLen = bytes[0];
  const at = 1 + idLen;
  if (idLen === 0 || bytes.length < at + HEADER_FIXED) return null;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const trackId = utf8.decode(bytes.subarray(1, at));
  const width = view.getUint16(at, true);
  const height = view.getUint16(at + 2, true);
  const decoded = view.getUint32(at + 4, true);
  const sent = view.getFloat64(at + 8, true);
  const offset = at + HEADER_FIXED;
  if (width === 0 || height === 0 || bytes.length < offset + i420Length(width, height)) return null;
  return { trackId, width, height, decoded, sent, offset };
}

/**
 * Frame-path counters for the benchmark (examples/app_bench.rs reads them over WebDriver):
 * frames received, frames replaced by a newer one before the display drew them, and
 * milliseconds summed per stage: `hopMs` from the shell's answer to the bytes in
 * JavaScript, `waitMs` from arrival to the animation frame that draws it, `drawMs`
 * texture upload and draw call; `stale` frames arrived after a newer one and were dropped.
 */
export const frameStats = { received: 0, replaced: 0, stale: 0, hopMs: 0, waitMs: 0, drawMs: 0 };
(globalThis as { __vivaFrameStats?: typeof frameStats }).__vivaFrameStats = frameStats;

export type FrameSink = (frame: I420Frame) => void;

const sinks = new Map<string, FrameSink>();
/** The latest frame of a track whose canvas is not mounted yet (at most one per track). */
const waiting = new Map<string, I420Frame>();
/** Tracks the room still knows, each with its running pumps. */
const pumps = new Map<string, { stop: () => void }>();
/** Pumps per room track: the core's frames in flight per track (viva-core IN_FLIGHT). */
const PUMPS_PER_TRACK = 2;
/** The newest frame's decoded count per track, to drop a frame that arrives after a newer one. */
const newest = new Map<string, number>();

/** True when `header` is older than a frame of its track already received (0 = unknown). */
export function isStale(header: FrameHeader, newestDecoded: number | undefined): boolean {
  return header.decoded > 0 && newestDecoded !== undefined && header.decoded < newestDecoded;
}

/** Each track's tile size in device pixels, sent with every request (see setTileSize). */
const tileSizes = new Map<string, { w: number; h: number }>();

/**
 * The canvas of `trackId` shows `w` x `h` device pixels: the core asks LiveKit for the
 * simulcast layer that fits, so a small tile does not cost a 1280x720 decode and copy.
 */
export function setTileSize(trackId: string, w: number, h: number): void {
  if (w > 0 && h > 0) tileSizes.set(trackId, { w: Math.round(w), h: Math.round(h) });
}

function frameUrl(trackId: string, ack: boolean): string {
  const size = tileSizes.get(trackId);
  const wh = size ? `&w=${size.w}&h=${size.h}` : "";
  return `${convertFileSrc(trackId, "viva-frame")}?ack=${ack ? 1 : 0}${wh}`;
}

/**
 * Frames not drawn yet, per track, oldest first, at most `PRESENT_AHEAD`: each animation
 * frame draws the oldest of every track. Two frames of a track that arrive within one
 * display refresh (the pumps' answers come in pairs when the machine is busy) are shown on
 * two refreshes instead of the first being thrown away; a third replaces the oldest, so a
 * slow display never builds a queue (at most one refresh of added latency).
 */
const undrawn = new Map<string, { frame: I420Frame; arrived: number }[]>();
export const PRESENT_AHEAD = 2;
let drawScheduled = false;

/** Adds `item` to a track's frames to present; returns how many older ones it pushed out. */
export function enqueue<T>(queue: T[], item: T, limit = PRESENT_AHEAD): number {
  queue.push(item);
  const over = Math.max(0, queue.length - limit);
  queue.splice(0, over);
  return over;
}

function scheduleDraw(): void {
  if (!drawScheduled) {
    drawScheduled = true;
    requestAnimationFrame(drawUndrawn);
  }
}

function drawUndrawn(): void {
  drawScheduled = false;
  const now = performance.now();
  for (const [track, queue] of undrawn) {
    const next = queue.shift();
    if (next) {
      frameStats.waitMs += now - next.arrived;
      deliver(next.frame);
    }
    if (queue.length === 0) undrawn.delete(track);
  }
  if (undrawn.size > 0) scheduleDraw();
}

function deliver(frame: I420Frame): void {
  const sink = sinks.get(frame.trackId);
  if (!sink) {
    waiting.set(frame.trackId, frame);
    return;
  }
  const t0 = performance.now();
  try {
    sink(frame);
  } catch (e) {
    console.warn("frame draw failed", e);
  }
  frameStats.drawMs += performance.now() - t0;
}

/** Fetches, draws and acknowledges `trackId`'s frames with `count` pumps until stopped. */
function startPump(trackId: string, count = 1): { stop: () => void } {
  let running = true;
  const abort = new AbortController();
  const run = async (): Promise<void> => {
    let ack = false;
    let failures = 0;
    while (running) {
      let res: Response;
      try {
        res = await fetch(frameUrl(trackId, ack), { signal: abort.signal });
      } catch {
        if (!running) return;
        // The shell is busy or restarting: back off instead of spinning.
        failures += 1;
        await new Promise((r) => setTimeout(r, Math.min(1000, 50 * failures)));
        continue;
      }
      failures = 0;
      // 204: no frame within the shell's wait; nothing to acknowledge, ask again.
      if (res.status !== 200) {
        ack = false;
        continue;
      }
      const bytes = new Uint8Array(await res.arrayBuffer());
      const arrived = performance.now();
      const header = parseFrameHeader(bytes);
      ack = true;
      if (!header || !running) continue;
      if (isStale(header, newest.get(trackId))) {
        frameStats.stale += 1;
        continue;
      }
      newest.set(trackId, header.decoded);
      frameStats.received += 1;
      frameStats.hopMs += Math.max(0, performance.timeOrigin + arrived - header.sent);
      const queue = undrawn.get(trackId) ?? [];
      undrawn.set(trackId, queue);
      frameStats.replaced += enqueue(queue, { frame: { ...header, bytes }, arrived });
      scheduleDraw();
    }
  };
  for (let i = 0; i < count; i += 1) void run();
  return {
    stop: () => {
      running = false;
      abort.abort();
    },
  };
}

/** Kept for the room screen's start-up order; frames need no setup any more. */
export function attachFrames(): Promise<void> {
  return Promise.resolve();
}

/** The room announced a video track: start fetching its frames, even before its canvas. */
export function trackStarted(trackId: string): void {
  // With the native surface, frames never come to the page (ipc/surface.ts).
  if (!inTauri() || nativeVideo() || pumps.has(trackId)) return;
  pumps.set(trackId, startPump(trackId, PUMPS_PER_TRACK));
}

export function trackEnded(trackId: string): void {
  pumps.get(trackId)?.stop();
  pumps.delete(trackId);
  waiting.delete(trackId);
  undrawn.delete(trackId);
  tileSizes.delete(trackId);
  newest.delete(trackId);
}

export function resetTracks(): void {
  for (const id of [...pumps.keys()]) trackEnded(id);
}

/**
 * Routes a track's frames to `sink` until the returned function is called. A track the room
 * did not announce (a local preview) gets its pump from its canvas, for as long as it shows.
 */
export function registerSink(trackId: string, sink: FrameSink): () => void {
  sinks.set(trackId, sink);
  const ownPump = !pumps.has(trackId) && inTauri();
  if (ownPump) pumps.set(trackId, startPump(trackId));
  const early = waiting.get(trackId);
  if (early) {
    waiting.delete(trackId);
    try {
      sink(early);
    } catch (e) {
      console.warn("frame draw failed", e);
    }
  }
  return () => {
    if (sinks.get(trackId) === sink) sinks.delete(trackId);
    if (ownPump && !sinks.has(trackId)) trackEnded(trackId);
  };
}
