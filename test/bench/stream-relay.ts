import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectStream, mapUrl, withMediaOverride, httpFetcher } from '../../src/core';
import { Emulator } from '../emulator/emulator';
import { testCertificates, writeCaFile } from '../emulator/https';
import { startRelay } from '../emulator/relay';
import { runInChild, serveChild, type Ask } from './child';
import { putBenchStream } from './streams';

/*
 * Purge Stream over TLS through the packet-delay relay at 150 ms RTT: the 5,000-segment
 * master of streams.ts, read by the extension's fetcher from the emulator's edge. The
 * bound: the master, then its four variants at once, on connections kept from a first
 * read: 2 round trips. The reader runs in a process of its own that trusts the run's CA
 * (NODE_EXTRA_CA_CERTS, read when a process starts), as a machine trusts a real edge.
 */
export const STREAM_RELAY_RTT_MS = 150;

export interface StreamRelayBench {
  rttMs: number;
  previewMs: number[];
  boundMs: number;
  manifests: number;
  /** New TCP connections and TLS handshakes in the measured runs (the first read opened them). */
  connections: number;
  handshakes: number;
}

export async function streamRelayBench(runs: number): Promise<StreamRelayBench> {
  const certificates = await testCertificates();
  const dir = mkdtempSync(join(tmpdir(), 'qencode-stream-relay-'));
  const emulator = new Emulator({ seed: true, media: true });
  await emulator.start();
  const root = putBenchStream(emulator.media!);
  const tls = new URL(await emulator.media!.startTls(certificates));
  const relay = await startRelay({ target: { host: '127.0.0.1', port: Number(tls.port) }, rttMs: STREAM_RELAY_RTT_MS });
  try {
    // The reader asks once it is warm: the counts from then on are the measured reads'.
    const measured = await runInChild<Input, Omit<StreamRelayBench, 'connections' | 'handshakes'>>(
      __filename,
      { runs, root, edge: relay.url('https') },
      {
        env: { NODE_EXTRA_CA_CERTS: writeCaFile(certificates, join(dir, 'ca.pem')) },
        answer: () => relay.resetStats(),
      },
    );
    return { ...measured, connections: relay.stats.connections, handshakes: relay.stats.handshakes };
  } finally {
    await relay.stop();
    await emulator.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface Input {
  runs: number;
  root: string;
  edge: string;
}

async function measure(
  { runs, root, edge }: Input,
  ask: Ask,
): Promise<Omit<StreamRelayBench, 'connections' | 'handshakes'>> {
  const fetcher = httpFetcher();
  const fetchText = withMediaOverride(fetcher.fetchText, edge);
  const read = () => collectStream(root, { fetchText, toTarget: (u) => mapUrl(u, []) });
  const previewMs: number[] = [];
  let manifests = 0;
  try {
    // Warm-up: connections opened, the readers loaded and compiled.
    for (let i = 0; i < 3; i++) await read();
    await ask('warm');
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      manifests = (await read()).manifestsRead;
      previewMs.push(performance.now() - t);
    }
    return { rttMs: STREAM_RELAY_RTT_MS, previewMs, boundMs: 2 * STREAM_RELAY_RTT_MS, manifests };
  } finally {
    await fetcher.close();
  }
}

serveChild(module, measure);
