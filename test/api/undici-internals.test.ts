import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { createSecureServer, type Http2SecureServer } from 'node:http2';
import type { AddressInfo } from 'node:net';
import { createSecureContext, rootCertificates } from 'node:tls';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { originPoolFactory } from '../../src/core/connections';
import { createAgent, request, UNDICI_INTERNALS, type Dispatcher } from '../../src/core/undici';
import { startConnectProxy } from '../emulator/connect-proxy';
import { testCertificates } from '../emulator/https';

/*
 * src/core/undici.ts reaches into undici's internals: it requires five of its files
 * by path and patches Dispatcher.prototype as undici's root module does. An upgrade
 * that moves or changes them must fail here, in `npm test`, not at run time in a
 * user's editor. This file never loads undici's root module (node --test runs each
 * file in its own process), so a request that works here works by our patch alone.
 */
const ROOT = join(__dirname, '..', '..', '..');
/** Real path: require() resolves through symlinks, so its cache and resolve() do too. */
const UNDICI_DIR = realpathSync(join(ROOT, 'node_modules', 'undici'));

/** Each module undici.ts requires, and the file it must be in the installed undici. */
const EXPECTED_FILES: Record<(typeof UNDICI_INTERNALS)[number], string> = {
  'undici/lib/dispatcher/dispatcher': 'lib/dispatcher/dispatcher.js',
  'undici/lib/api': 'lib/api/index.js',
  'undici/lib/dispatcher/env-http-proxy-agent': 'lib/dispatcher/env-http-proxy-agent.js',
  'undici/lib/dispatcher/client': 'lib/dispatcher/client.js',
  'undici/lib/core/connect': 'lib/core/connect.js',
};

const rootLoaded = () => Object.keys(require.cache).some((f) => f === join(UNDICI_DIR, 'index.js'));

/** The module paths src/core/undici.ts passes to require(), read from its source. */
function requiredBySource(): string[] {
  const source = readFileSync(join(ROOT, 'src', 'core', 'undici.ts'), 'utf8');
  return [...source.matchAll(/require\(\s*['"]([^'"]+)['"]\s*\)/g)].map((m) => m[1]!);
}

describe('undici internals used by src/core/undici.ts', () => {
  let server: Server;
  let url = '';
  let proxy: Awaited<ReturnType<typeof startConnectProxy>>;
  let h2Server: Http2SecureServer;
  let h2Url = '';
  let h2Connections = 0;
  let tls: { secureContext: ReturnType<typeof createSecureContext> };
  const dispatchers: Dispatcher[] = [];
  const saved = { ...process.env };

  before(async () => {
    // Only the proxies a test names: none from the environment running the tests.
    for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'])
      delete process.env[k];
    server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ method: req.method, url: req.url, body: Buffer.concat(chunks).toString('utf8') }));
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    proxy = await startConnectProxy();
    const certs = await testCertificates();
    tls = { secureContext: createSecureContext({ ca: [...rootCertificates, certs.ca] }) };
    h2Server = createSecureServer({ cert: certs.cert, key: certs.key, allowHTTP1: true }, (req, res) => {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ httpVersion: req.httpVersion, url: req.url }));
    });
    h2Server.on('connection', () => h2Connections++);
    await new Promise<void>((r) => h2Server.listen(0, '127.0.0.1', r));
    h2Url = `https://127.0.0.1:${(h2Server.address() as AddressInfo).port}`;
  });

  after(async () => {
    await Promise.all(dispatchers.map((d) => d.destroy()));
    await proxy.stop();
    await new Promise<void>((r) => h2Server.close(() => r()));
    server.closeAllConnections();
    await new Promise<void>((r) => server.close(() => r()));
    Object.assign(process.env, saved);
  });

  it('package.json pins undici to an exact version, the one installed', () => {
    const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
      dependencies?: Record<string, string>;
    };
    const pinned = pkg.dependencies?.undici;
    assert.match(pinned ?? '', /^\d+\.\d+\.\d+$/, `undici is pinned to an exact version, not a range ("${pinned}")`);
    const installed = (JSON.parse(readFileSync(join(UNDICI_DIR, 'package.json'), 'utf8')) as { version: string })
      .version;
    assert.equal(installed, pinned, 'the installed undici is the pinned one');
    const lock = JSON.parse(readFileSync(join(ROOT, 'package-lock.json'), 'utf8')) as {
      packages?: Record<string, { version?: string }>;
    };
    assert.equal(lock.packages?.['node_modules/undici']?.version, pinned, 'package-lock.json has the pinned undici');
  });

  it('the files undici.ts requires by path exist at those paths in the installed undici', () => {
    assert.deepEqual(
      requiredBySource().sort(),
      [...UNDICI_INTERNALS].sort(),
      'UNDICI_INTERNALS lists exactly what undici.ts requires',
    );
    for (const id of UNDICI_INTERNALS) {
      const expected = join(UNDICI_DIR, ...EXPECTED_FILES[id].split('/'));
      assert.ok(existsSync(expected), `undici/${EXPECTED_FILES[id]} exists`);
      // Resolution goes through undici's package.json: an "exports" map that hides lib/ fails here.
      assert.equal(require.resolve(id), expected, `${id} resolves to undici/${EXPECTED_FILES[id]}`);
    }
  });

  it("undici's root module patches Dispatcher.prototype with exactly lib/api, and exports the same agent class", () => {
    // In a child process: loading the root here would do the patch for us and hide a broken one.
    const script = `
      const Dispatcher = require('undici/lib/dispatcher/dispatcher');
      const before = new Map(Object.getOwnPropertyNames(Dispatcher.prototype).map((k) => [k, Dispatcher.prototype[k]]));
      const undici = require('undici');
      const api = require('undici/lib/api');
      const patched = Object.getOwnPropertyNames(Dispatcher.prototype).filter((k) => before.get(k) !== Dispatcher.prototype[k]);
      process.stdout.write(JSON.stringify({
        patched: patched.sort(),
        api: Object.keys(api).sort(),
        fromApi: patched.every((k) => Dispatcher.prototype[k] === api[k]),
        sameDispatcher: undici.Dispatcher === Dispatcher,
        sameAgent: undici.EnvHttpProxyAgent === require('undici/lib/dispatcher/env-http-proxy-agent'),
        sameClient: undici.Client === require('undici/lib/dispatcher/client'),
        sameConnector: undici.buildConnector === require('undici/lib/core/connect'),
      }));`;
    const out = JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT, encoding: 'utf8' })) as Record<
      string,
      unknown
    >;
    assert.deepEqual(out.patched, out.api, 'the root adds lib/api to Dispatcher.prototype and nothing else');
    assert.ok(
      (out.api as string[]).includes('request') && (out.api as string[]).includes('connect'),
      'lib/api has request and connect',
    );
    assert.equal(out.fromApi, true);
    assert.equal(out.sameDispatcher, true, "lib/dispatcher/dispatcher is the root's Dispatcher");
    assert.equal(out.sameAgent, true, "lib/dispatcher/env-http-proxy-agent is the root's EnvHttpProxyAgent");
    assert.equal(out.sameClient, true, "lib/dispatcher/client is the root's Client");
    assert.equal(out.sameConnector, true, "lib/core/connect is the root's buildConnector");
  });

  it('a dispatcher from createAgent has a working request: a real one to a local server', async () => {
    const dispatcher = createAgent({});
    dispatchers.push(dispatcher);
    assert.equal(typeof dispatcher.request, 'function');
    assert.equal(rootLoaded(), false, "undici's root module is not loaded: request comes from undici.ts's patch");
    const res = await request(dispatcher, `${url}/echo?x=1`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"a":1}',
    });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(await res.body.json(), { method: 'POST', url: '/echo?x=1', body: '{"a":1}' });
  });

  it('a request through a CONNECT proxy works', async () => {
    proxy.tunnels.length = 0;
    const dispatcher = createAgent({ httpProxy: proxy.url, httpsProxy: proxy.url, noProxy: '' });
    dispatchers.push(dispatcher);
    const res = await request(dispatcher, `${url}/through-proxy`, { method: 'GET' });
    assert.equal(res.statusCode, 200);
    assert.deepEqual(await res.body.json(), { method: 'GET', url: '/through-proxy', body: '' });
    assert.deepEqual(proxy.tunnels, [new URL(url).host], 'one tunnel, opened with CONNECT to the server');
    assert.equal(rootLoaded(), false, "the tunnel was opened without undici's root module");
  });

  it("HTTP/2 with undici.ts's Client and connector: three requests at once share one connection (connections.ts)", async () => {
    h2Connections = 0;
    const dispatcher = createAgent({ factory: originPoolFactory(), allowH2: true, connect: tls, noProxy: '*' });
    dispatchers.push(dispatcher);
    const replies = await Promise.all(
      [1, 2, 3].map((i) => request(dispatcher, `${h2Url}/h2/${i}`, { method: 'GET' }).then((r) => r.body.json())),
    );
    assert.deepEqual(
      replies,
      [1, 2, 3].map((i) => ({ httpVersion: '2.0', url: `/h2/${i}` })),
    );
    assert.equal(h2Connections, 1);
    assert.equal(rootLoaded(), false, "h2 without undici's root module");
  });

  it('HTTP/2 inside a CONNECT tunnel: ALPN is offered by requestTls', async () => {
    proxy.tunnels.length = 0;
    const dispatcher = createAgent({
      factory: originPoolFactory(),
      allowH2: true,
      connect: tls,
      requestTls: { ...tls, allowH2: true },
      httpProxy: proxy.url,
      httpsProxy: proxy.url,
      noProxy: '',
    });
    dispatchers.push(dispatcher);
    const replies = await Promise.all(
      [1, 2].map((i) => request(dispatcher, `${h2Url}/tunnel/${i}`, { method: 'GET' }).then((r) => r.body.json())),
    );
    assert.deepEqual(
      replies,
      [1, 2].map((i) => ({ httpVersion: '2.0', url: `/tunnel/${i}` })),
    );
    assert.deepEqual(proxy.tunnels, [new URL(h2Url).host], 'one tunnel');
  });
});
