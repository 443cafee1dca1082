import type { Duplex } from 'node:stream';
import type { WebSocket } from 'ws';
import type { LiveChannel } from './live-events';

/**
 * One server message as a complete WebSocket text frame (RFC 6455 §5.2: FIN, opcode 1, unmasked,
 * as a server sends), built once and written as it is to every socket of the account.
 */
export function textFrame(json: string): Buffer {
  const size = Buffer.byteLength(json);
  const head = size < 126 ? 2 : size < 65536 ? 4 : 10;
  const frame = Buffer.allocUnsafe(head + size);
  frame[0] = 0x81;
  if (size < 126) {
    frame[1] = size;
  } else if (size < 65536) {
    frame[1] = 126;
    frame.writeUInt16BE(size, 2);
  } else {
    frame[1] = 127;
    frame.writeUInt32BE(Math.floor(size / 2 ** 32), 2);
    frame.writeUInt32BE(size % 2 ** 32, 6);
  }
  frame.write(json, head, 'utf8');
  return frame;
}

/** An event's frame on its way to the sockets of an account subscribed to its channel. */
export interface OutgoingFrame {
  frame: Buffer;
  channel: LiveChannel;
  /** The live client whose request made it: it already shows it (`Remote-Client`). */
  skipClient?: number;
}

/** What the outbox needs of a socket. */
export interface FrameTarget {
  clientId: number;
  channels: Set<LiveChannel>;
}

/**
 * Holds the frames fanned out and writes them together: each socket gets every frame meant for it
 * in one write (one system call, one wake-up of its reader, however many writes committed
 * meanwhile), and sockets that get all of them (the usual case) share one buffer. A frame is
 * still one message: the wire is the same as one write per event.
 *
 * Frames are written at the end of the turn of the event loop that made them, or, when the last
 * flush was less than `gapMs` ago, once `gapMs` have passed since it: the first event after a
 * quiet spell goes at once, and under a stream of writes each socket is written at most once per
 * `gapMs` instead of once per event (the cost of a flush is one system call per socket). One
 * `setImmediate` or timer per flush, none per event. Each flush starts one socket further along
 * an account's sockets than the one before: with 200 sockets a flush takes ~2 ms, and a socket
 * that always came first (or last) would always hear first (or last).
 *
 * The gap also grows with what a flush costs: flushes take at most `share` of the time (0–1), so
 * a flush that took `d` ms puts the next one at least `d / share` ms after its start. With very
 * many sockets, events then wait longer and go in fewer, larger writes, rather than the writes
 * taking the event loop from the requests (`gapMs` alone would let a flush of 9 ms run every
 * 10 ms).
 */
export class LiveOutbox<S extends FrameTarget> {
  private readonly queued = new Map<number, OutgoingFrame[]>();
  private scheduled = false;
  private timer: NodeJS.Timeout | null = null;
  private lastFlush = -Infinity;
  private gapAfterLast: number;
  private rotation = 0;

  constructor(
    private readonly socketsOf: (accountId: number) => Iterable<S> | undefined,
    /** `bytes`: the frames one after another; `frames`: the same, one by one. */
    private readonly write: (socket: S, bytes: Buffer, frames: OutgoingFrame[]) => void,
    private readonly gapMs = 0,
    private readonly share = 1,
  ) {
    this.gapAfterLast = gapMs;
  }

  /** How long after the last flush's start the next may start, in ms (tests). */
  get gap(): number {
    return this.gapAfterLast;
  }

  push(accountId: number, frames: OutgoingFrame[]): void {
    if (frames.length === 0) return;
    const queued = this.queued.get(accountId);
    if (queued) queued.push(...frames);
    else this.queued.set(accountId, frames);
    if (this.scheduled) return;
    this.scheduled = true;
    const wait = this.lastFlush + this.gapAfterLast - performance.now();
    if (wait < 1) setImmediate(() => this.flush());
    else this.timer = setTimeout(() => this.flush(), wait);
  }

  /** Writes everything queued now (also on shutdown, before the sockets close). */
  flush(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    this.scheduled = false;
    if (this.queued.size === 0) return;
    const started = performance.now();
    this.lastFlush = started;
    const accounts = [...this.queued];
    this.queued.clear();
    this.rotation++;
    for (const [accountId, frames] of accounts) {
      const sockets = this.socketsOf(accountId);
      if (sockets) this.deliver(sockets, frames);
    }
    this.gapAfterLast = Math.max(this.gapMs, (performance.now() - started) / this.share);
  }

  private deliver(sockets: Iterable<S>, frames: OutgoingFrame[]): void {
    const list = [...sockets];
    let all: Buffer | null = null;
    for (let k = 0; k < list.length; k++) {
      const socket = list[(k + this.rotation) % list.length];
      let every = true;
      let any = false;
      for (const f of frames) {
        if (wants(socket, f)) any = true;
        else every = false;
      }
      if (!any) continue;
      if (every) {
        all ??= frames.length === 1 ? frames[0].frame : Buffer.concat(frames.map((f) => f.frame));
        this.write(socket, all, frames);
      } else {
        const mine = frames.filter((f) => wants(socket, f));
        this.write(socket, mine.length === 1 ? mine[0].frame : Buffer.concat(mine.map((f) => f.frame)), mine);
      }
    }
  }
}

/** A frame's message without its header (for `ws.send`). */
export function payloadOf(frame: Buffer): Buffer {
  return frame.subarray(frame[1] < 126 ? 2 : frame[1] === 126 ? 4 : 10);
}

function wants(socket: FrameTarget, frame: OutgoingFrame): boolean {
  return socket.channels.has(frame.channel) && frame.skipClient !== socket.clientId;
}

/**
 * The stream under a `ws` socket, to write whole frames to it, or null: then `writeFrames` sends
 * each message through `ws.send`, which frames it again. ws keeps the connection as `_socket`, its
 * only handle on it, through every major version; the version is pinned in package.json and
 * `live-frames.spec.ts` checks this path against it (frames of every length header, between
 * ws's own messages and pings, counted in `bufferedAmount`). Our frames and ws's own are each
 * written whole and in call order as long as ws queues nothing of its own, which holds while no
 * extension is negotiated: with permessage-deflate ws compresses asynchronously and would send
 * its frames after ours, so such a socket takes the fallback. (Off by default, and kept off here.)
 */
export function streamOf(ws: WebSocket): Duplex | null {
  if (ws.extensions !== '') return null;
  const stream = (ws as unknown as { _socket?: Duplex | null })._socket;
  return stream && typeof stream.write === 'function' ? stream : null;
}

/** Writes frames to a socket: as they are to its stream (`streamOf`), or one message at a time through ws. */
export function writeFrames(
  ws: WebSocket,
  stream: Duplex | null,
  bytes: Buffer,
  frames: readonly OutgoingFrame[],
): void {
  if (stream) stream.write(bytes);
  else for (const f of frames) ws.send(payloadOf(f.frame), { binary: false });
}
