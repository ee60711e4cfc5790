import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectStream, mapUrl, withMediaOverride, httpFetcher } from '../../src/core';
import { Emulator } from '../emulator/emulator';
import { testCertificates, writeCaFile, type TestCertificates } from '../emulator/https';
import { startRelay } from '../emulator/relay';
import { runInChild, serveChild } from './child';
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
  try {
    const ca = writeCaFile(certificates, join(dir, 'ca.pem'));
    return await runInChild(__filename, { runs, certificates }, { NODE_EXTRA_CA_CERTS: ca });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

async function measure(runs: number, certificates: TestCertificates): Promise<StreamRelayBench> {
  const emulator = new Emulator({ seed: true, media: true });
  await emulator.start();
  const media = emulator.media!;
  const root = putBenchStream(media);
  const tls = new URL(await media.startTls(certificates));
  const relay = await startRelay({
    target: { host: '127.0.0.1', port: Number(tls.port) },
    rttMs: STREAM_RELAY_RTT_MS,
  });
  const fetcher = httpFetcher();
  const fetchText = withMediaOverride(fetcher.fetchText, relay.url('https'));
  const read = () => collectStream(root, { fetchText, toTarget: (u) => mapUrl(u, []) });
  const previewMs: number[] = [];
  let manifests = 0;
  try {
    await read(); // the first read: connections opened, code paths warm
    relay.resetStats();
    for (let i = 0; i < runs; i++) {
      const t = performance.now();
      manifests = (await read()).manifestsRead;
      previewMs.push(performance.now() - t);
    }
    const { connections, handshakes } = relay.stats;
    return {
      rttMs: STREAM_RELAY_RTT_MS,
      previewMs,
      boundMs: 2 * STREAM_RELAY_RTT_MS,
      manifests,
      connections,
      handshakes,
    };
  } finally {
    await fetcher.close();
    await relay.stop();
    await emulator.stop();
  }
}

serveChild(module, (input: { runs: number; certificates: TestCertificates }) =>
  measure(input.runs, input.certificates),
);
