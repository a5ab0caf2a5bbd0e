import { describe, expect, it } from "vitest";
import { enqueue, i420Length, isStale, parseFrameHeader } from "./frames";

/** A frame message as src-tauri/src/frames.rs encodes it. */
function message(track: string, w: number, h: number, decoded: number, sent: number): Uint8Array {
  const id = new TextEncoder().encode(track);
  const bytes = new Uint8Array(1 + id.length + 16 + i420Length(w, h));
  const view = new DataView(bytes.buffer);
  bytes[0] = id.length;
  bytes.set(id, 1);
  const at = 1 + id.length;
  view.setUint16(at, w, true);
  view.setUint16(at + 2, h, true);
  view.setUint32(at + 4, decoded, true);
  view.setFloat64(at + 8, sent, true);
  return bytes;
}

describe("frame messages", () => {
  it("reads the track, size, decoded count, time and where the planes start", () => {
    const header = parseFrameHeader(message("TR_abc", 5, 3, 42, 1.5));
    expect(header).toEqual({ trackId: "TR_abc", width: 5, height: 3, decoded: 42, sent: 1.5, offset: 23 });
    // Odd sizes: chroma planes are rounded up (3x2 each for 5x3).
    expect(i420Length(5, 3)).toBe(15 + 2 * 6);
  });

  it("refuses truncated or empty messages instead of drawing garbage", () => {
    const full = message("t", 4, 4, 1, 0);
    expect(parseFrameHeader(full.subarray(0, full.length - 1))).toBeNull();
    expect(parseFrameHeader(new Uint8Array())).toBeNull();
    expect(parseFrameHeader(message("", 4, 4, 1, 0))).toBeNull();
    expect(parseFrameHeader(message("t", 0, 4, 1, 0))).toBeNull();
  });
});

describe("two frames in flight", () => {
  const at = (decoded: number) => parseFrameHeader(message("t", 2, 2, decoded, 0))!;

  it("drops a frame that arrives after a newer one of its track", () => {
    expect(isStale(at(9), 10)).toBe(true);
    expect(isStale(at(11), 10)).toBe(false);
    expect(isStale(at(10), undefined)).toBe(false);
  });

  it("keeps frames without a decoded count (previews) in arrival order", () => {
    expect(isStale(at(0), 10)).toBe(false);
  });
});

describe("presenting frames", () => {
  it("keeps two frames of a track for the next refreshes and drops the oldest beyond", () => {
    const q: number[] = [];
    expect(enqueue(q, 1)).toBe(0);
    expect(enqueue(q, 2)).toBe(0);
    expect(q).toEqual([1, 2]);
    expect(enqueue(q, 3)).toBe(1);
    expect(q).toEqual([2, 3]);
    for (let i = 4; i < 1000; i += 1) enqueue(q, i);
    expect(q).toEqual([998, 999]);
  });
});
