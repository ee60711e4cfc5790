/*
 * The two parts of undici the client uses, imported directly: the package root
 * loads everything (fetch, WebSocket, caches, mocks), about 300 KB more in the
 * bundle. undici is pinned to an exact version, so these paths are stable, and
 * the types still come from the package. They load on first use, not when the
 * extension loads: activation sends nothing, so it should not pay for them (~20 ms).
 */
import type { Dispatcher, EnvHttpProxyAgent as EnvHttpProxyAgentType } from 'undici';

let agentClass: typeof EnvHttpProxyAgentType | undefined;

function load(): typeof EnvHttpProxyAgentType {
  if (!agentClass) {
    // As undici's root module does: the request/connect API lives on Dispatcher.prototype
    // (a proxy agent opens its CONNECT tunnel with it).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    Object.assign((require('undici/lib/dispatcher/dispatcher') as { prototype: object }).prototype, require('undici/lib/api') as object);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    agentClass = require('undici/lib/dispatcher/env-http-proxy-agent') as typeof EnvHttpProxyAgentType;
  }
  return agentClass;
}

export function createAgent(options: EnvHttpProxyAgentType.Options): Dispatcher {
  return new (load())(options);
}

/** `undici.request(url, options)`, always on the given dispatcher. */
export function request(dispatcher: Dispatcher, url: string, options: Omit<Dispatcher.RequestOptions, 'origin' | 'path'>): Promise<Dispatcher.ResponseData> {
  const u = new URL(url);
  return dispatcher.request({ ...options, origin: u.origin, path: `${u.pathname}${u.search}` });
}

export type { Dispatcher };
