import { readFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Duplex } from 'node:stream';
import WebSocket, { WebSocketServer } from 'ws';
import {
  FrameTarget,
  LiveOutbox,
  OutgoingFrame,
  payloadOf,
  streamOf,
  textFrame,
  writeFrames,
} from '../../../src/faces/todo/live/live-frames';

// The fan-out writes its own frames to the stream under a `ws` socket (`streamOf`, ws's private
// `_socket`). These tests hold that path to the installed ws: a real ws client must read exactly
// the messages written, whatever their length header, in order with ws's own messages and pings,
// and ws must count what waits on that stream in `bufferedAmount` (the slow-socket bound reads
// it). Where the path cannot be taken, each message goes through ws.send instead.

const frameOf = (text: string): OutgoingFrame => ({ frame: textFrame(text), channel: 'tasks' });

interface Pair {
  server: WebSocket;
  client: WebSocket;
  received: string[];
  close(): Promise<void>;
}

async function pair(perMessageDeflate = false): Promise<Pair> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, perMessageDeflate });
  await new Promise<void>((resolve) => wss.once('listening', () => resolve()));
  const { port } = wss.address() as AddressInfo;
  const accepted = new Promise<WebSocket>((resolve) => wss.once('connection', resolve));
  const client = new WebSocket(`ws://127.0.0.1:${port}`, { perMessageDeflate });
  const received: string[] = [];
  client.on('message', (data, binary) => received.push(binary ? '<binary>' : (data as Buffer).toString()));
  client.on('ping', () => received.push('<ping>'));
  await new Promise<void>((resolve, reject) => {
    client.once('open', () => resolve());
    client.once('error', reject);
  });
  const server = await accepted;
  return {
    server,
    client,
    received,
    close: async () => {
      client.terminate();
      for (const c of wss.clients) c.terminate();
      await new Promise<void>((resolve) => wss.close(() => resolve()));
    },
  };
}

async function until(check: () => boolean, what: string): Promise<void> {
  for (let i = 0; i < 200 && !check(); i++) await new Promise((r) => setTimeout(r, 10));
  if (!check()) throw new Error(`timed out waiting for ${what}`);
}

describe('live frames written as they are to a ws socket', () => {
  let p: Pair | null = null;

  afterEach(async () => {
    await p?.close();
    p = null;
  });

  it('is the ws version the fast path was checked against (pinned in package.json)', () => {
    // A new ws must pass this file before the pin moves.
    const json = (path: string) => JSON.parse(readFileSync(path, 'utf8')) as Record<string, unknown>;
    const installed = json(require.resolve('ws/package.json')).version;
    const pinned = (json(join(__dirname, '../../../package.json')).dependencies as Record<string, string>).ws;
    expect(installed).toBe(pinned);
  });

  it('reaches a real ws client as one message per frame, with every length header, between ws’s own frames', async () => {
    p = await pair();
    const stream = streamOf(p.server);
    expect(stream).not.toBeNull();
    const short = JSON.stringify({ action: 'event', body: { n: 1, text: 'é' } });
    const medium = JSON.stringify({ action: 'event', body: { text: 'm'.repeat(300) } }); // 16-bit length
    const long = JSON.stringify({ action: 'event', body: { text: 'l'.repeat(70_000) } }); // 64-bit length
    expect(textFrame(medium)[1]).toBe(126);
    expect(textFrame(long)[1]).toBe(127);
    const together = [frameOf(short), frameOf(medium), frameOf(long)];

    writeFrames(p.server, stream, together[0].frame, [together[0]]);
    p.server.send('through ws');
    p.server.ping();
    // The outbox's batch: several frames in one write, still one message each.
    writeFrames(p.server, stream, Buffer.concat(together.map((f) => f.frame)), together);
    p.server.send('last');

    await until(() => p!.received.length >= 7, 'seven messages');
    expect(p.received).toEqual([short, 'through ws', '<ping>', short, medium, long, 'last']);
    expect(p.client.readyState).toBe(WebSocket.OPEN);
  });

  it('counts what waits on the stream in ws’s bufferedAmount', async () => {
    p = await pair();
    const stream = streamOf(p.server)!;
    const frame = textFrame('x'.repeat(10_000));
    stream.cork();
    const before = p.server.bufferedAmount;
    stream.write(frame);
    expect(p.server.bufferedAmount - before).toBe(frame.length);
    stream.uncork();
    await until(() => p!.received.length === 1, 'the message');
  });

  it('falls back to ws.send, one message per frame, when the socket has no stream', () => {
    const sent: Array<{ data: Buffer; binary: boolean | undefined }> = [];
    const bare = {
      extensions: '',
      send: (data: Buffer, options: { binary?: boolean }) => sent.push({ data, binary: options.binary }),
    } as unknown as WebSocket;
    expect(streamOf(bare)).toBeNull();
    expect(streamOf({ extensions: '', _socket: null } as unknown as WebSocket)).toBeNull();
    const frames = ['{"a":1}', 'b'.repeat(200)].map(frameOf);
    writeFrames(bare, null, Buffer.concat(frames.map((f) => f.frame)), frames);
    expect(sent.map((s) => s.data.toString())).toEqual(['{"a":1}', 'b'.repeat(200)]);
    expect(sent.every((s) => s.binary === false)).toBe(true);
    expect(payloadOf(textFrame('l'.repeat(70_000))).toString()).toBe('l'.repeat(70_000));
  });

  it('falls back to ws.send when permessage-deflate is negotiated, and the client still reads every message in order', async () => {
    p = await pair(true);
    expect(p.server.extensions).toContain('permessage-deflate');
    const stream: Duplex | null = streamOf(p.server);
    expect(stream).toBeNull();
    // ws compresses 'before' asynchronously: frames written to the stream now would pass it.
    p.server.send('before '.repeat(50));
    const frames = ['one', 'two'.repeat(100), 'three'].map(frameOf);
    writeFrames(p.server, stream, Buffer.concat(frames.map((f) => f.frame)), frames);
    p.server.send('after');
    await until(() => p!.received.length >= 5, 'five messages');
    expect(p.received).toEqual(['before '.repeat(50), 'one', 'two'.repeat(100), 'three', 'after']);
  });
});

describe('the live outbox', () => {
  const socket: FrameTarget = { clientId: 1, channels: new Set(['tasks']) };
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

  it('writes the first frames at the end of the turn, and those that follow within the gap together, after it', async () => {
    const writes: Array<{ at: number; messages: string[] }> = [];
    const t0 = performance.now();
    const outbox = new LiveOutbox(
      () => [socket],
      (_s, bytes, frames) => {
        expect(Buffer.concat(frames.map((f) => f.frame)).equals(bytes)).toBe(true);
        writes.push({
          at: performance.now() - t0,
          messages: frames.map((f) => payloadOf(f.frame).toString()),
        });
      },
      100,
    );
    outbox.push(1, [frameOf('a')]);
    outbox.push(1, [frameOf('b')]);
    await new Promise((r) => setImmediate(r));
    expect(writes.map((w) => w.messages)).toEqual([['a', 'b']]);
    outbox.push(1, [frameOf('c')]);
    await sleep(20);
    outbox.push(1, [frameOf('d')]);
    await sleep(20);
    expect(writes).toHaveLength(1);
    for (let i = 0; i < 50 && writes.length < 2; i++) await sleep(10);
    expect(writes.map((w) => w.messages)).toEqual([
      ['a', 'b'],
      ['c', 'd'],
    ]);
    expect(writes[1].at - writes[0].at).toBeGreaterThanOrEqual(95);
    // A quiet spell longer than the gap: the next frame goes at the end of its turn again.
    await sleep(110);
    outbox.push(1, [frameOf('e')]);
    await new Promise((r) => setImmediate(r));
    expect(writes.map((w) => w.messages)).toEqual([['a', 'b'], ['c', 'd'], ['e']]);
  });

  it('puts the next write later after a write that took long: writes take at most their share of the time', async () => {
    const starts: number[] = [];
    let cost = 20;
    const outbox = new LiveOutbox(
      () => [socket],
      () => {
        starts.push(performance.now());
        const until = performance.now() + cost;
        while (performance.now() < until);
      },
      10,
      0.25,
    );
    outbox.push(1, [frameOf('a')]);
    await new Promise((r) => setImmediate(r));
    expect(starts).toHaveLength(1);
    expect(outbox.gap).toBeGreaterThanOrEqual(80);
    cost = 0;
    outbox.push(1, [frameOf('b')]);
    for (let i = 0; i < 50 && starts.length < 2; i++) await sleep(10);
    expect(starts).toHaveLength(2);
    expect(starts[1] - starts[0]).toBeGreaterThanOrEqual(79);
    // A cheap write brings the gap back to its least.
    expect(outbox.gap).toBe(10);
    outbox.push(1, [frameOf('c')]);
    for (let i = 0; i < 20 && starts.length < 3; i++) await sleep(5);
    expect(starts[2] - starts[1]).toBeLessThan(60);
  });

  it('starts each flush one socket further along, so that no socket is always written last', async () => {
    const sockets = Array.from(
      { length: 3 },
      (_, i): FrameTarget => ({ clientId: i, channels: new Set(['tasks']) }),
    );
    const firsts: number[] = [];
    let writes = 0;
    const outbox = new LiveOutbox(
      () => sockets,
      (s) => {
        if (writes++ % 3 === 0) firsts.push(s.clientId);
      },
    );
    for (const text of ['a', 'b', 'c']) {
      outbox.push(1, [frameOf(text)]);
      await new Promise((r) => setImmediate(r));
    }
    expect(new Set(firsts).size).toBe(3);
  });

  it('writes what waits at once when flushed (shutdown)', () => {
    const written: string[] = [];
    const outbox = new LiveOutbox(
      () => [socket],
      (_s, _bytes, frames) => written.push(...frames.map((f) => payloadOf(f.frame).toString())),
      1000,
    );
    outbox.flush();
    outbox.push(1, [frameOf('x')]);
    outbox.flush();
    outbox.push(1, [frameOf('y')]);
    outbox.flush();
    expect(written).toEqual(['x', 'y']);
  });
});
