import { EdgeAgent, probeUrl } from '../../src/core';
import { Emulator } from '../emulator/emulator';
import { testCertificates } from '../emulator/https';
import { startRelay } from '../emulator/relay';

/*
 * Issue 21's figure: Check URL over TLS through the packet-delay relay at 150 ms RTT. On a
 * new host it pays TCP, TLS (1.3: one round trip) and the request: 3 round trips at best;
 * on a host whose connection is kept, the request alone: 1. Counted by the relay:
 * connections and TLS handshakes.
 */
export const EDGE_RTT_MS = 150;

export interface EdgeBench {
  rttMs: number;
  newHostMs: number[];
  warmMs: number[];
  connections: number;
  handshakes: number;
}

export async function edgeBench(runs: number): Promise<EdgeBench> {
  const emulator = new Emulator({ seed: true, media: true });
  await emulator.start();
  const certificates = await testCertificates();
  const tls = new URL(await emulator.media!.startTls(certificates));
  const relay = await startRelay({ target: { host: '127.0.0.1', port: Number(tls.port) }, rttMs: EDGE_RTT_MS });
  const url = 'https://media-assets.media-storage.us-west.qencode.com/streams/launch/master.m3u8';
  const newHostMs: number[] = [];
  const warmMs: number[] = [];
  let connections = 0;
  let handshakes = 0;
  for (let i = 0; i <= runs; i++) {
    // A new agent: no connection, no TLS session kept (as the first check of a host).
    const agent = new EdgeAgent({ connectTo: { host: '127.0.0.1', port: relay.port }, ca: certificates.ca });
    relay.resetStats();
    let t = performance.now();
    await probeUrl(url, { agent });
    const cold = performance.now() - t;
    t = performance.now();
    await probeUrl(url, { agent });
    const warm = performance.now() - t;
    agent.destroy();
    if (i === 0) continue; // warm-up: code paths and the certificate made
    newHostMs.push(cold);
    warmMs.push(warm);
    connections = Math.max(connections, relay.stats.connections);
    handshakes = Math.max(handshakes, relay.stats.handshakes);
  }
  await relay.stop();
  await emulator.stop();
  return { rttMs: EDGE_RTT_MS, newHostMs, warmMs, connections, handshakes };
}
