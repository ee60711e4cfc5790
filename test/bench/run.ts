import { spawn } from 'node:child_process';
import { cpus, totalmem } from 'node:os';
import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import * as api from '../../src/core';
import { QencodeClient, runPool } from '../../src/core';
import { DEMO_API_KEY, Emulator } from '../emulator/emulator';
import { SAMPLE } from '../emulator/sample-data';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { launchBrowser, ROOT, runInHost, startCodeServer } from '../host/code-server';
import { Workbench } from '../e2e/workbench';
import { BUDGET as HOSTILE_BUDGET, hostileBench } from './hostile-manifests';
import { edgeBench } from './edge';
import { streamBench } from './streams';
import { streamRelayBench } from './stream-relay';
import { startTrace, summarize, type TraceSummary } from './trace';
import { latencyBench, latencyReport } from './latency';

/*
 * npm run bench: measures the extension against the physical limit (round trips
 * at a fixed latency) and against baselines, side by side; every figure is the
 * median of at least 5 runs after a warm-up, with its min and max (the 150 ms purge
 * and the rate-limited purge: 3 runs). It exits non-zero when a budget is missed,
 * writes test-results/bench.json (keeping the previous one for the trend), and
 * rewrites the README's performance table.
 *
 * Two models of the network: the older rows add a fixed delay to each request in the
 * emulator's handler (kept for the trend); the "TLS" rows (./latency.ts) go through a
 * relay that delays every packet by RTT/2 each way, over TLS with h2 offered, so TCP,
 * TLS and HTTP each pay what they pay on a real network.
 */
const RUNS = 5;
const RESULTS = join(ROOT, 'test-results');

interface Stat {
  median: number;
  min: number;
  max: number;
}
const stat = (xs: number[]): Stat => {
  const s = [...xs].sort((a, b) => a - b);
  return { median: s[Math.floor(s.length / 2)]!, min: s[0]!, max: s.at(-1)! };
};
const r1 = (n: number) => Math.round(n * 10) / 10;
const r2 = (n: number) => Math.round(n * 100) / 100;

async function bundleSize() {
  const { buildAll, BUDGETS } = (await import(pathToFileURL(join(ROOT, 'esbuild.mjs')).href)) as {
    BUDGETS: { startupBytes: number; totalBytes: number };
    buildAll: (o: { production: boolean; write: boolean }) => Promise<{
      startup: { bytes: number };
      chunks: { file: string; bytes: number }[];
      files: { path: string; contents: Uint8Array }[];
    }>;
  };
  const built = await buildAll({ production: true, write: false });
  const js = built.files.find((f) => f.path.endsWith(join('dist', 'extension.js')))!;
  const total = built.startup.bytes + built.chunks.reduce((n, c) => n + c.bytes, 0);
  return { bytes: built.startup.bytes, gzip: gzipSync(js.contents).length, totalBytes: total, budgets: BUDGETS };
}

interface HostResult {
  moduleLoadMs: number;
  activateMs: number;
  activationIo: { requests: number; secretReads: number };
  treeFill: { latencyMs: number; coldMs: number; warmMs: number; coldRequests: number; warmRequests: number };
  bigList: { keys: number; ms: number; heapGrowthMb: number };
  vscodeVersion: string;
}

async function hostRuns(): Promise<HostResult[]> {
  const results: HostResult[] = [];
  for (let i = 0; i <= RUNS; i++) {
    let found: HostResult | undefined;
    const code = await runInHost({
      testsIndex: join(ROOT, 'out', 'test', 'bench', 'host-index.js'),
      timeoutMs: 180_000,
      onLine: (line) => {
        if (line.startsWith('BENCH ')) found = JSON.parse(line.slice(6)) as HostResult;
        else if (/error/i.test(line)) process.stderr.write(`${line}\n`);
      },
    });
    if (code !== 0 || !found) throw new Error(`host run ${i + 1} failed (exit ${code})`);
    process.stdout.write(
      `  host start ${i + 1}/${RUNS + 1}${i === 0 ? ' (warm-up)' : ''}: load ${r1(found.moduleLoadMs)} ms, activate ${r1(found.activateMs)} ms, tree fill ${r1(found.treeFill.coldMs)}/${r1(found.treeFill.warmMs)} ms\n`,
    );
    if (i > 0) results.push(found);
  }
  return results;
}

/**
 * Time from clicking "Signing Keys" (5,000 keys, caches dropped by Refresh) to the
 * first key row on screen, in the real workbench, through the packaged VSIX.
 */
async function renderedList(): Promise<{ times: number[]; trace: TraceSummary }> {
  const emulator = new Emulator({ apiKeys: [DEMO_API_KEY] });
  const account = emulator.account();
  for (let i = 0; i < 20; i++)
    account.domains.set(`d${i}`, {
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      domain_name: `d${i}.example.com`,
      type: 'live',
      created: '2024-01-01 00:00:00',
    });
  for (let i = 0; i < 5000; i++)
    account.keys.set(`k${i}`, {
      id: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: `key ${String(i).padStart(4, '0')}`,
      stream_id: SAMPLE.streamId,
      created: '2024-01-01 00:00:00',
    });
  const url = await emulator.start();
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const workspace = mkdtempSync(join(tmpdir(), 'qencode-bench-ws-'));
  const server = await startCodeServer({
    workspace,
    vsix: [join(ROOT, `qencode-cdn-${version}.vsix`)],
    settings: { 'qencodeCdn.apiUrl': url },
    env: { QENCODE_CDN_DEMO_API_KEY: DEMO_API_KEY },
  });
  const browser = await launchBrowser();
  try {
    const wb = new Workbench(browser.page);
    await wb.open(server.url, workspace);
    await wb.openView('Qencode CDN');
    await wb.row('Demo (local emulator)').waitFor({ timeout: 60_000 });
    const group = wb.row('Signing Keys');
    const firstRow = async (trace = false) => {
      if ((await group.getAttribute('aria-expanded')) === 'true') await group.click();
      await wb.command('Qencode CDN: Refresh');
      await wb.row('key 0000').waitFor({ state: 'detached' });
      const tracing = trace ? await startTrace(browser.context, browser.page) : undefined;
      const started = performance.now();
      await group.click();
      await wb.row('key 0000').waitFor({ timeout: 30_000 });
      const ms = performance.now() - started;
      return { ms, events: (await tracing?.stop()) ?? [] };
    };
    const times: number[] = [];
    for (let i = 0; i <= RUNS; i++) {
      const { ms } = await firstRow();
      if (i > 0) times.push(ms);
    }
    // One more, traced from the click to the first row (not counted: tracing slows the renderer).
    const { events } = await firstRow(true);
    mkdirSync(RESULTS, { recursive: true });
    writeFileSync(join(RESULTS, 'first-row-trace.json'), JSON.stringify({ traceEvents: events }));
    return { times, trace: summarize(events) };
  } finally {
    await browser.close();
    await server.stop();
    await emulator.stop();
    rmSync(workspace, { recursive: true, force: true });
  }
}

async function purgeThroughput(emulator: Emulator, url: string, paths: number, concurrency: number): Promise<number> {
  const client = new QencodeClient({ baseUrl: url, apiKey: () => DEMO_API_KEY });
  await client.verifyApiKey();
  const targets = Array.from({ length: paths }, (_, i) => `bench/${i}.ts`);
  const started = performance.now();
  const result = await runPool(
    targets,
    concurrency,
    (p, s) => api.purgeObject(client, SAMPLE.mediaBucket, p, s),
    new AbortController().signal,
  );
  const seconds = (performance.now() - started) / 1000;
  await client.close();
  if (result.done.length !== paths) throw new Error(`purge run lost ${paths - result.done.length} paths`);
  void emulator;
  return paths / seconds;
}

/** A shell loop of curl, one process per path, as a user would script it. Async: the emulator shares this process. */
async function curlThroughput(url: string, token: string, paths: number): Promise<number> {
  const started = performance.now();
  for (let i = 0; i < paths; i++) {
    const args = [
      '-s',
      '-o',
      '/dev/null',
      '-w',
      '%{http_code}',
      '--max-time',
      '10',
      '-X',
      'POST',
      `${url}/v1/buckets/${SAMPLE.mediaBucket}/cache/purge`,
      '-H',
      `Authorization: Bearer ${token}`,
      '-H',
      'Content-Type: application/json',
      '--data',
      JSON.stringify({ path: `curl/${i}.ts` }),
    ];
    const status = await new Promise<string>((resolve, reject) => {
      let out = '';
      const child = spawn('curl', args);
      child.stdout.on('data', (d: Buffer) => (out += d.toString()));
      child.on('error', reject);
      child.on('close', () => resolve(out));
    });
    if (status !== '200') throw new Error(`curl got ${status}`);
  }
  return paths / ((performance.now() - started) / 1000);
}

async function clientOverhead(url: string): Promise<number> {
  const client = new QencodeClient({ baseUrl: url, apiKey: () => DEMO_API_KEY });
  await api.listDomains(client);
  const n = 2000;
  const started = performance.now();
  await runPool(
    Array.from({ length: n }, (_, i) => i),
    8,
    () => api.listDomains(client).then(() => undefined),
    new AbortController().signal,
  );
  const rps = n / ((performance.now() - started) / 1000);
  await client.close();
  return rps;
}

async function main(): Promise<void> {
  mkdirSync(RESULTS, { recursive: true });
  process.stdout.write('Qencode CDN bench\n');
  const bundle = await bundleSize();

  process.stdout.write(
    `Start-up and tree fill in the real extension host (${RUNS} fresh host starts after a warm-up):\n`,
  );
  const hosts = await hostRuns();

  process.stdout.write('A 5,000-key list, rendered in the real workbench:\n');
  const rendered = await renderedList();
  process.stdout.write(`  first rendered row after ${rendered.times.map((t) => Math.round(t)).join(', ')} ms\n`);
  process.stdout.write(
    `  traced once (test-results/first-row-trace.json): ${r1(rendered.trace.wallMs)} ms, the renderer's main thread busy ${r1(rendered.trace.busyMs)} ms; ${rendered.trace.top
      .slice(0, 5)
      .map((e) => `${e.name} ${r1(e.selfMs)} ms`)
      .join(', ')}\n`,
  );

  process.stdout.write('Bulk purge and client overhead against the emulator:\n');
  const emulator = new Emulator({ seed: true });
  const url = await emulator.start();
  const PURGE_LATENCY = 20;
  const CONCURRENCY = 8;
  emulator.latencyMs = PURGE_LATENCY;
  const tokenClient = new QencodeClient({ baseUrl: url, apiKey: () => DEMO_API_KEY });
  const token = await (async () => {
    await tokenClient.verifyApiKey();
    emulator.clearRequests();
    const res = await fetch(`${url}/v1/access_token/${DEMO_API_KEY}`, { method: 'POST' });
    return ((await res.json()) as { access_token: string }).access_token;
  })();
  await tokenClient.close();
  const purge: number[] = [];
  const serial: number[] = [];
  const curl: number[] = [];
  await purgeThroughput(emulator, url, 200, CONCURRENCY); // warm-up
  await curlThroughput(url, token, 20);
  for (let i = 0; i < RUNS; i++) {
    purge.push(await purgeThroughput(emulator, url, 1000, CONCURRENCY));
    serial.push(await purgeThroughput(emulator, url, 200, 1));
    curl.push(await curlThroughput(url, token, 200));
    process.stdout.write(
      `  run ${i + 1}/${RUNS}: ${Math.round(purge.at(-1)!)}/s at concurrency ${CONCURRENCY}, ${Math.round(serial.at(-1)!)}/s at 1, curl loop ${Math.round(curl.at(-1)!)}/s\n`,
    );
  }
  emulator.latencyMs = 0;
  await clientOverhead(url); // warm-up
  const overhead: number[] = [];
  for (let i = 0; i < RUNS; i++) overhead.push(await clientOverhead(url));
  await emulator.stop();

  process.stdout.write('Streams: a 5,000-segment master to its preview, and the hover on a 10,000-line file:\n');
  // 15 reads, not 5: a read takes 50 ms, and the median of 5 moved by a tenth of the budget between runs.
  const streams = await streamBench(15);
  process.stdout.write(
    `  preview after ${streams.previewMs.map((t) => Math.round(t)).join(', ')} ms (bound ${streams.boundMs} ms); hover ${streams.hoverFileMs.map((t) => r1(t)).join(', ')} ms per 10,000 lines\n`,
  );
  const streamsRelay = await streamRelayBench(RUNS);
  process.stdout.write(
    `  over TLS at ${streamsRelay.rttMs} ms RTT: preview after ${streamsRelay.previewMs.map((t) => Math.round(t)).join(', ')} ms (bound ${streamsRelay.boundMs} ms); ${streamsRelay.connections} new connections\n`,
  );

  process.stdout.write('Hostile manifests: each crafted input collected in a child process with a capped heap:\n');
  const hostile = hostileBench();
  for (const h of hostile)
    process.stdout.write(
      `  ${h.name}: ${Math.round(h.cpuMs)} ms CPU, ${Math.round(h.maxRssMiB)} MiB peak RSS: ${h.outcome}\n`,
    );
  const crafted = hostile.filter((h) => !h.name.startsWith('real:'));
  const real = hostile.find((h) => h.name.startsWith('real:'))!;
  const worstCpu = crafted.reduce((a, b) => (b.cpuMs > a.cpuMs ? b : a));
  const worstRss = crafted.reduce((a, b) => (b.maxRssMiB > a.maxRssMiB ? b : a));

  process.stdout.write('Check URL: one look at the edge over TLS through the relay at 150 ms RTT:\n');
  const edge = await edgeBench(RUNS);
  process.stdout.write(
    `  new host ${edge.newHostMs.map((t) => Math.round(t)).join(', ')} ms; kept connection ${edge.warmMs.map((t) => Math.round(t)).join(', ')} ms; ${edge.connections} connection(s), ${edge.handshakes} TLS handshake(s) per pair\n`,
  );

  process.stdout.write('Real latency: over TLS through a relay that delays every packet (20 and 150 ms RTT):\n');
  const realLatency = await latencyBench(RUNS, (line) => process.stdout.write(`${line}\n`));
  const latencyTable = latencyReport(realLatency);

  const latency = hosts[0]!.treeFill.latencyMs;
  const bound = CONCURRENCY / (PURGE_LATENCY / 1000);
  const results = {
    date: new Date().toISOString(),
    machine: {
      cpus: cpus().length,
      cpu: cpus()[0]?.model ?? 'unknown',
      memoryGiB: Math.round(totalmem() / 2 ** 30),
      node: process.version,
      vscode: hosts[0]!.vscodeVersion,
    },
    bundle: {
      bytes: bundle.bytes,
      gzipBytes: bundle.gzip,
      totalBytes: bundle.totalBytes,
      budgetBytes: bundle.budgets.startupBytes,
      totalBudgetBytes: bundle.budgets.totalBytes,
    },
    moduleLoadMs: stat(hosts.map((h) => h.moduleLoadMs)),
    activateMs: stat(hosts.map((h) => h.activateMs)),
    activationIo: {
      requests: Math.max(...hosts.map((h) => h.activationIo.requests)),
      secretReads: Math.max(...hosts.map((h) => h.activationIo.secretReads)),
    },
    treeFill: {
      latencyMs: latency,
      coldMs: stat(hosts.map((h) => h.treeFill.coldMs)),
      coldIdealMs: 2 * latency,
      warmMs: stat(hosts.map((h) => h.treeFill.warmMs)),
      warmIdealMs: latency,
      coldRequests: Math.max(...hosts.map((h) => h.treeFill.coldRequests)),
      coldIdealRequests: 4,
      warmRequests: Math.max(...hosts.map((h) => h.treeFill.warmRequests)),
      warmIdealRequests: 3,
    },
    bigList: {
      keys: hosts[0]!.bigList.keys,
      ms: stat(hosts.map((h) => h.bigList.ms)),
      firstRenderedMs: stat(rendered.times),
      trace: rendered.trace,
      heapGrowthMb: stat(hosts.map((h) => h.bigList.heapGrowthMb)),
    },
    purge: {
      paths: 1000,
      latencyMs: PURGE_LATENCY,
      concurrency: CONCURRENCY,
      perSecond: stat(purge),
      boundPerSecond: bound,
      serialPerSecond: stat(serial),
      curlPerSecond: stat(curl),
    },
    clientOverheadRps: stat(overhead),
    streams: {
      segments: streams.segments,
      latencyMs: streams.latencyMs,
      manifests: streams.manifests,
      previewMs: stat(streams.previewMs),
      boundMs: streams.boundMs,
      hoverPerLineUs: stat(streams.hoverPerLineUs),
      hoverFileMs: stat(streams.hoverFileMs),
      relay: { ...streamsRelay, previewMs: stat(streamsRelay.previewMs) },
    },
    hostile: { cases: hostile, budget: HOSTILE_BUDGET },
    edge: {
      rttMs: edge.rttMs,
      newHostMs: stat(edge.newHostMs),
      newHostBoundMs: 3 * edge.rttMs,
      warmMs: stat(edge.warmMs),
      warmBoundMs: edge.rttMs,
      connections: edge.connections,
      handshakes: edge.handshakes,
    },
    realLatency,
  };
  const ratios = {
    coldFill: results.treeFill.coldMs.median / results.treeFill.coldIdealMs,
    warmFill: results.treeFill.warmMs.median / results.treeFill.warmIdealMs,
    purgeVsBound: results.purge.perSecond.median / bound,
    purgeVsCurl: results.purge.perSecond.median / results.purge.curlPerSecond.median,
    purgeVsSerial: results.purge.perSecond.median / results.purge.serialPerSecond.median,
  };

  const budgets: [string, boolean][] = [
    [
      `requests per warm refresh = ${results.treeFill.warmIdealRequests}`,
      results.treeFill.warmRequests === results.treeFill.warmIdealRequests,
    ],
    [
      `requests per cold fill = ${results.treeFill.coldIdealRequests}`,
      results.treeFill.coldRequests === results.treeFill.coldIdealRequests,
    ],
    ['tree fill (cold) <= 1.25x ideal', ratios.coldFill <= 1.25],
    ['tree fill (warm) <= 1.25x ideal', ratios.warmFill <= 1.25],
    ['bulk purge >= 0.8x the bound', ratios.purgeVsBound >= 0.8],
    ['bulk purge >= 5x the curl loop', ratios.purgeVsCurl >= 5],
    ['activate() <= 15 ms median', results.activateMs.median <= 15],
    ['module load <= 60 ms in every run', results.moduleLoadMs.max <= 60],
    ['5,000 keys: first row on screen <= 300 ms median', results.bigList.firstRenderedMs.median <= 300],
    ['client + emulator, no latency >= 8,000 requests/s median', results.clientOverheadRps.median >= 8000],
    [
      'activate() does no network and no SecretStorage I/O',
      results.activationIo.requests === 0 && results.activationIo.secretReads === 0,
    ],
    [
      `start-up bundle <= ${bundle.budgets.startupBytes / 1000} KB, with its chunks <= ${bundle.budgets.totalBytes / 1000} KB`,
      bundle.bytes <= bundle.budgets.startupBytes && bundle.totalBytes <= bundle.budgets.totalBytes,
    ],
    [
      'stream preview (5,000 segments) <= 1.25x its round-trip bound',
      results.streams.previewMs.median <= 1.25 * results.streams.boundMs,
    ],
    ['stream preview reads each manifest once (1 + 4)', results.streams.manifests === 5],
    [
      'stream preview over TLS at 150 ms <= 1.25x its 2 round trips, on kept connections',
      results.streams.relay.previewMs.median <= 1.25 * results.streams.relay.boundMs &&
        results.streams.relay.manifests === 5 &&
        results.streams.relay.connections === 0 &&
        results.streams.relay.handshakes === 0,
    ],
    ['hover <= 20 µs per line (no network, one line read)', results.streams.hoverPerLineUs.median <= 20],
    [
      'Check URL on a new host <= 1.15x its 3 round trips',
      results.edge.newHostMs.median <= 1.15 * results.edge.newHostBoundMs,
    ],
    [
      'Check URL on a kept connection <= 1.15x its round trip',
      results.edge.warmMs.median <= 1.15 * results.edge.warmBoundMs,
    ],
    [
      'Check URL: one connection and one TLS handshake for two looks',
      results.edge.connections === 1 && results.edge.handshakes === 1,
    ],
    [
      `every hostile manifest ends within ${HOSTILE_BUDGET.cpuMs / 1000} s of CPU and a ${HOSTILE_BUDGET.heapMiB} MiB heap`,
      hostile.every((h) => h.cpuMs <= HOSTILE_BUDGET.cpuMs),
    ],
    ...latencyTable.budgets,
  ];

  const fmt = (s: Stat, unit: string) => `${r1(s.median)} ${unit} (${r1(s.min)} to ${r1(s.max)})`;
  const rows: [string, string, string][] = [
    [
      'Start-up bundle (production)',
      `${Math.round(bundle.bytes / 1000)} KB (${Math.round(bundle.gzip / 1000)} KB gzip) of ${Math.round(bundle.totalBytes / 1000)} KB`,
      `what start-up loads, of the whole with its chunks (loaded on first use); budget ${bundle.budgets.startupBytes / 1000} KB and ${bundle.budgets.totalBytes / 1000} KB`,
    ],
    ['Module load (real host)', fmt(results.moduleLoadMs, 'ms'), 'budget 60 ms'],
    ['activate() (real host)', fmt(results.activateMs, 'ms'), 'budget 15 ms; 0 requests, 0 secret reads'],
    [
      `Tree fill, cold (${latency} ms per request)`,
      fmt(results.treeFill.coldMs, 'ms'),
      `ideal ${results.treeFill.coldIdealMs} ms (2 round trips): ${r2(ratios.coldFill)}x; ${results.treeFill.coldRequests} requests, ideal ${results.treeFill.coldIdealRequests}`,
    ],
    [
      `Tree fill, warm (${latency} ms per request)`,
      fmt(results.treeFill.warmMs, 'ms'),
      `ideal ${results.treeFill.warmIdealMs} ms (1 round trip): ${r2(ratios.warmFill)}x; ${results.treeFill.warmRequests} requests, ideal ${results.treeFill.warmIdealRequests}`,
    ],
    [
      `${results.bigList.keys} signing keys, 20 domains: first row on screen`,
      fmt(results.bigList.firstRenderedMs, 'ms'),
      `click to first rendered row, through the UI; traced: the renderer's main thread busy ${r1(results.bigList.trace.busyMs)} ms of ${r1(results.bigList.trace.wallMs)} (${results.bigList.trace.top
        .slice(0, 3)
        .map((e) => `${e.name} ${r1(e.selfMs)} ms`)
        .join(', ')})`,
    ],
    [
      `${results.bigList.keys} signing keys: rows ready in the host`,
      fmt(results.bigList.ms, 'ms'),
      `extension host heap growth ${r1(results.bigList.heapGrowthMb.median)} MB`,
    ],
    [
      `Bulk purge, 1000 paths, ${PURGE_LATENCY} ms per request, concurrency ${CONCURRENCY}`,
      fmt(results.purge.perSecond, '/s'),
      `bound ${bound}/s: ${r2(ratios.purgeVsBound)}x`,
    ],
    [
      '  baseline: same client, concurrency 1',
      fmt(results.purge.serialPerSecond, '/s'),
      `ours is ${r1(ratios.purgeVsSerial)}x faster`,
    ],
    [
      '  baseline: a loop of curl, one per path',
      fmt(results.purge.curlPerSecond, '/s'),
      `ours is ${r1(ratios.purgeVsCurl)}x faster`,
    ],
    ['Client + emulator, no latency', fmt(results.clientOverheadRps, 'req/s'), 'budget 8,000 req/s'],
    [
      `Purge Stream: ${results.streams.segments}-segment master URL to the preview, ${results.streams.latencyMs} ms per request`,
      fmt(results.streams.previewMs, 'ms'),
      `bound ${results.streams.boundMs} ms (the tree is 2 levels deep): ${r2(results.streams.previewMs.median / results.streams.boundMs)}x; ${results.streams.manifests} manifests read`,
    ],
    [
      `Purge Stream, the same, over TLS at ${results.streams.relay.rttMs} ms RTT`,
      fmt(results.streams.relay.previewMs, 'ms'),
      `bound ${results.streams.relay.boundMs} ms (2 round trips): ${r2(results.streams.relay.previewMs.median / results.streams.relay.boundMs)}x; ${results.streams.relay.connections} new connections, ${results.streams.relay.manifests} manifests read`,
    ],
    [
      `Collecting hostile manifests: the worst of ${crafted.length} crafted inputs (each at most 20 MiB)`,
      `${Math.round(worstCpu.cpuMs)} ms CPU; ${Math.round(worstRss.maxRssMiB)} MiB peak RSS`,
      `budget ${HOSTILE_BUDGET.cpuMs / 1000} s CPU, ${HOSTILE_BUDGET.heapMiB} MiB heap (each ran with the heap capped there and ended: ${crafted.filter((h) => h.outcome.startsWith('refused')).length} refused, ${crafted.filter((h) => h.outcome.startsWith('over')).length} over the limit); slowest: ${worstCpu.name}; largest: ${worstRss.name} (RSS includes building the input); a real 10,000-segment stream: ${Math.round(real.cpuMs)} ms, ${Math.round(real.maxRssMiB)} MiB`,
    ],
    [
      `Check URL, ${results.edge.rttMs} ms RTT over TLS: a new host`,
      fmt(results.edge.newHostMs, 'ms'),
      `bound 3 RTT (${results.edge.newHostBoundMs} ms: TCP, TLS, request): ${r2(results.edge.newHostMs.median / results.edge.newHostBoundMs)}x; HEAD only, no body read`,
    ],
    [
      `Check URL, ${results.edge.rttMs} ms RTT over TLS: the same host again`,
      fmt(results.edge.warmMs, 'ms'),
      `bound 1 RTT (${results.edge.warmBoundMs} ms): ${r2(results.edge.warmMs.median / results.edge.warmBoundMs)}x; ${results.edge.connections} connection and ${results.edge.handshakes} TLS handshake for both looks`,
    ],
    [
      'Hover on a 10,000-line file (every line hovered)',
      fmt(results.streams.hoverFileMs, 'ms'),
      `${r1(results.streams.hoverPerLineUs.median)} µs per line; no request`,
    ],
    ...latencyTable.rows,
  ];

  const previousFile = join(RESULTS, 'bench.json');
  let previous: typeof results | undefined;
  if (existsSync(previousFile)) {
    previous = JSON.parse(readFileSync(previousFile, 'utf8')) as typeof results;
    renameSync(previousFile, join(RESULTS, 'bench.previous.json'));
  }
  writeFileSync(
    previousFile,
    `${JSON.stringify({ ...results, ratios, budgets: Object.fromEntries(budgets) }, null, 2)}\n`,
  );

  const width = Math.max(...rows.map((r) => r[0].length));
  process.stdout.write('\n');
  for (const [name, value, against] of rows)
    process.stdout.write(`${name.padEnd(width)}  ${value.padEnd(30)}  ${against}\n`);
  if (previous) {
    const change = (now: number, then: number) => `${now >= then ? '+' : ''}${r1(((now - then) / then) * 100)}%`;
    process.stdout.write(
      `\nChange since ${previous.date}: bundle ${change(results.bundle.bytes, previous.bundle.bytes)}, activate ${change(results.activateMs.median, previous.activateMs.median)}, ` +
        `cold fill ${change(results.treeFill.coldMs.median, previous.treeFill.coldMs.median)}, purge ${change(results.purge.perSecond.median, previous.purge.perSecond.median)}\n`,
    );
  }
  process.stdout.write('\nBudgets:\n');
  for (const [name, ok] of budgets) process.stdout.write(`  ${ok ? 'met   ' : 'MISSED'} ${name}\n`);

  // The README's table comes from this run, not from anyone's typing.
  const readme = join(ROOT, 'README.md');
  const table = [
    `Measured by \`npm run bench\` on ${results.date.slice(0, 10)}: ${results.machine.cpus} × ${results.machine.cpu}, ${results.machine.memoryGiB} GiB, Node ${results.machine.node}, VS Code ${results.machine.vscode} (code-server). Medians of ${RUNS} runs after a warm-up (3 for the 150 ms purge and the rate-limited purge, 15 for Purge Stream at 20 ms), with min to max.`,
    '',
    'The rows "per request" add a fixed delay to each request in the emulator (kept for the trend). The "TLS" rows are the core client against the emulator over TLS (h2 offered by ALPN), through a relay that delays every packet by RTT/2 each way, so TCP, TLS and HTTP each pay their round trips; connections and TLS handshakes are counted by the relay (ClientHellos), requests by the emulator. curl makes the same calls one by one, a process each. The stand-in API (emulator and relay) runs in a process of its own. The TLS purges start on a warm connection, as after the tree was open; beside them, a bare node client (node:http2, or node:https with 8 sockets, no checks) makes the same requests over the same relay: on these 2 cores the stand-in\'s own work caps even that client below the bound at 20 ms, so the purge budget is 0.9x the lower of the two (and 0.9x the bound itself at 150 ms). The rate-limited purges run at 20 ms RTT against a token bucket of 50/s.',
    '',
    '| what | measured | against |',
    '|---|---|---|',
    ...rows.map(([a, b, c]) => `| ${a.trim()} | ${b} | ${c} |`),
  ].join('\n');
  const text = readFileSync(readme, 'utf8');
  const updated = text.replace(
    /<!-- bench:start -->[\s\S]*<!-- bench:end -->/,
    `<!-- bench:start -->\n${table}\n<!-- bench:end -->`,
  );
  writeFileSync(readme, updated);

  const missed = budgets.filter(([, ok]) => !ok).length;
  process.stdout.write(
    `\n${missed === 0 ? 'all budgets met' : `${missed} budget(s) missed`}; results in test-results/bench.json\n`,
  );
  process.exit(missed === 0 ? 0 : 1);
}

main().catch((error: unknown) => {
  process.stderr.write(`bench failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exit(1);
});
