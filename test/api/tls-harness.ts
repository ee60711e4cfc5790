import { after, before } from 'node:test';
import { listDomains, listSigningKeys, listTlsSubscriptions, QencodeClient, type ClientOptions } from '../../src/core';
import { DEMO_API_KEY, Emulator, type EmulatorOptions } from '../emulator/emulator';
import { testCertificates, type TestCertificates } from '../emulator/https';
import { startRelay, type Relay } from '../emulator/relay';

/*
 * The emulator over TLS behind a latency relay, for tests that count what crosses the
 * wire: requests (the emulator's log), TCP connections and TLS handshakes (the relay's).
 * A small RTT keeps them fast; they assert counts, not times.
 */
export const TEST_RTT_MS = 5;

export function useTlsEmulator(options: EmulatorOptions = {}) {
  const ctx = {} as { emulator: Emulator; relay: Relay; certificates: TestCertificates; url: string };
  const clients: QencodeClient[] = [];
  before(async () => {
    ctx.certificates = await testCertificates();
    ctx.emulator = new Emulator({ seed: true, https: true, ...options });
    const direct = new URL(await ctx.emulator.start());
    ctx.relay = await startRelay({ target: { host: '127.0.0.1', port: Number(direct.port) }, rttMs: TEST_RTT_MS });
    ctx.url = ctx.relay.url('https');
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await ctx.relay.stop();
    await ctx.emulator.stop();
  });
  /** A client of the relayed emulator that trusts the test CA. */
  function makeClient(overrides: Partial<ClientOptions> = {}): QencodeClient {
    const client = new QencodeClient({
      baseUrl: ctx.url,
      apiKey: () => DEMO_API_KEY,
      ca: ctx.certificates.ca,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      ...overrides,
    });
    clients.push(client);
    return client;
  }
  /** Zeroes the request log and the relay's counts. */
  function reset(): void {
    ctx.emulator.clearRequests();
    ctx.relay.resetStats();
  }
  /** What the last scenario cost on the wire. */
  function counts() {
    return {
      requests: ctx.emulator.requests.length,
      connections: ctx.relay.stats.connections,
      handshakes: ctx.relay.stats.handshakes,
    };
  }
  /** Closes every client made so far (their connections end). */
  async function closeClients(): Promise<void> {
    await Promise.all(clients.splice(0).map((c) => c.close()));
  }
  return Object.assign(ctx, { makeClient, reset, counts, closeClients });
}

/** The three lists a first expand of every group asks for, in parallel as the tree does. */
export function expandAll(client: QencodeClient): Promise<unknown> {
  return Promise.all([listDomains(client), listTlsSubscriptions(client), listSigningKeys(client)]);
}
