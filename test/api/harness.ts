import assert from 'node:assert/strict';
import { after, before, beforeEach } from 'node:test';
import { QencodeClient, QencodeError, type ClientOptions } from '../../src/core';
import { DEMO_API_KEY, Emulator, type EmulatorOptions } from '../emulator/emulator';

/** One seeded emulator per test file, on an ephemeral port, with a fresh log per test. */
export function useEmulator(options: EmulatorOptions = { seed: true }) {
  const ctx = {} as { emulator: Emulator; client: QencodeClient; url: string };
  const clients: QencodeClient[] = [];
  before(async () => {
    ctx.emulator = new Emulator(options);
    ctx.url = await ctx.emulator.start();
  });
  beforeEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    // A fresh account state per test, so tests cannot see each other's writes.
    for (const key of [...ctx.emulator.accounts.keys()]) ctx.emulator.addAccount(key, options.seed);
    ctx.emulator.clearFaults();
    ctx.emulator.clearRequests();
    ctx.emulator.latencyMs = options.latencyMs ?? 0;
    ctx.client = makeClient();
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await ctx.emulator.stop();
  });
  function makeClient(overrides: Partial<ClientOptions> = {}): QencodeClient {
    const client = new QencodeClient({
      baseUrl: ctx.url,
      apiKey: () => options.apiKeys?.[0] ?? DEMO_API_KEY,
      retry: { baseDelayMs: 5, maxDelayMs: 20 },
      ...overrides,
    });
    clients.push(client);
    return client;
  }
  return Object.assign(ctx, { makeClient });
}

/** The QencodeError a call rejects with; fails the test when it resolves or throws something else. */
export async function failure(p: Promise<unknown>): Promise<QencodeError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof QencodeError, `expected a QencodeError, got ${String(e)}`);
    return e;
  }
  assert.fail('expected a rejection');
}
