import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { startConnectProxy } from '../emulator/connect-proxy';
import { expandAll, useTlsEmulator } from './tls-harness';

/*
 * HTTP/2 through a proxy: undici opens a CONNECT tunnel (spoken in HTTP/1.1 to the
 * proxy) and runs TLS inside it; ALPN in that TLS offers h2 (requestTls.allowH2), so
 * the API is spoken in h2 through the tunnel, and one tunnel carries every request.
 */
const env = useTlsEmulator();

describe('HTTP/2 through a CONNECT proxy', () => {
  let proxy: Awaited<ReturnType<typeof startConnectProxy>>;
  const saved = { ...process.env };

  before(async () => {
    for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'])
      delete process.env[k];
    proxy = await startConnectProxy();
  });
  after(async () => {
    // The proxy's close waits for its tunnels: the clients holding them go first.
    await env.closeClients();
    await proxy.stop();
    Object.assign(process.env, saved);
  });
  beforeEach(() => {
    proxy.tunnels.length = 0;
    env.reset();
  });

  const apiHost = () => new URL(env.url).host;

  it('first use: one tunnel, one TLS handshake inside it, every request in h2', async () => {
    await expandAll(env.makeClient({ proxy: { url: proxy.url } }));
    assert.deepEqual(proxy.tunnels, [apiHost()]);
    assert.deepEqual(env.counts(), { requests: 4, connections: 1, handshakes: 1 });
    assert.ok(env.emulator.requests.every((r) => r.httpVersion === '2.0'));
  });

  it('with a kept token: no token request, one tunnel', async () => {
    const token = await env.makeClient({ proxy: { url: proxy.url } }).verifyApiKey();
    proxy.tunnels.length = 0;
    env.reset();
    await expandAll(env.makeClient({ proxy: { url: proxy.url }, initialToken: token }));
    assert.deepEqual(proxy.tunnels, [apiHost()]);
    assert.deepEqual(env.counts(), { requests: 3, connections: 1, handshakes: 1 });
  });

  it('HTTPS_PROXY from the environment is used the same way', async () => {
    process.env.HTTPS_PROXY = proxy.url;
    try {
      await expandAll(env.makeClient());
    } finally {
      delete process.env.HTTPS_PROXY;
    }
    assert.deepEqual(proxy.tunnels, [apiHost()]);
    assert.ok(env.emulator.requests.every((r) => r.httpVersion === '2.0'));
  });

  it('preconnect() opens the tunnel and its TLS ahead of the first request', async () => {
    const client = env.makeClient({ proxy: { url: proxy.url } });
    assert.equal(await client.preconnect(), true);
    assert.deepEqual(proxy.tunnels, [apiHost()]);
    assert.deepEqual(env.counts(), { requests: 0, connections: 1, handshakes: 1 });
    await expandAll(client);
    assert.deepEqual(proxy.tunnels, [apiHost()], 'no second tunnel');
    assert.deepEqual(env.counts(), { requests: 4, connections: 1, handshakes: 1 });
  });

  it('without HTTP/2 the tunnel carries HTTP/1.1, as before', async () => {
    await expandAll(env.makeClient({ proxy: { url: proxy.url }, http2: false }));
    assert.ok(proxy.tunnels.length >= 1 && proxy.tunnels.every((t) => t === apiHost()));
    assert.ok(env.emulator.requests.every((r) => r.httpVersion === '1.1'));
  });
});
