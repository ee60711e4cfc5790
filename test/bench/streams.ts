import { collectStream, mapUrl, qencodeUrlAt, withMediaOverride, httpFetcher } from '../../src/core';
import { Emulator } from '../emulator/emulator';
import type { MediaServer } from '../emulator/media';
import { runInChild, serveChild } from './child';

/*
 * Issue 14's figures: the time from a stream's master URL to its preview (the whole
 * playlist tree read), against the bound (its depth in round trips); and the hover's
 * cost on a 10,000-line file.
 */
const LATENCY_MS = 20;
const SEGMENTS = 5000;
const VARIANTS = 4;

export interface StreamBench {
  segments: number;
  latencyMs: number;
  previewMs: number[];
  boundMs: number;
  manifests: number;
  hoverPerLineUs: number[];
  hoverFileMs: number[];
}

/** A master with four variants of 1,250 segments each: 5,000 segments, two levels deep. Returns its URL. */
export function putBenchStream(media: MediaServer): string {
  const each = SEGMENTS / VARIANTS;
  const variants = Array.from({ length: VARIANTS }, (_, v) => `v${v}/index.m3u8`);
  media.put(
    'media-assets',
    'bench/master.m3u8',
    ['#EXTM3U', ...variants.flatMap((p, v) => [`#EXT-X-STREAM-INF:BANDWIDTH=${(v + 1) * 1_000_000}`, p]), ''].join(
      '\n',
    ),
  );
  for (const p of variants) {
    const lines = ['#EXTM3U', '#EXT-X-TARGETDURATION:4', '#EXT-X-MAP:URI="init.mp4"'];
    for (let i = 0; i < each; i++) lines.push('#EXTINF:4.0,', `seg-${i}.m4s`);
    lines.push('#EXT-X-ENDLIST', '');
    media.put('media-assets', `bench/${p}`, lines.join('\n'));
  }
  return 'https://media-assets.media-storage.us-west.qencode.com/bench/master.m3u8';
}

/**
 * In a process of its own (child.ts), with its media server: a fresh heap, as the extension
 * host's. (A server in the parent, on the other core, made the figure no lower and more
 * jittery: two processes' wake-ups per round trip instead of one.)
 */
export const streamBench = (runs: number): Promise<StreamBench> => runInChild(__filename, runs);

async function measure(runs: number): Promise<StreamBench> {
  const emulator = new Emulator({ seed: true, media: { latencyMs: LATENCY_MS } });
  await emulator.start();
  const root = putBenchStream(emulator.media!);
  const fetcher = httpFetcher();
  const fetchText = withMediaOverride(fetcher.fetchText, emulator.media!.url);
  const previewMs: number[] = [];
  let manifests = 0;
  // Warm-up: connections opened, the readers loaded and compiled (a fresh process runs them interpreted at first).
  for (let i = 0; i < 3; i++) await collectStream(root, { fetchText, toTarget: (u) => mapUrl(u, []) });
  for (let i = 0; i < runs; i++) {
    const t = performance.now();
    const c = await collectStream(root, { fetchText, toTarget: (u) => mapUrl(u, []) });
    previewMs.push(performance.now() - t);
    manifests = c.manifestsRead;
  }
  await fetcher.close();
  await emulator.stop();

  // The hover reads the hovered line only; a whole 10,000-line file is the worst a user could sweep.
  const lines = Array.from({ length: 10_000 }, (_, i) =>
    i % 20 === 0
      ? `- ${i}: https://media-assets.media-storage.us-west.qencode.com/s/${i}/master.m3u8 for the launch`
      : `- ${i}: a line of plain text, as logs and notes have, without any link in it`,
  );
  const hoverPerLineUs: number[] = [];
  const hoverFileMs: number[] = [];
  for (let i = 0; i <= runs; i++) {
    const t = performance.now();
    for (const line of lines) qencodeUrlAt(line, 40, []);
    const ms = performance.now() - t;
    if (i === 0) continue; // warm-up
    hoverFileMs.push(ms);
    hoverPerLineUs.push((ms * 1000) / lines.length);
  }
  // The bound: the tree is two levels deep (the master, then its variants in parallel).
  return {
    segments: SEGMENTS,
    latencyMs: LATENCY_MS,
    previewMs,
    boundMs: 2 * LATENCY_MS,
    manifests,
    hoverPerLineUs,
    hoverFileMs,
  };
}

serveChild(module, measure);
