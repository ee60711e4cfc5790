import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { listDomains } from '../../src/core';
import { useEmulator } from './harness';

const env = useEmulator();

/** A CONNECT proxy on loopback that records every tunnel it opens. */
function connectProxy(): { server: Server; tunnels: string[] } {
  const tunnels: string[] = [];
  const server = createServer((_req, res) => res.writeHead(405).end());
  server.on('connect', (req, client, head) => {
    tunnels.push(req.url ?? '');
    const [host, port] = (req.url ?? '').split(':');
    const upstream = connect(Number(port), host!, () => {
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => client.destroy());
    client.on('error', () => upstream.destroy());
  });
  return { server, tunnels };
}

describe('proxies', () => {
  const proxy = connectProxy();
  let proxyUrl = '';
  const saved = { ...process.env };

  before(async () => {
    await new Promise<void>((r) => proxy.server.listen(0, '127.0.0.1', r));
    proxyUrl = `http://127.0.0.1:${(proxy.server.address() as AddressInfo).port}`;
  });
  after(() => new Promise<void>((r) => proxy.server.close(() => r())));
  beforeEach(() => {
    proxy.tunnels.length = 0;
    for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy']) delete process.env[k];
  });
  after(() => Object.assign(process.env, saved));

  const emulatorHost = () => new URL(env.url).host;

  it("VS Code's http.proxy sends every request through the proxy", async () => {
    const client = env.makeClient({ proxy: { url: proxyUrl } });
    assert.equal((await listDomains(client)).length, 4);
    assert.ok(proxy.tunnels.length >= 1);
    assert.ok(proxy.tunnels.every((t) => t === emulatorHost()));
    assert.equal(env.emulator.requestsTo('GET', '^/v1/domains$').length, 1);
  });

  it('HTTP_PROXY from the environment is used when no setting is given', async () => {
    process.env.HTTP_PROXY = proxyUrl;
    const client = env.makeClient();
    await listDomains(client);
    assert.ok(proxy.tunnels.includes(emulatorHost()));
  });

  it('NO_PROXY bypasses the proxy', async () => {
    process.env.HTTP_PROXY = proxyUrl;
    process.env.NO_PROXY = '127.0.0.1';
    await listDomains(env.makeClient());
    assert.deepEqual(proxy.tunnels, []);
  });

  it("VS Code's http.noProxy bypasses a configured proxy", async () => {
    await listDomains(env.makeClient({ proxy: { url: proxyUrl, noProxy: '127.0.0.1,localhost' } }));
    assert.deepEqual(proxy.tunnels, []);
  });

  it('a proxy that refuses is a clear network error, not a hang', async () => {
    const client = env.makeClient({ proxy: { url: 'http://127.0.0.1:1' }, retry: { maxRetries: 0 } });
    await assert.rejects(listDomains(client), (e: Error & { kind?: string }) => e.kind === 'network' && /Get access token failed/.test(e.message));
  });
});
