import assert from 'node:assert/strict';
import { after, before, it } from 'node:test';
import * as api from '../../src/core';
import { isInvalid, QencodeClient, runPool } from '../../src/core';
import { DEMO_API_KEY, Emulator } from '../emulator/emulator';
import { SAMPLE } from '../emulator/sample-data';

/*
 * A bounded soak: 20,000 mixed reads, writes and purges at concurrency 8, with 5%
 * of requests faulted at random. It shows bounded memory and handles, and that
 * what the client lists at the end agrees with everything it was told succeeded.
 */
const OPERATIONS = Number(process.env.QENCODE_SOAK_OPS ?? 20_000);
const HEAP_GROWTH_BOUND_MB = 16;
const HANDLE_GROWTH_BOUND = 4;

let emulator: Emulator;
let url: string;
before(async () => {
  emulator = new Emulator({ seed: true });
  url = await emulator.start();
});
after(() => emulator.stop());

const gc = () => (globalThis as { gc?: () => void }).gc?.();

it(`soak: ${OPERATIONS} operations with 5% faults`, { timeout: 600_000 }, async () => {
  assert.ok((globalThis as { gc?: unknown }).gc, 'run with --expose-gc, so memory is measured after collection');
  const client = new QencodeClient({
    baseUrl: url,
    apiKey: () => DEMO_API_KEY,
    timeouts: { headersMs: 2000, bodyMs: 2000, overallMs: 10_000 },
    retry: { baseDelayMs: 2, maxDelayMs: 10 },
  });
  await api.listDomains(client); // warm: token and connections
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const handlesBefore = process.getActiveResourcesInfo().length;
  emulator.randomFaults = {
    rate: 0.05,
    faults: [
      { type: 'status', status: 503 },
      { type: 'status', status: 500 },
      { type: 'rate-limit', retryAfter: 0 },
      { type: 'reset' },
      { type: 'malformed-json' },
      { type: 'reset-mid-body' },
      { type: 'error-in-200', shape: 'status-failed' },
      { type: 'success-envelope' },
    ],
  };

  // What the client was told: a domain it created (or deleted) for sure, or unknown after an ambiguous failure.
  const model = new Map<string, 'present' | 'absent' | 'unknown'>();
  let ok = 0;
  let failed = 0;
  let skipped = 0;
  const started = Date.now();
  const ops = Array.from({ length: OPERATIONS }, (_, i) => i);
  await runPool(
    ops,
    8,
    async (i) => {
      const kind = i % 10;
      const name = `soak-${Math.floor(i / 10) % 12}.example.com`;
      try {
        if (kind <= 2) await api.listDomains(client);
        else if (kind === 3) await api.getDomain(client, SAMPLE.vodDomainId);
        else if (kind === 4) await api.listSigningKeys(client);
        else if (kind === 5) await api.purgeObject(client, SAMPLE.mediaBucket, `soak/${i}.ts`);
        else if (kind === 6) await api.setCors(client, SAMPLE.promoBucket, { 'Access-Control-Max-Age': String(i) });
        else if (kind === 7) await api.renameSigningKey(client, SAMPLE.bucketKeyId, `soak ${i}`);
        else if (kind === 8) {
          if (model.get(name) === 'present') return void skipped++;
          try {
            await api.createDomain(client, { name, type: 'live' });
            model.set(name, 'present');
          } catch (error) {
            if (api.isQencodeError(error, 'http') && error.status === 409)
              model.set(name, model.get(name) === 'absent' ? 'unknown' : (model.get(name) ?? 'unknown'));
            else model.set(name, 'unknown');
            throw error;
          }
        } else {
          const domains = await api.listDomains(client);
          const found = domains.find((d) => !isInvalid(d) && d.name === name);
          if (!found || isInvalid(found)) return void skipped++;
          try {
            await api.deleteDomain(client, found.id);
            model.set(name, 'absent');
          } catch (error) {
            model.set(name, api.isQencodeError(error, 'http') && error.status === 404 ? 'absent' : 'unknown');
            throw error;
          }
        }
        ok++;
      } catch {
        failed++;
      }
    },
    new AbortController().signal,
  );
  const seconds = (Date.now() - started) / 1000;
  emulator.randomFaults = undefined;

  // The end state: what a refreshed tree would list agrees with every certain outcome.
  const listed = new Set(
    (await api.listDomains(client)).filter((d) => !isInvalid(d)).map((d) => (d as api.Domain).name),
  );
  const emulated = new Set([...emulator.account().domains.values()].map((d) => d.domain_name));
  assert.deepEqual([...listed].sort(), [...emulated].sort(), 'the listing equals the emulator state');
  const wrong = [...model].filter(
    ([name, state]) => (state === 'present' && !listed.has(name)) || (state === 'absent' && listed.has(name)),
  );
  assert.deepEqual(wrong, [], 'every create and delete that succeeded shows');
  await client.close();

  // The emulator runs in this process: its own request log is not the client's memory.
  const faulted = emulator.requests.length;
  emulator.clearRequests();
  await new Promise((r) => setTimeout(r, 200));
  gc();
  const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;
  const handleGrowth = process.getActiveResourcesInfo().length - handlesBefore;
  console.log(
    `soak: ${OPERATIONS} operations in ${seconds.toFixed(1)} s (${Math.round(OPERATIONS / seconds)}/s), ${ok} ok, ${failed} failed after retries, ${skipped} skipped (nothing to do), ` +
      `${faulted} requests; heap growth ${heapGrowthMb.toFixed(1)} MB (bound ${HEAP_GROWTH_BOUND_MB}), handle growth ${handleGrowth} (bound ${HANDLE_GROWTH_BOUND}); ` +
      `${[...model.values()].filter((v) => v === 'unknown').length} outcomes left unknown by lost replies`,
  );
  assert.equal(ok + failed + skipped, OPERATIONS);
  assert.ok(ok > OPERATIONS * 0.9, `most operations succeed through the faults (${ok})`);
  assert.ok(heapGrowthMb < HEAP_GROWTH_BOUND_MB, `heap growth ${heapGrowthMb.toFixed(1)} MB`);
  assert.ok(handleGrowth <= HANDLE_GROWTH_BOUND, `handle growth ${handleGrowth}`);
});
