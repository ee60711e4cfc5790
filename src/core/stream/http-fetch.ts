import type { ProxySettings } from '../transport';
import { createAgent, request, type Dispatcher } from '../undici';
import { MANIFEST_BUDGET } from './budget';
import type { FetchText } from './types';

/*
 * Reads manifests over HTTP(S) for the collector, through the same proxy settings as
 * the API client, with timeouts, an overall deadline per manifest (a server that
 * trickles a byte at a time never trips a timeout between chunks) and a size cap. No
 * credentials are sent: media-storage and playback hosts serve public objects (a
 * signed URL carries its own token).
 */
export interface MediaFetcher {
  fetchText: FetchText;
  close(): Promise<void>;
}

export const MAX_MANIFEST_BYTES = MANIFEST_BUDGET.maxBytes;

export function httpFetcher(
  options: { proxy?: ProxySettings; connectMs?: number; replyMs?: number; deadlineMs?: number; maxBytes?: number } = {},
): MediaFetcher {
  const tls = { rejectUnauthorized: options.proxy?.strictSSL ?? true };
  let dispatcher: Dispatcher | undefined;
  const agent = () =>
    (dispatcher ??= createAgent({
      connect: { timeout: options.connectMs ?? 10_000, ...tls },
      requestTls: tls,
      proxyTls: tls,
      ...(options.proxy?.url ? { httpProxy: options.proxy.url, httpsProxy: options.proxy.url } : {}),
      ...(options.proxy?.noProxy !== undefined ? { noProxy: options.proxy.noProxy } : {}),
    }));
  const maxBytes = options.maxBytes ?? MAX_MANIFEST_BYTES;
  return {
    async fetchText(url, signal) {
      const u = new URL(url);
      if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new Error(`${u.protocol} manifests cannot be read`);
      const deadlineMs = options.deadlineMs ?? MANIFEST_BUDGET.readDeadlineMs;
      const deadline = AbortSignal.timeout(deadlineMs);
      let size = 0;
      try {
        const res = await request(agent(), url, {
          method: 'GET',
          headers: { accept: 'application/vnd.apple.mpegurl, application/dash+xml, */*' },
          signal: AbortSignal.any([signal, deadline]),
          headersTimeout: options.replyMs ?? 30_000,
          bodyTimeout: options.replyMs ?? 30_000,
        });
        const chunks: Buffer[] = [];
        for await (const chunk of res.body as AsyncIterable<Buffer>) {
          size += chunk.length;
          if (size > maxBytes) {
            res.body.destroy();
            throw new Error(`the manifest is larger than ${maxBytes / 1024 / 1024} MiB`);
          }
          chunks.push(chunk);
        }
        const type = res.headers['content-type'];
        return {
          status: res.statusCode,
          text: Buffer.concat(chunks).toString('utf8'),
          ...(typeof type === 'string' ? { contentType: type } : {}),
        };
      } catch (error) {
        if (deadline.aborted && !signal.aborted)
          throw new Error(`the manifest did not arrive within ${deadlineMs / 1000} s (${size} bytes had come)`);
        throw error;
      }
    },
    async close() {
      await dispatcher?.destroy();
    },
  };
}
