/*
 * The parts of undici the client uses, imported directly: the package root
 * loads everything (fetch, WebSocket, caches, mocks), about 300 KB more in the
 * bundle. undici is pinned to an exact version, so these paths are stable, and
 * the types still come from the package. They load on first use, not when the
 * extension loads: activation sends nothing, so it should not pay for them (~20 ms).
 *
 * This leans on undici's internals: the files below, and the root module's
 * `Object.assign(Dispatcher.prototype, api)`, done here in its place. The test
 * test/api/undici-internals.test.ts checks both against the installed undici (and
 * the exact pin in package.json), so an upgrade that moves them fails `npm test`;
 * the check in load() is the last line, a clear error instead of
 * "dispatcher.request is not a function" in a user's editor.
 */
import type {
  buildConnector as BuildConnector,
  Client as ClientType,
  Dispatcher,
  EnvHttpProxyAgent as EnvHttpProxyAgentType,
} from 'undici';

/** The undici modules required below, by path; the require calls must stay literal for the bundler. */
export const UNDICI_INTERNALS = [
  'undici/lib/dispatcher/dispatcher',
  'undici/lib/api',
  'undici/lib/dispatcher/env-http-proxy-agent',
  'undici/lib/dispatcher/client',
  'undici/lib/core/connect',
] as const;

let agentClass: typeof EnvHttpProxyAgentType | undefined;

function load(): typeof EnvHttpProxyAgentType {
  if (!agentClass) {
    // As undici's root module does: the request/connect API lives on Dispatcher.prototype
    // (a proxy agent opens its CONNECT tunnel with it).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const dispatcher = require('undici/lib/dispatcher/dispatcher') as { prototype?: object } | undefined;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const api = require('undici/lib/api') as Partial<Record<'request' | 'connect', unknown>> | undefined;
    if (
      typeof dispatcher?.prototype !== 'object' ||
      typeof api?.request !== 'function' ||
      typeof api.connect !== 'function'
    ) {
      throw new Error('undici internals changed: lib/api or lib/dispatcher/dispatcher is not what this build expects');
    }
    Object.assign(dispatcher.prototype, api);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const agent = require('undici/lib/dispatcher/env-http-proxy-agent') as unknown;
    if (typeof agent !== 'function')
      throw new Error('undici internals changed: lib/dispatcher/env-http-proxy-agent is not a class');
    agentClass = agent as typeof EnvHttpProxyAgentType;
  }
  return agentClass;
}

export function createAgent(options: EnvHttpProxyAgentType.Options): Dispatcher {
  return new (load())(options);
}

/*
 * The pieces connections.ts builds its pool of: undici's Client (one connection,
 * HTTP/1.1 or HTTP/2 as ALPN chose) and its connector (TCP, TLS, ALPN, the TLS
 * session cache). Both are already in the bundle: undici's own Pool uses them.
 */
export type UndiciClient = ClientType;
export type UndiciClientOptions = ClientType.Options;
export type Connector = BuildConnector.connector;
export type ConnectorOptions = BuildConnector.Options;
export type ConnectorBuildOptions = BuildConnector.BuildOptions;

let clientClass: typeof ClientType | undefined;

export function loadClient(): typeof ClientType {
  if (!clientClass) {
    load();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const client = require('undici/lib/dispatcher/client') as unknown;
    if (typeof client !== 'function') throw new Error('undici internals changed: lib/dispatcher/client is not a class');
    clientClass = client as typeof ClientType;
  }
  return clientClass;
}

export function buildConnector(options: ConnectorBuildOptions): Connector {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const build = require('undici/lib/core/connect') as unknown;
  if (typeof build !== 'function') throw new Error('undici internals changed: lib/core/connect is not a function');
  return (build as typeof BuildConnector)(options);
}

/** `undici.request(url, options)`, always on the given dispatcher. */
export function request(
  dispatcher: Dispatcher,
  url: string,
  options: Omit<Dispatcher.RequestOptions, 'origin' | 'path'>,
): Promise<Dispatcher.ResponseData> {
  const u = new URL(url);
  return dispatcher.request({ ...options, origin: u.origin, path: `${u.pathname}${u.search}` });
}

export type { Dispatcher };
