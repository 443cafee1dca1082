import { createServer, Server, Socket } from 'node:net';

/** How the proxy treats traffic: forward it, refuse connections, or hold every byte (a hung server). */
export type ProxyMode = 'pass' | 'refuse' | 'freeze';

const COM_QUERY = 0x03;

interface Link {
  client: Socket;
  server: Socket;
  /** Bytes from the client not yet split into whole MySQL packets. */
  partial: Buffer;
  /** Held while frozen, forwarded in order on thaw. */
  heldUp: Buffer[];
  heldDown: Buffer[];
  /** This connection's transaction has run a statement the armed cut waits for. */
  marked: boolean;
}

interface CommitCut {
  after: RegExp;
  forward: boolean;
  done: (cut: boolean) => void;
}

/**
 * A loopback TCP proxy in front of a real MySQL/MariaDB server, for outage tests: the service
 * under test connects through it, and the test refuses connections (an unreachable database),
 * freezes traffic (a hung server: connections are accepted, nothing is answered), or cuts one
 * connection right at its COMMIT (a commit whose result the client never learns).
 */
export class DatabaseProxy {
  private mode: ProxyMode = 'pass';
  private readonly links = new Set<Link>();
  private cut?: CommitCut;

  private constructor(
    private server: Server,
    readonly port: number,
    private readonly target: { host: string; port: number },
    private readonly mysql: boolean,
  ) {}

  /** `mysql: false` forwards bytes as they come (Redis, say): no cut at COMMIT then. */
  static async start(target: { host: string; port: number }, mysql = true): Promise<DatabaseProxy> {
    const holder: { proxy?: DatabaseProxy } = {};
    const server = createServer((socket) => holder.proxy!.accept(socket));
    const port = await listen(server, 0);
    holder.proxy = new DatabaseProxy(server, port, target, mysql);
    return holder.proxy;
  }

  /** The same database URL, through this proxy. */
  url(databaseUrl: string): string {
    const url = new URL(databaseUrl);
    url.hostname = '127.0.0.1';
    url.port = String(this.port);
    return url.toString();
  }

  /** An unreachable database: open connections are reset and new ones refused. */
  async refuse(): Promise<void> {
    this.mode = 'refuse';
    for (const link of this.links) this.drop(link);
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  /** A hung database: connections are accepted and kept, but no byte goes through either way. */
  freeze(): void {
    this.mode = 'freeze';
  }

  /** Back to normal: listening again, held bytes delivered. */
  async restore(): Promise<void> {
    const was = this.mode;
    this.mode = 'pass';
    if (was === 'refuse') {
      const server = createServer((socket) => this.accept(socket));
      await listen(server, this.port);
      this.server = server;
    }
    for (const link of this.links) {
      for (const chunk of link.heldUp.splice(0)) link.server.write(chunk);
      for (const chunk of link.heldDown.splice(0)) link.client.write(chunk);
    }
  }

  /**
   * Arms a one-shot cut: on the first connection that runs a statement matching `after`, its next
   * COMMIT is forwarded to the server (`forward`: it commits) or dropped (the server rolls back),
   * and the client's connection is closed before any answer. Resolves once the cut happened.
   */
  cutAtCommit(after: RegExp, forward: boolean): Promise<boolean> {
    return new Promise((resolve) => (this.cut = { after, forward, done: resolve }));
  }

  /** Forgets an armed cut that has not happened (its promise resolves to false). */
  disarm(): void {
    this.cut?.done(false);
    this.cut = undefined;
  }

  async close(): Promise<void> {
    this.disarm();
    for (const link of this.links) this.drop(link);
    if (this.mode !== 'refuse') await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private accept(client: Socket): void {
    if (this.mode === 'refuse') {
      client.destroy();
      return;
    }
    const server = new Socket();
    const link: Link = { client, server, partial: Buffer.alloc(0), heldUp: [], heldDown: [], marked: false };
    this.links.add(link);
    client.on('data', (chunk: Buffer) => this.fromClient(link, chunk));
    server.on('data', (chunk: Buffer) => {
      if (this.mode === 'freeze') link.heldDown.push(chunk);
      else client.write(chunk);
    });
    const end = () => this.drop(link);
    client.on('close', end).on('error', end);
    server.on('close', end).on('error', end);
    server.connect(this.target.port, this.target.host);
  }

  private fromClient(link: Link, chunk: Buffer): void {
    if (!this.mysql) {
      if (this.mode === 'freeze') link.heldUp.push(chunk);
      else link.server.write(chunk);
      return;
    }
    link.partial = Buffer.concat([link.partial, chunk]);
    // Whole packets only: a header of 3 bytes of length and 1 of sequence, then the payload.
    while (link.partial.length >= 4) {
      const length = link.partial.readUIntLE(0, 3);
      if (link.partial.length < 4 + length) return;
      const packet = link.partial.subarray(0, 4 + length);
      link.partial = link.partial.subarray(4 + length);
      if (this.cutHere(link, packet)) return;
      if (this.mode === 'freeze') link.heldUp.push(packet);
      else link.server.write(packet);
    }
  }

  private cutHere(link: Link, packet: Buffer): boolean {
    const cut = this.cut;
    if (!cut || packet[4] !== COM_QUERY) return false;
    const sql = packet.subarray(5).toString('utf8').trim();
    if (/^ROLLBACK$/i.test(sql)) link.marked = false;
    else if (cut.after.test(sql)) link.marked = true;
    // A COMMIT may end a text of several statements: those held for it go with it
    // (src/database/held-statements.ts).
    if (!link.marked || !/(^|;\s*)COMMIT$/i.test(sql)) return false;
    this.cut = undefined;
    this.links.delete(link);
    // The client loses its connection before any answer; the server gets the COMMIT (and then
    // the end of the connection) or only the end, which rolls the transaction back.
    link.client.destroy();
    if (cut.forward) link.server.end(packet);
    else link.server.destroy();
    cut.done(true);
    return true;
  }

  private drop(link: Link): void {
    if (!this.links.delete(link)) return;
    link.client.destroy();
    link.server.destroy();
  }
}

function listen(server: Server, port: number): Promise<number> {
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', () => {
      const address = server.address();
      resolve(typeof address === 'object' && address ? address.port : port);
    });
  });
}
