// The live benchmark's counting sockets, in a process of their own (forked by run.mjs, which
// lowers its priority and reads its CPU time apart from the service's and the load's). Each socket
// does the least a client can: the HTTP upgrade by hand, then each frame's header read to skip its
// payload, no JSON; it counts every text frame after `start` (and answers pings).
//
// Once started, the sockets read in turns, every READ_EVERY_MS (BENCH_SOCKETS_READ_MS, default 50;
// 0: as data comes): between turns none is read, so what the service writes waits in the kernel's
// receive buffer and wakes nothing here. A real client reads on another host, where its reading
// costs this one nothing; a receiver woken for every write on the same two cores would take CPU
// from the service it measures (and make each of the service's writes wake a process). The probes
// in run.mjs read as data comes: they time the latency.
//
// Messages from the parent: { open: { port, paths } } → { opened }, { counts: true } → { counts,
// open }; a disconnect ends the process.
import { randomBytes } from 'node:crypto';
import net from 'node:net';
import { setImmediate } from 'node:timers';

const READ_EVERY_MS = Number(process.env.BENCH_SOCKETS_READ_MS ?? 50);

function countingSocket(port, path) {
  return new Promise((resolve, reject) => {
    // Reads into one buffer of its own (no allocation per read); paused, the socket reads nothing.
    const socket = net.connect({
      port,
      host: '127.0.0.1',
      onread: {
        buffer: Buffer.allocUnsafe(64 * 1024),
        callback: (n, buffer) => received(buffer.subarray(0, n)),
      },
    });
    socket.setNoDelay(true);
    let frames = 0;
    let upgraded = false;
    let started = false;
    let head = Buffer.alloc(0); // the response head
    const partial = new Uint8Array(10); // a frame header split between two reads
    let partialLength = 0;
    let skip = 0; // payload bytes of the current frame still to come
    const send = (opcode, text) => {
      // Client frames are masked (RFC 6455 §5.3); a zero key leaves the payload as it is.
      const payload = Buffer.from(text);
      socket.write(Buffer.concat([Buffer.from([0x80 | opcode, 0x80 | payload.length, 0, 0, 0, 0]), payload]));
    };
    const frame = (opcode) => {
      if (opcode === 9) send(10, '');
      else if (opcode === 1 && !started) {
        started = true;
        send(1, JSON.stringify({ action: 'subscribe', name: 'tasks' }));
        resolve({
          close: () => socket.destroy(),
          open: () => !socket.destroyed,
          count: () => frames,
          pause: () => socket.pause(),
          resume: () => socket.resume(),
        });
      } else if (opcode === 1 || opcode === 2) frames++;
    };
    // A server's frame header (unmasked): 2, 4 or 10 bytes, the payload's length in the last 0, 2
    // or 8 (RFC 6455 §5.2). `at` is where it starts in `bytes`, of which `end` are there: false when
    // the header is not all there yet, else true with its size and the payload's length in
    // headerSize and payloadLength. No allocation per frame: a read carries dozens of frames, and
    // this runs for every socket but the probes.
    let headerSize = 0;
    let payloadLength = 0;
    const headerAt = (bytes, at, end) => {
      if (end - at < 2) return false;
      const short = bytes[at + 1] & 0x7f;
      headerSize = short < 126 ? 2 : short === 126 ? 4 : 10;
      if (end - at < headerSize) return false;
      if (short < 126) payloadLength = short;
      else if (short === 126) payloadLength = (bytes[at + 2] << 8) | bytes[at + 3];
      else {
        payloadLength = 0;
        for (let i = 2; i < 10; i++) payloadLength = payloadLength * 256 + bytes[at + i];
      }
      return true;
    };
    const data = (chunk) => {
      let at = 0;
      while (at < chunk.length) {
        if (skip > 0) {
          const n = Math.min(skip, chunk.length - at);
          skip -= n;
          at += n;
          continue;
        }
        if (partialLength > 0) {
          // The rest of a split header: at most 10 bytes are copied, once per split.
          const take = Math.min(10 - partialLength, chunk.length - at);
          partial.set(chunk.subarray(at, at + take), partialLength);
          if (!headerAt(partial, 0, partialLength + take)) {
            partialLength += take;
            return;
          }
          at += headerSize - partialLength;
          partialLength = 0;
          frame(partial[0] & 0x0f);
          skip = payloadLength;
          continue;
        }
        if (!headerAt(chunk, at, chunk.length)) {
          partial.set(chunk.subarray(at), 0);
          partialLength = chunk.length - at;
          return;
        }
        frame(chunk[at] & 0x0f);
        at += headerSize;
        skip = payloadLength;
      }
    };
    // `chunk` is the read buffer, written over by the next read: whatever is kept is copied.
    const received = (chunk) => {
      if (upgraded) return data(chunk);
      head = Buffer.concat([head, chunk]);
      const end = head.indexOf('\r\n\r\n');
      if (end < 0) return;
      if (!head.subarray(0, 12).toString().includes(' 101')) return reject(new Error(head.toString()));
      upgraded = true;
      const rest = head.subarray(end + 4);
      head = Buffer.alloc(0);
      if (rest.length) data(rest);
    };
    socket.on('error', reject);
    socket.write(
      `GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n` +
        `Sec-WebSocket-Key: ${randomBytes(16).toString('base64')}\r\nSec-WebSocket-Version: 13\r\n\r\n`,
    );
  });
}

const sockets = [];

// Reading in turns: every socket is resumed, reads what waits in the poll phase that follows, and
// is paused again in the check phase after it.
if (READ_EVERY_MS > 0) {
  setInterval(() => {
    for (const s of sockets) s.resume();
    setImmediate(() => {
      for (const s of sockets) s.pause();
    });
  }, READ_EVERY_MS);
}

process.on('message', (message) => {
  if (message.open) {
    const { port, paths } = message.open;
    (async () => {
      for (const path of paths) sockets.push(await countingSocket(port, path));
      process.send({ opened: sockets.length });
    })().catch((error) => {
      process.send({ error: String(error?.message ?? error) });
    });
  } else if (message.counts) {
    process.send({ counts: sockets.map((s) => s.count()), open: sockets.filter((s) => s.open()).length });
  }
});

process.on('disconnect', () => {
  for (const s of sockets) s.close();
  process.exit(0);
});
