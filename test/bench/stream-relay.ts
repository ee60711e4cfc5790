import { fork } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { collectStream, mapUrl, withMediaOverride, httpFetcher } from '../../src/core';
import { Emulator } from '../emulator/emulator';
import { testCertificates, writeCaFile, type TestCertificates } from '../emulator/https';
import { startRelay } from '../emulator/relay';
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
  const child = fork(__filename, ['--child'], {
    env: { ...process.env, NODE_EXTRA_CA_CERTS: writeCaFile(certificates, join(dir, 'ca.pem')) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  try {
    return await new Promise<StreamRelayBench>((resolve, reject) => {
      child.once('message', (m: { result?: StreamRelayBench; error?: string }) =>
        m.result ? resolve(m.result) : reject(new Error(m.error)),
      );
      child.once('exit', (code) => reject(new Error(`the stream relay bench exited with ${code}`)));
      child.send({ runs, certificates });
    });
  } finally {
    child.kill();
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

if (process.argv.includes('--child'))
  process.once('message', (m: { runs: number; certificates: TestCertificates }) => {
    measure(m.runs, m.certificates).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (error: unknown) => process.send!({ error: String(error) }, () => process.exit(1)),
    );
  });
