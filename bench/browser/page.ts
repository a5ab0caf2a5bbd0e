// The browser reference for `make bench-browser`: a room page on livekit-client that shows
// every remote video track in a <video> tile laid out as Viva lays out its room (same grid
// function, one tile more for the local participant), and reports per track how many frames
// the browser decoded (inbound-rtp framesDecoded) and presented (requestVideoFrameCallback).
// The bench (examples/browser_bench.rs) serves this page and reads POST /report.
import { Room, RoomEvent, Track, type RemoteTrack, type RemoteVideoTrack } from "livekit-client";
import { fitGrid } from "../../ui/src/lib/layout";

const params = new URLSearchParams(location.search);
const url = params.get("url") ?? "";
const token = params.get("token") ?? "";
// Viva asks the engine for the simulcast layer that fits its tile; `adaptive=1` makes the
// browser do the same through livekit-client's adaptive stream.
const adaptive = params.get("adaptive") === "1";

interface Counters {
  presented: number;
  decoded: number;
  width: number;
  height: number;
}

const tiles = new Map<string, { video: HTMLVideoElement; track: RemoteVideoTrack; counters: Counters }>();
const grid = document.getElementById("grid") as HTMLDivElement;

function layout(): void {
  // The room's header and padding take about this much of Viva's window.
  const fit = fitGrid(tiles.size + 1, window.innerWidth - 32, window.innerHeight - 120);
  grid.style.gridTemplateColumns = `repeat(${fit.cols}, ${fit.width}px)`;
  for (const { video } of tiles.values()) {
    video.style.width = `${fit.width}px`;
    video.style.height = `${fit.height}px`;
  }
}

function countPresented(video: HTMLVideoElement, counters: Counters): void {
  const onFrame = (_now: number, meta: VideoFrameCallbackMetadata): void => {
    counters.presented += 1;
    counters.width = meta.width;
    counters.height = meta.height;
    video.requestVideoFrameCallback(onFrame);
  };
  video.requestVideoFrameCallback(onFrame);
}

async function decoded(track: RemoteVideoTrack): Promise<number> {
  const report = await track.getRTCStatsReport();
  let n = 0;
  report?.forEach((s: { type: string; framesDecoded?: number }) => {
    if (s.type === "inbound-rtp" && typeof s.framesDecoded === "number") n = s.framesDecoded;
  });
  return n;
}

async function report(): Promise<void> {
  const out: Record<string, Counters> = {};
  for (const [sid, tile] of tiles) {
    tile.counters.decoded = await decoded(tile.track);
    out[sid] = { ...tile.counters };
  }
  await fetch("/report", { method: "POST", body: JSON.stringify({ tracks: out }) }).catch(() => {});
}

async function main(): Promise<void> {
  const room = new Room({ adaptiveStream: adaptive, dynacast: false });
  room.on(RoomEvent.TrackSubscribed, (track: RemoteTrack, pub) => {
    if (track.kind !== Track.Kind.Video) return;
    const video = document.createElement("video");
    video.muted = true;
    video.autoplay = true;
    video.playsInline = true;
    grid.appendChild(video);
    const counters: Counters = { presented: 0, decoded: 0, width: 0, height: 0 };
    tiles.set(pub.trackSid, { video, track: track as RemoteVideoTrack, counters });
    layout();
    track.attach(video);
    countPresented(video, counters);
  });
  room.on(RoomEvent.TrackUnsubscribed, (track: RemoteTrack, pub) => {
    const tile = tiles.get(pub.trackSid);
    if (!tile) return;
    track.detach(tile.video);
    tile.video.remove();
    tiles.delete(pub.trackSid);
    layout();
  });
  window.addEventListener("resize", layout);
  await room.connect(url, token, { autoSubscribe: true });
  setInterval(() => void report(), 500);
}

main().catch((e: unknown) => {
  void fetch("/report", { method: "POST", body: JSON.stringify({ error: String(e) }) });
});
