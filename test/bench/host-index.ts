import { join } from 'node:path';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import * as vscode from 'vscode';
import type { TestSurface } from '../../src/test-surface';
import type { GroupNode, Node, ProjectNode } from '../../src/explorer/nodes';
import { DEMO_API_KEY, Emulator } from '../emulator/emulator';

/*
 * Runs inside the real extension host (code-server), once per fresh host start.
 * It reports one JSON line, "BENCH {...}", that the bench runner collects.
 */
const LATENCY_MS = 50;
const RUNS = 5;
const BIG_KEYS = 5000;

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

async function fill(api: TestSurface, project: ProjectNode): Promise<void> {
  const groups = (await api.explorer.getChildren(project)) as GroupNode[];
  await Promise.all(groups.map((g) => api.explorer.getChildren(g)));
}

export async function run(): Promise<void> {
  const ext = vscode.extensions.getExtension<TestSurface>('qencode-cdn.qencode-cdn')!;
  const bundle = join(ext.extensionPath, 'dist', 'extension.js');

  // Module load: a fresh require of the production bundle in this host.
  delete require.cache[require.resolve(bundle)];
  const loadStart = performance.now();
  // A plain require on purpose: this measures what the host does when it loads the module.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  require(bundle);
  const moduleLoadMs = performance.now() - loadStart;

  const emulator = new Emulator({ seed: true, apiKeys: [DEMO_API_KEY, 'big-account-key-0001'] });
  const url = await emulator.start();
  await vscode.workspace.getConfiguration('qencodeCdn').update('apiUrl', url, vscode.ConfigurationTarget.Global);
  const api = (await ext.activate())!;
  const secretReadsAtActivation = api.controls.secretReads();
  const requestsAtActivation = emulator.requests.length;

  // Tree fill, cold (token + the lists) and warm (the lists), at a fixed latency per request.
  emulator.latencyMs = LATENCY_MS;
  const cold: number[] = [];
  const warm: number[] = [];
  const coldRequests: number[] = [];
  const warmRequests: number[] = [];
  for (let i = 0; i <= RUNS; i++) {
    for (const p of api.projects.list()) await api.projects.remove(p.id);
    const added = await api.projects.add(`bench ${i}`, DEMO_API_KEY, { origins: api.clients.currentOrigins() });
    const project = api.explorer.roots().find((n) => n.project.id === added.id)!;
    emulator.clearRequests();
    let t = performance.now();
    await fill(api, project);
    const c = performance.now() - t;
    const cr = emulator.requests.length;
    emulator.clearRequests();
    t = performance.now();
    project.invalidate();
    await fill(api, project);
    const w = performance.now() - t;
    if (i === 0) continue; // warm-up
    cold.push(c);
    warm.push(w);
    coldRequests.push(cr);
    warmRequests.push(emulator.requests.length);
  }

  // A large list: 5,000 signing keys and 20 domains, no added latency.
  emulator.latencyMs = 0;
  const big = emulator.account('big-account-key-0001');
  big.domains.clear();
  big.keys.clear();
  big.tls.clear();
  for (let i = 0; i < 20; i++)
    big.domains.set(`d${i}`, {
      id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      domain_name: `d${i}.example.com`,
      type: i % 2 ? 'vod' : 'live',
      created: '2024-01-01 00:00:00',
    });
  for (let i = 0; i < BIG_KEYS; i++)
    big.keys.set(`k${i}`, {
      id: `10000000-0000-4000-8000-${String(i).padStart(12, '0')}`,
      name: `key ${i}`,
      stream_id: '1f1ab6a3-d867-4787-b882-7f2fb1203634',
      created: '2024-01-01 00:00:00',
    });
  const bigId = (await api.projects.add('big', 'big-account-key-0001', { origins: api.clients.currentOrigins() })).id;
  const bigProject = api.explorer.roots().find((n) => n.project.id === bigId)!;
  const groups = (await api.explorer.getChildren(bigProject)) as GroupNode[];
  const keysGroup = groups.find((g) => g.kind.kind === 'keys')!;
  gc();
  const heapBefore = process.memoryUsage().heapUsed;
  const t = performance.now();
  const rows = (await api.explorer.getChildren(keysGroup)) as Node[];
  for (const row of rows) api.explorer.getTreeItem(row);
  const bigListMs = performance.now() - t;
  gc();
  const heapGrowthMb = (process.memoryUsage().heapUsed - heapBefore) / 1024 / 1024;

  for (const p of api.projects.list()) await api.projects.remove(p.id);
  await emulator.stop();
  console.log(
    `BENCH ${JSON.stringify({
      vscodeVersion: vscode.version,
      moduleLoadMs,
      activateMs: api.activateMs,
      activationIo: { requests: requestsAtActivation, secretReads: secretReadsAtActivation },
      treeFill: {
        latencyMs: LATENCY_MS,
        coldMs: median(cold),
        coldMin: Math.min(...cold),
        coldMax: Math.max(...cold),
        warmMs: median(warm),
        warmMin: Math.min(...warm),
        warmMax: Math.max(...warm),
        coldRequests: median(coldRequests),
        warmRequests: median(warmRequests),
      },
      bigList: { keys: rows.length, ms: bigListMs, heapGrowthMb },
    })}`,
  );
}
