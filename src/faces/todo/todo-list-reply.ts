import { Readable, Writable } from 'node:stream';
import { StreamableFile } from '@nestjs/common';
import type { ListBody } from './todo-list-entry';

/**
 * A list body's pieces as one stream. Piped to a response, it writes every piece at once, as a
 * Buffer reply writes its one buffer: the response corks the socket on its first write, so the
 * headers and all the pieces leave in one writev, the kernel copying them from where they are.
 * Stream.pipe would stop at the first piece over the socket's high-water mark and wait for a
 * drain, one event-loop round and one more syscall per large piece.
 */
class ListPieces extends Readable {
  constructor(private readonly pieces: readonly Buffer[]) {
    super();
  }

  // Any other consumer (a HEAD reply drains it) reads the same pieces, without copies.
  override _read(): void {
    for (const piece of this.pieces) this.push(piece);
    this.push(null);
  }

  override pipe<T extends NodeJS.WritableStream>(destination: T): T {
    // Ended before the response can finish, so the reply does not take it for cut short.
    this.push(null);
    this.resume();
    const out = destination as unknown as Writable;
    for (const piece of this.pieces) out.write(piece);
    out.end();
    return destination;
  }
}

/** The reply of a list GET: its one buffer, or its pieces with their Content-Length. */
export function listReply(body: ListBody): Buffer | StreamableFile {
  if (body.pieces.length === 1) return body.pieces[0];
  return new StreamableFile(new ListPieces(body.pieces), { length: body.length });
}
