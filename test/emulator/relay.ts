import { connect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';

/*
 * A loopback TCP relay that puts a network's latency on the path, not in the request
 * handler: every chunk is held RTT/2 in each direction, in order, so TCP, TLS and HTTP
 * each pay what they pay on a real network.
 *
 * - TCP's handshake: loopback connects at once, so the relay holds the client's first
 *   bytes until one RTT after the connection was accepted (the SYN, SYN-ACK round trip),
 *   then RTT/2 more. A TLS ClientHello thus reaches the server 1.5 RTT after connect(),
 *   as on a real network, and a request on a new TLS 1.3 connection is answered after
 *   3 RTT (TCP, TLS, the request).
 * - Order: each direction is one FIFO of chunks with one timer; a chunk leaves when its
 *   time has come and every chunk before it has left.
 * - Counting: `connections` is every TCP connection accepted. `handshakes` is every TLS
 *   ClientHello the clients sent: the relay reads the records of the client-to-server
 *   stream (5-byte header: content type, version, length) and counts handshake messages
 *   of type client_hello (1) in handshake records (22), which are never encrypted in TLS
 *   1.3 and precede encryption in 1.2. It stops reading a connection at the client's
 *   first application_data record (23): from there on nothing is clear text. A
 *   connection whose first byte is not a handshake record is not TLS (plain HTTP) and
 *   counts no handshake. So each full handshake counts once, a resumed one (a
 *   ClientHello offering a pre_shared_key, extension 41, or a session ticket) counts in
 *   `handshakes` and in `resumed` too, and a HelloRetryRequest's second ClientHello
 *   counts as the extra round trip it is.
 * - Bounds: at most `maxConnections` at once (more are refused), at most
 *   `maxBufferedBytes` held per direction (past it the connection is cut), and the relay
 *   stops by itself after `lifetimeMs` (its timer does not keep the process alive).
 */
export interface RelayOptions {
  /** Where to forward to. */
  target: { host: string; port: number };
  rttMs: number;
  /** Default 256. */
  maxConnections?: number;
  /** Per direction of one connection. Default 32 MiB. */
  maxBufferedBytes?: number;
  /** The relay stops by itself after this. Default 15 minutes. */
  lifetimeMs?: number;
}

export interface RelayStats {
  /** TCP connections accepted. */
  connections: number;
  /** TLS ClientHello messages seen (one per TLS handshake). */
  handshakes: number;
  /** ClientHellos that offered session resumption. */
  resumed: number;
  /** The most connections open at once. */
  maxOpen: number;
  bytesUp: number;
  bytesDown: number;
}

export interface Relay {
  readonly port: number;
  /** `scheme://127.0.0.1:port`. */
  url(scheme: 'http' | 'https'): string;
  readonly stats: RelayStats;
  /** Zeroes the counts (connections already open stay open). */
  resetStats(): void;
  /** Closes every connection relayed, as a window reload or a network change would. */
  dropConnections(): void;
  stop(): Promise<void>;
}

const emptyStats = (): RelayStats => ({
  connections: 0,
  handshakes: 0,
  resumed: 0,
  maxOpen: 0,
  bytesUp: 0,
  bytesDown: 0,
});

export async function startRelay(options: RelayOptions): Promise<Relay> {
  const half = options.rttMs / 2;
  const maxConnections = options.maxConnections ?? 256;
  const maxBuffered = options.maxBufferedBytes ?? 32 * 1024 * 1024;
  let stats = emptyStats();
  const open = new Set<Socket>();
  let stopping: Promise<void> | undefined;

  // Half-open sockets: an end travels the path like data, RTT/2 late, after what was sent before it.
  const server: Server = createServer({ allowHalfOpen: true }, (client) => {
    if (open.size >= 2 * maxConnections) return void client.destroy();
    stats.connections++;
    const acceptedAt = performance.now();
    const upstream = connect({ port: options.target.port, host: options.target.host, allowHalfOpen: true });
    // Every chunk leaves when its time comes: no Nagle delay on top of the path's.
    client.setNoDelay(true);
    upstream.setNoDelay(true);
    open.add(client);
    open.add(upstream);
    stats.maxOpen = Math.max(stats.maxOpen, open.size / 2);
    const cut = () => {
      client.destroy();
      upstream.destroy();
    };
    const hello = new ClientHelloCounter((resumed) => {
      stats.handshakes++;
      if (resumed) stats.resumed++;
    });
    // Client to server: not before the TCP handshake's round trip is over.
    const up = new DelayedPipe(
      upstream,
      maxBuffered,
      cut,
      () => Math.max(performance.now(), acceptedAt + options.rttMs) + half,
    );
    const down = new DelayedPipe(client, maxBuffered, cut, () => performance.now() + half);
    client.on('data', (chunk: Buffer) => {
      stats.bytesUp += chunk.length;
      hello.feed(chunk);
      up.push(chunk);
    });
    upstream.on('data', (chunk: Buffer) => {
      stats.bytesDown += chunk.length;
      down.push(chunk);
    });
    client.on('end', () => up.end());
    upstream.on('end', () => down.end());
    for (const s of [client, upstream]) {
      s.on('error', cut);
      s.on('close', (hadError) => {
        open.delete(s);
        if (hadError) cut();
      });
    }
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  const stop = (): Promise<void> => {
    stopping ??= new Promise<void>((resolve) => {
      clearTimeout(lifetime);
      for (const s of open) s.destroy();
      server.close(() => resolve());
    });
    return stopping;
  };
  const lifetime = setTimeout(() => void stop(), options.lifetimeMs ?? 15 * 60_000);
  lifetime.unref();

  return {
    port,
    url: (scheme) => `${scheme}://127.0.0.1:${port}`,
    get stats() {
      return stats;
    },
    resetStats: () => {
      stats = emptyStats();
    },
    dropConnections: () => {
      for (const s of open) s.destroy();
    },
    stop,
  };
}

/** One direction of a relayed connection: chunks leave in order, each at the time `due()` gave it on arrival. */
class DelayedPipe {
  private readonly queue: { at: number; chunk?: Buffer }[] = [];
  private timer?: NodeJS.Timeout;
  private held = 0;
  private ended = false;

  constructor(
    private readonly to: Socket,
    private readonly maxBuffered: number,
    private readonly cut: () => void,
    private readonly due: () => number,
  ) {}

  push(chunk: Buffer): void {
    this.held += chunk.length;
    if (this.held > this.maxBuffered) return this.cut();
    this.enqueue({ at: this.due(), chunk });
  }

  /** The other side closed its writing half: close ours after what is queued. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.enqueue({ at: this.due() });
  }

  private enqueue(item: { at: number; chunk?: Buffer }): void {
    // Never before the chunk ahead of it.
    const last = this.queue.at(-1);
    if (last && last.at > item.at) item.at = last.at;
    this.queue.push(item);
    if (!this.timer) this.arm();
  }

  private arm(): void {
    const head = this.queue[0];
    if (!head) return void (this.timer = undefined);
    // Timers fire up to a millisecond late: the last millisecond is waited out on setImmediate.
    const wait = head.at - performance.now();
    this.timer =
      wait > 1.5
        ? setTimeout(() => this.arm(), wait - 1.2)
        : (setImmediate(() => this.flush()) as unknown as NodeJS.Timeout);
  }

  private flush(): void {
    const now = performance.now();
    while (this.queue.length > 0 && this.queue[0]!.at <= now + 0.05) {
      const { chunk } = this.queue.shift()!;
      if (this.to.destroyed) continue;
      if (chunk) {
        this.held -= chunk.length;
        this.to.write(chunk);
      } else this.to.end();
    }
    this.arm();
  }
}

/**
 * Reads the TLS records a client sends and reports each ClientHello (with whether it
 * offers resumption). Exact for the clear-text part of the stream; see startRelay.
 */
export class ClientHelloCounter {
  private buffer = Buffer.alloc(0);
  /** Handshake bytes gathered across records (a message may span several). */
  private handshake = Buffer.alloc(0);
  private done = false;
  private first = true;

  constructor(private readonly onHello: (resumed: boolean) => void) {}

  feed(chunk: Buffer): void {
    if (this.done) return;
    this.buffer = Buffer.concat([this.buffer, chunk]);
    while (!this.done && this.buffer.length >= 5) {
      const type = this.buffer[0]!;
      if (this.first && type !== 22) return void (this.done = true); // not TLS
      this.first = false;
      const length = this.buffer.readUInt16BE(3);
      if (this.buffer.length < 5 + length) return;
      const body = this.buffer.subarray(5, 5 + length);
      this.buffer = this.buffer.subarray(5 + length);
      if (type === 23) this.done = true;
      else if (type === 22) this.readHandshake(body);
    }
    if (this.done) this.buffer = Buffer.alloc(0);
  }

  private readHandshake(body: Buffer): void {
    this.handshake = Buffer.concat([this.handshake, body]);
    while (this.handshake.length >= 4) {
      const length = this.handshake.readUIntBE(1, 3);
      if (this.handshake.length < 4 + length) return;
      const type = this.handshake[0]!;
      const message = this.handshake.subarray(4, 4 + length);
      this.handshake = this.handshake.subarray(4 + length);
      // A TLS 1.2 Finished is encrypted yet sent as a handshake record: only a well-formed ClientHello counts.
      if (type === 1 && message.length >= 38 && message[0] === 3) this.onHello(offersResumption(message));
    }
  }
}

/** A ClientHello body offers resumption: a pre_shared_key (41) or a non-empty session ticket (35) extension. */
function offersResumption(hello: Buffer): boolean {
  try {
    let at = 2 + 32; // legacy_version, random
    at += 1 + hello[at]!; // legacy_session_id
    at += 2 + hello.readUInt16BE(at); // cipher_suites
    at += 1 + hello[at]!; // legacy_compression_methods
    if (at + 2 > hello.length) return false;
    const end = at + 2 + hello.readUInt16BE(at);
    at += 2;
    while (at + 4 <= end) {
      const type = hello.readUInt16BE(at);
      const length = hello.readUInt16BE(at + 2);
      if (type === 41 || (type === 35 && length > 0)) return true;
      at += 4 + length;
    }
  } catch {
    // A truncated hello offers nothing.
  }
  return false;
}
