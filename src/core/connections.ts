/*
 * The connections to one origin. undici's own Pool opens a new connection for every
 * request that finds the others busy, before it knows what a connection will speak:
 * three lists sent at once open three connections and pay three TCP and TLS
 * handshakes, even when the first could have carried all three as HTTP/2 streams.
 * This pool does what browsers do:
 * - while an https origin's protocol is unknown, one connection is opened and the
 *   other requests wait for its ALPN answer (one handshake, not one per request);
 * - h2: every request goes over that one connection, as concurrent streams;
 * - HTTP/1.1 (the fallback, and plain http): one request per connection at a time,
 *   as many connections as requests in flight, as undici's Pool does.
 * What ALPN chose is kept per origin (OriginMemory) across pools, with the TLS
 * session cache: undici's Agent drops a pool whenever its last connection closes.
 *
 * A dispatch whose options carry kPreconnect sends nothing: it opens a connection
 * ahead of the first request (TCP + TLS, through the proxy tunnel when there is one)
 * and calls back; the next request takes it.
 *
 * undici's Agent (and the ProxyAgent inside EnvHttpProxyAgent) creates one pool per
 * origin through its `factory` option, and uses of it only dispatch(), close(),
 * destroy() and the events 'connect', 'disconnect', 'connectionError' and 'drain'.
 */
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { TLSSocket } from 'node:tls';
import {
  buildConnector,
  loadClient,
  type Connector,
  type ConnectorOptions,
  type Dispatcher,
  type UndiciClient,
  type UndiciClientOptions,
} from './undici';

export type WireProtocol = 'h2' | 'http/1.1';

/** What is remembered about an origin across the pools undici's Agent makes for it. */
export interface OriginMemory {
  /** What ALPN chose on the last connection. */
  protocol?: WireProtocol;
  /** The connector of direct connections: it holds the TLS session cache. */
  connector?: Connector;
}

/** A dispatch option: open a connection, send nothing, and call back (with an error if it failed). */
export const kPreconnect = Symbol('qencode.preconnect');
export type PreconnectCallback = (error?: Error) => void;

/** Concurrent streams asked of one h2 connection (undici's default cap; the server's SETTINGS may lower it). */
export const H2_STREAMS = 100;
/** A preconnected connection no request took is closed after this. */
const WARM_IDLE_MS = 60_000;

type DispatchOptions = Dispatcher.DispatchOptions & { [kPreconnect]?: PreconnectCallback };
type Handler = Dispatcher.DispatchHandler;
type ConnectCallback = (error: Error | null, socket: Socket | null) => void;

interface Slot {
  client: UndiciClient;
  /** Its 'connect' came (ALPN answered), and no 'disconnect' since. */
  connected: boolean;
  protocol?: WireProtocol;
}

/** The connection is up and can take a request now: one at a time on HTTP/1.1, many on h2. */
function hasRoom(slot: Slot): boolean {
  if (!slot.connected || slot.client.closed || slot.client.destroyed) return false;
  const { size, pending } = slot.client.stats;
  return pending === 0 && size < (slot.protocol === 'h2' ? H2_STREAMS : 1);
}

class PoolClosedError extends Error {
  readonly code: string;
  constructor(destroyed: boolean) {
    super(destroyed ? 'the connection pool was destroyed' : 'the connection pool was closed');
    this.code = destroyed ? 'UND_ERR_DESTROYED' : 'UND_ERR_CLOSED';
  }
}

export class OriginPool extends EventEmitter {
  private readonly url: URL;
  private readonly slots: Slot[] = [];
  private readonly waiting: { opts: DispatchOptions; handler: Handler }[] = [];
  private readonly connector: Connector;
  /** h2 may be negotiated: https, and the client offers it. */
  private readonly h2Possible: boolean;
  private readonly maxConnections: number;
  private warm?: { socket: Promise<Socket | undefined>; timer: NodeJS.Timeout };
  private needDrain = false;
  private closing?: Promise<void>;
  private whenEmpty?: () => void;
  private isDestroyed = false;

  constructor(
    origin: string | URL,
    private readonly options: Record<string, unknown>,
    private readonly memory: OriginMemory,
  ) {
    super();
    this.url = new URL(String(origin));
    this.h2Possible = this.url.protocol === 'https:' && options.allowH2 === true;
    this.maxConnections =
      typeof options.connections === 'number' && options.connections > 0 ? options.connections : Infinity;
    const connect = options.connect;
    // Through a proxy, undici hands over its tunnel as `connect`; otherwise the connector is built as undici's Pool builds it.
    this.connector =
      typeof connect === 'function'
        ? (connect as Connector)
        : (memory.connector ??= buildConnector({
            ...(options.tls as object | undefined),
            allowH2: options.allowH2 === true,
            timeout: options.connectTimeout as number | undefined,
            ...(connect as object | undefined),
          }));
  }

  get destroyed(): boolean {
    return this.isDestroyed;
  }

  get closed(): boolean {
    return this.closing !== undefined;
  }

  /** The protocol requests to this origin go by now: 'unknown' until an https origin's first ALPN answer. */
  private get mode(): 'h2' | 'h1' | 'unknown' {
    if (!this.h2Possible) return 'h1';
    return this.memory.protocol === 'h2' ? 'h2' : this.memory.protocol === 'http/1.1' ? 'h1' : 'unknown';
  }

  dispatch(opts: DispatchOptions, handler: Handler): boolean {
    if (this.isDestroyed || this.closing) {
      handler.onError?.(new PoolClosedError(this.isDestroyed));
      return false;
    }
    const preconnect = opts[kPreconnect];
    if (typeof preconnect === 'function') {
      this.preconnect(preconnect);
      return true;
    }
    this.waiting.push({ opts, handler });
    this.pump();
    this.needDrain = this.waiting.length > 0;
    return !this.needDrain;
  }

  close(): Promise<void> {
    this.closing ??= (async () => {
      if (this.waiting.length > 0) await new Promise<void>((resolve) => (this.whenEmpty = resolve));
      this.dropWarm();
      await Promise.all(this.slots.splice(0).map((s) => s.client.close().catch(() => undefined)));
    })();
    return this.closing;
  }

  async destroy(error?: Error | null): Promise<void> {
    if (this.isDestroyed) return;
    this.isDestroyed = true;
    const reason = error ?? new PoolClosedError(true);
    for (const w of this.waiting.splice(0)) w.handler.onError?.(reason);
    this.whenEmpty?.();
    this.dropWarm();
    await Promise.all(this.slots.splice(0).map((s) => s.client.destroy(reason).catch(() => undefined)));
  }

  /** Hands waiting requests to connections that can take them, opening connections as the protocol allows. */
  private pump(): void {
    while (this.waiting.length > 0 && !this.isDestroyed) {
      const slot = this.pick();
      if (!slot) return;
      const { opts, handler } = this.waiting.shift()!;
      slot.client.dispatch(opts, handler);
    }
    if (this.needDrain) {
      this.needDrain = false;
      this.emit('drain', this.url, [this]);
    }
    if (this.whenEmpty) {
      this.whenEmpty();
      this.whenEmpty = undefined;
    }
  }

  private pick(): Slot | undefined {
    const mode = this.mode;
    // A connection that is up and has room (an h2 connection has room for many streams).
    const free = this.slots.find(hasRoom);
    if (free) return free;
    // h2, or not known yet: the one connection open or opening carries everything; wait for it.
    if (mode !== 'h1' && this.slots.length > 0) return undefined;
    if (this.slots.length >= this.maxConnections) return undefined;
    return this.addSlot();
  }

  private addSlot(): Slot {
    const Client = loadClient();
    const slot = { connected: false } as Slot;
    const client = new Client(this.url, {
      ...this.options,
      connect: ((opts: ConnectorOptions, callback: ConnectCallback) => this.connect(slot, opts, callback)) as never,
    } as UndiciClientOptions);
    slot.client = client;
    client.on('drain', () => this.pump());
    client.on('connect', (origin: URL, targets: readonly Dispatcher[]) => {
      slot.connected = true;
      // An h2 connection takes many requests at once; HTTP/1.1 keeps undici's one at a time.
      if (slot.protocol === 'h2') client.pipelining = H2_STREAMS;
      if (this.h2Possible && slot.protocol) this.memory.protocol = slot.protocol;
      this.emit('connect', origin, [this, ...targets]);
      this.pump();
    });
    client.on('disconnect', (origin: URL, targets: readonly Dispatcher[], error: Error) => {
      // A closed connection is not reused: its client ends once what it still holds is done.
      this.remove(slot);
      queueMicrotask(() => void client.close().catch(() => undefined));
      this.emit('disconnect', origin, [this, ...targets], error);
      this.pump();
    });
    client.on('connectionError', (origin: URL, targets: readonly Dispatcher[], error: Error) => {
      this.remove(slot);
      this.emit('connectionError', origin, [this, ...targets], error);
      // Requests that waited for this connection fail with its error (the caller's retry policy
      // decides what next), rather than each trying, and timing out, in turn.
      if (this.slots.length === 0) for (const w of this.waiting.splice(0)) w.handler.onError?.(error);
      this.pump();
    });
    this.slots.push(slot);
    return slot;
  }

  private remove(slot: Slot): void {
    const i = this.slots.indexOf(slot);
    if (i >= 0) this.slots.splice(i, 1);
  }

  /** A new connection for `slot`: the preconnected one if there is one, else a fresh one. */
  private connect(slot: Slot, opts: ConnectorOptions, callback: ConnectCallback): void {
    const done: ConnectCallback = (error, socket) => {
      if (!error && socket) slot.protocol = protocolOf(socket);
      callback(error, socket);
    };
    const warm = this.takeWarm();
    if (!warm) return this.connector(opts, done as never);
    void warm.then((socket) =>
      socket && !socket.destroyed ? done(null, socket) : this.connector(opts, done as never),
    );
  }

  private preconnect(callback: PreconnectCallback): void {
    if (this.slots.length > 0 || this.warm) return callback();
    let hostname = this.url.hostname;
    if (hostname.startsWith('[')) hostname = hostname.slice(1, -1);
    const opts = {
      host: this.url.host,
      hostname,
      protocol: this.url.protocol,
      port: this.url.port,
      servername: undefined,
      localAddress: null,
    } as unknown as ConnectorOptions;
    const socket = new Promise<Socket | undefined>((resolve) => {
      this.connector(opts, ((error: Error | null, s: Socket | null) => {
        if (error || !s) {
          resolve(undefined);
          callback(error ?? new Error('no connection'));
          return;
        }
        if (this.h2Possible) this.memory.protocol = protocolOf(s);
        resolve(s);
        callback();
      }) as never);
    });
    const timer = setTimeout(() => this.dropWarm(), WARM_IDLE_MS);
    timer.unref();
    this.warm = { socket, timer };
  }

  private takeWarm(): Promise<Socket | undefined> | undefined {
    const warm = this.warm;
    if (!warm) return undefined;
    clearTimeout(warm.timer);
    this.warm = undefined;
    return warm.socket;
  }

  private dropWarm(): void {
    void this.takeWarm()?.then((s) => s?.destroy());
  }
}

function protocolOf(socket: Socket): WireProtocol {
  return (socket as TLSSocket).alpnProtocol === 'h2' ? 'h2' : 'http/1.1';
}

/** undici's Agent `factory`: one OriginPool per origin, each with the memory of its origin. */
export function originPoolFactory(): (origin: string | URL, options: object) => Dispatcher {
  const memory = new Map<string, OriginMemory>();
  return (origin, options) => {
    const key = new URL(String(origin)).origin;
    let m = memory.get(key);
    if (!m) memory.set(key, (m = {}));
    return new OriginPool(origin, options as Record<string, unknown>, m) as unknown as Dispatcher;
  };
}
