import { fork, type ChildProcess } from 'node:child_process';
import { Emulator } from '../emulator/emulator';
import type { TestCertificates } from '../emulator/https';
import { RateLimiter } from '../emulator/rate-limit';
import { startRelay, type Relay } from '../emulator/relay';

/*
 * The stand-in API of the latency bench (the emulator over TLS behind the packet-delay
 * relay) in a process of its own. On 2 cores, a client, a TLS server and a relay in one
 * event loop queue behind each other (about 2 ms a request), and that queueing, not the
 * network, set the pace of a bulk purge at 20 ms RTT. A real API runs elsewhere too.
 * The parent drives it by IPC: counts are read after the work, never during it.
 */
export interface ApiCounts {
  requests: number;
  throttled: number;
  connections: number;
  handshakes: number;
}

type Call =
  | { op: 'start'; rttMs: number; h2: boolean; certificates: TestCertificates }
  | { op: 'clear' }
  | { op: 'counts' }
  | { op: 'rateLimit'; perSecond?: number; path?: string }
  | { op: 'purged'; prefix: string }
  | { op: 'stop' };

export interface RemoteApi {
  /** The relay's `https://127.0.0.1:port`. */
  url: string;
  /** Zeroes the emulator's request log and the relay's counts. */
  clear(): Promise<void>;
  counts(): Promise<ApiCounts>;
  /** A token bucket on paths matching `path` (a RegExp source); no argument removes it. */
  rateLimit(limit?: { perSecond: number; path: string }): Promise<void>;
  /** The paths purged so far that start with `prefix`, in order, repeats kept. */
  purged(prefix: string): Promise<string[]>;
  stop(): Promise<void>;
}

/** Starts the emulator and the relay in a child process. */
export async function startRemoteApi(rttMs: number, h2: boolean, certificates: TestCertificates): Promise<RemoteApi> {
  const child = fork(__filename, [], { stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (m: { id: number; result?: unknown; error?: string }) => {
    const w = waiting.get(m.id);
    waiting.delete(m.id);
    if (m.error !== undefined) w?.reject(new Error(`API process: ${m.error}`));
    else w?.resolve(m.result);
  });
  child.on('exit', (code) => {
    for (const w of waiting.values()) w.reject(new Error(`API process exited (${code})`));
    waiting.clear();
  });
  const call = <T>(c: Call): Promise<T> =>
    new Promise<T>((resolve, reject) => {
      const id = next++;
      waiting.set(id, { resolve: resolve as (v: unknown) => void, reject });
      child.send({ id, call: c });
    });
  const url = await call<string>({ op: 'start', rttMs, h2, certificates });
  return {
    url,
    clear: () => call({ op: 'clear' }),
    counts: () => call({ op: 'counts' }),
    rateLimit: (limit) => call({ op: 'rateLimit', ...limit }),
    purged: (prefix) => call({ op: 'purged', prefix }),
    stop: async () => {
      await call({ op: 'stop' }).catch(() => undefined);
      await exited(child);
    },
  };
}

const exited = (child: ChildProcess) =>
  new Promise<void>((resolve) => (child.exitCode !== null ? resolve() : child.once('exit', () => resolve())));

/** The child's side: one emulator, one relay. */
function serve(): void {
  let emulator: Emulator | undefined;
  let relay: Relay | undefined;
  const handle = async (c: Call): Promise<unknown> => {
    switch (c.op) {
      case 'start': {
        emulator = new Emulator({ seed: true, https: { h2: c.h2, certificates: c.certificates } });
        const direct = new URL(await emulator.start());
        relay = await startRelay({ target: { host: '127.0.0.1', port: Number(direct.port) }, rttMs: c.rttMs });
        return relay.url('https');
      }
      case 'clear':
        emulator!.clearRequests();
        relay!.resetStats();
        return undefined;
      case 'counts':
        return {
          requests: emulator!.requests.length,
          throttled: emulator!.requests.filter((r) => r.status === 429).length,
          connections: relay!.stats.connections,
          handshakes: relay!.stats.handshakes,
        } satisfies ApiCounts;
      case 'rateLimit':
        emulator!.rateLimiter =
          c.perSecond && c.path ? new RateLimiter({ perSecond: c.perSecond, path: c.path }) : undefined;
        return undefined;
      case 'purged':
        return emulator!.account().purges.flatMap((p) => (p.path?.startsWith(c.prefix) ? [p.path] : []));
      case 'stop':
        await relay?.stop();
        await emulator?.stop();
        setImmediate(() => process.exit(0));
        return undefined;
    }
  };
  process.on('message', (m: { id: number; call: Call }) => {
    handle(m.call).then(
      (result) => process.send!({ id: m.id, result }),
      (error: unknown) => process.send!({ id: m.id, error: error instanceof Error ? error.message : String(error) }),
    );
  });
  // The parent gone (a crash, Ctrl-C): go too.
  process.on('disconnect', () => process.exit(0));
}

if (require.main === module) serve();
