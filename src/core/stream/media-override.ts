import type { FetchText } from './types';

/*
 * A local stand-in for media-storage hosts, for the emulator's media server (tests and
 * the demo). With an override base such as `http://127.0.0.1:PORT`,
 *   https://{bucket}.media-storage.{region}.qencode.com/{path}?{query}
 * is read from
 *   http://127.0.0.1:PORT/{bucket}.media-storage.{region}.qencode.com/{path}?{query}
 * The first path segment is the host the real URL names; the media server serves the
 * bucket that host names (or, for a host in `extraHosts`, a vod playback domain, the
 * bucket the domain serves). Only the read goes elsewhere: buckets, paths, relative
 * URIs and purges all stay those of the real URL, so callers pass real URLs to the
 * collector and wrap their fetcher with `withMediaOverride`.
 *
 * The base must be a loopback http(s) address: an override can never send a read to
 * another machine. The extension should also accept the setting only when its API URL
 * is a loopback one, as it does for the demo key.
 */

const MEDIA_STORAGE_HOST = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]\.media-storage\.[a-z0-9-]+\.qencode\.com$/;

function loopbackBase(base: string): URL {
  const url = new URL(base);
  const loopback =
    ['localhost', '127.0.0.1', '[::1]'].includes(url.hostname) || /^127\.\d+\.\d+\.\d+$/.test(url.hostname);
  if (!loopback || (url.protocol !== 'http:' && url.protocol !== 'https:'))
    throw new Error(`a media-storage override must be a loopback http(s) address, not ${base}`);
  return url;
}

/** The local URL for a media-storage URL (or a URL on one of `extraHosts`); any other URL unchanged. */
export function toMediaOverrideUrl(url: string, base: string, extraHosts: readonly string[] = []): string {
  const local = loopbackBase(base);
  const real = new URL(url);
  const host = real.hostname.toLowerCase();
  if (!MEDIA_STORAGE_HOST.test(host) && !extraHosts.map((h) => h.toLowerCase()).includes(host)) return url;
  const prefix = local.pathname.replace(/\/+$/, '');
  return `${local.origin}${prefix}/${host}${real.pathname}${real.search}`;
}

/** The real URL a local override URL stands for; undefined when it is not one. */
export function fromMediaOverrideUrl(localUrl: string, base: string): string | undefined {
  const local = loopbackBase(base);
  const url = new URL(localUrl);
  const prefix = local.pathname.replace(/\/+$/, '');
  if (url.origin !== local.origin || !url.pathname.startsWith(`${prefix}/`)) return undefined;
  const [host, ...rest] = url.pathname.slice(prefix.length + 1).split('/');
  if (!host || !/^[a-z0-9.-]+$/i.test(host) || !host.includes('.')) return undefined;
  return `https://${host.toLowerCase()}/${rest.join('/')}${url.search}`;
}

/** A fetcher that reads media-storage URLs (and `extraHosts`) from the override instead. */
export function withMediaOverride(fetchText: FetchText, base: string, extraHosts: readonly string[] = []): FetchText {
  loopbackBase(base);
  return (url, signal) => fetchText(toMediaOverrideUrl(url, base, extraHosts), signal);
}
