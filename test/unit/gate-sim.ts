import { RateGate, type GateStats } from '../../src/core/rate-gate';

/*
 * The rate gate in virtual time: a token-bucket server at a fixed round trip, and
 * `concurrency` workers that send through one gate and re-send what got a 429, as
 * the client's retry loop does. Deterministic, and a simulated minute runs in well
 * under a second.
 */
export class VirtualTime {
  t = 0;
  private seq = 0;
  private timers: { at: number; seq: number; fire: () => void }[] = [];
  readonly now = () => this.t;
  readonly sleep = (ms: number, signal?: AbortSignal) =>
    new Promise<void>((resolve, reject) => {
      if (signal?.aborted) return reject(signal.reason as Error);
      const timer = { at: this.t + Math.max(0, ms), seq: this.seq++, fire: resolve };
      this.timers.push(timer);
      signal?.addEventListener(
        'abort',
        () => {
          this.timers = this.timers.filter((x) => x !== timer);
          reject(signal.reason as Error);
        },
        { once: true },
      );
    });

  /** Runs timers in order until `done` holds (or nothing is left to run). */
  async run(done: () => boolean): Promise<void> {
    for (;;) {
      await new Promise((r) => setImmediate(r));
      if (done() || this.timers.length === 0) return;
      this.timers.sort((a, b) => a.at - b.at || a.seq - b.seq);
      const next = this.timers.shift()!;
      this.t = Math.max(this.t, next.at);
      next.fire();
    }
  }
}

export interface Run {
  seconds: number;
  perSecond: number;
  stats: GateStats;
  /** Server side: accepted requests per item. */
  purged: Map<number, number>;
  refused: number;
}

export async function simulate(o: {
  items: number;
  concurrency: number;
  rttMs: number;
  limit: number;
  burst: number;
  gate?: boolean;
  retryAfter?: (tokens: number) => number;
}): Promise<Run> {
  const vt = new VirtualTime();
  const gate = new RateGate({ now: vt.now, sleep: vt.sleep });
  let tokens = o.burst;
  let last = 0;
  const purged = new Map<number, number>();
  let refused = 0;
  /** The server's token bucket, at the moment a request arrives: a Retry-After in seconds, or undefined when accepted. */
  const arrive = (item: number): number | undefined => {
    tokens = Math.min(o.burst, tokens + ((vt.t - last) / 1000) * o.limit);
    last = vt.t;
    if (tokens >= 1) {
      tokens -= 1;
      purged.set(item, (purged.get(item) ?? 0) + 1);
      return undefined;
    }
    refused++;
    return o.retryAfter ? o.retryAfter(tokens) : Math.max(1, Math.ceil((1 - tokens) / o.limit));
  };
  let next = 0;
  let finished = 0;
  const worker = async () => {
    while (next < o.items) {
      const item = next++;
      for (;;) {
        const ticket = o.gate === false ? { sentAt: vt.t, epoch: 0 } : await gate.acquire();
        await vt.sleep(o.rttMs / 2);
        const retryAfter = arrive(item);
        await vt.sleep(o.rttMs / 2);
        if (retryAfter === undefined) {
          gate.accepted(ticket);
          break;
        }
        if (o.gate === false) await vt.sleep(retryAfter * 1000);
        else gate.throttled(ticket, retryAfter * 1000);
      }
      finished++;
    }
  };
  const all = Promise.all(Array.from({ length: o.concurrency }, worker));
  await vt.run(() => finished === o.items);
  await all;
  if (process.env.GATE_DEBUG)
    console.log(
      JSON.stringify({ o, seconds: vt.t / 1000, perSecond: o.items / (vt.t / 1000), stats: gate.stats, refused }),
    );
  return { seconds: vt.t / 1000, perSecond: o.items / (vt.t / 1000), stats: gate.stats, purged, refused };
}
