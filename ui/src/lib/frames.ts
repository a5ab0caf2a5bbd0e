// Video frames from the core: one raw Tauri Channel per window, routed to a sink per track.
//
// Wire format (little endian), see src-tauri/src/frames.rs:
//   [u8 idLen][idLen bytes track id, UTF-8][u16 width][u16 height][I420: Y, U, V]
// The core sends a track's next frame only after `room_frame_ack(track)`, so every frame is
// acknowledged exactly once, drawn or not.
import { Channel, invoke } from "@tauri-apps/api/core";
import { commands } from "./bindings";
import { inTauri } from "./ipc";

export interface FrameHeader {
  trackId: string;
  width: number;
  height: number;
  /** Byte offset of the Y plane. */
  offset: number;
}

export interface I420Frame extends FrameHeader {
  /** The whole message; planes start at `offset`. */
  bytes: Uint8Array;
}

const utf8 = new TextDecoder("utf-8");

/** Chroma planes are ceil(n / 2) (the core packs odd sizes that way). */
export const chroma = (n: number): number => (n + 1) >> 1;

export function i420Length(width: number, height: number): number {
  return width * height + 2 * chroma(width) * chroma(height);
}

/** Parses a frame message's header; `null` when the message is malformed or truncated. */
export function parseFrameHeader(bytes: Uint8Array): FrameHeader | null {
  if (bytes.length < 1) return null;
  const idLen = bytes[0];
  const sizeAt = 1 + idLen;
  if (idLen === 0 || bytes.length < sizeAt + 4) return null;
  const trackId = utf8.decode(bytes.subarray(1, sizeAt));
  const width = bytes[sizeAt] | (bytes[sizeAt + 1] << 8);
  const height = bytes[sizeAt + 2] | (bytes[sizeAt + 3] << 8);
  const offset = sizeAt + 4;
  if (width === 0 || height === 0 || bytes.length < offset + i420Length(width, height)) return null;
  return { trackId, width, height, offset };
}

/** The track id alone, for acknowledging a frame whose size or planes are broken. */
function trackIdOf(bytes: Uint8Array): string | null {
  if (bytes.length < 1 || bytes[0] === 0 || bytes.length < 1 + bytes[0]) return null;
  return utf8.decode(bytes.subarray(1, 1 + bytes[0]));
}

export type FrameSink = (frame: I420Frame) => void;

const sinks = new Map<string, FrameSink>();
/** The latest frame of a track whose canvas is not mounted yet (at most one per track). */
const waiting = new Map<string, I420Frame>();
/** Tracks the room still knows; frames of others are dropped rather than kept. */
const live = new Set<string>();

function ack(trackId: string): void {
  commands.roomFrameAck(trackId).catch(() => {
    // The room is gone (not_in_room): nothing waits for this ack any more.
  });
}

function asBytes(msg: unknown): Uint8Array | null {
  if (msg instanceof ArrayBuffer) return new Uint8Array(msg);
  if (msg instanceof Uint8Array) return msg;
  if (Array.isArray(msg)) return Uint8Array.from(msg as number[]);
  return null;
}

function onFrame(msg: unknown): void {
  const bytes = asBytes(msg);
  if (!bytes) return;
  const header = parseFrameHeader(bytes);
  if (!header) {
    const id = trackIdOf(bytes);
    if (id) ack(id);
    return;
  }
  const frame: I420Frame = { ...header, bytes };
  try {
    const sink = sinks.get(header.trackId);
    if (sink) sink(frame);
    else if (live.has(header.trackId)) waiting.set(header.trackId, frame);
  } catch (e) {
    console.warn("frame draw failed", e);
  } finally {
    ack(header.trackId);
  }
}

let attached: Promise<void> | null = null;

/** Hands the frame channel to the core, once per window. Safe to call repeatedly. */
export function attachFrames(): Promise<void> {
  if (!inTauri()) return Promise.resolve();
  if (!attached) {
    const channel = new Channel<ArrayBuffer>();
    channel.onmessage = onFrame;
    attached = invoke<void>("room_attach_frames", { channel }).catch((e: unknown) => {
      attached = null;
      throw e;
    });
  }
  return attached;
}

/** The room announced a video track: keep its first frame even if no canvas is ready yet. */
export function trackStarted(trackId: string): void {
  live.add(trackId);
}

export function trackEnded(trackId: string): void {
  live.delete(trackId);
  waiting.delete(trackId);
}

export function resetTracks(): void {
  live.clear();
  waiting.clear();
}

/** Routes a track's frames to `sink` until the returned function is called. */
export function registerSink(trackId: string, sink: FrameSink): () => void {
  sinks.set(trackId, sink);
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
  };
}
