import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { listDomains } from '../../src/core';
import { startConnectProxy } from '../emulator/connect-proxy';
import { useEmulator } from './harness';

const env = useEmulator();

describe('proxies', () => {
  let proxy: Awaited<ReturnType<typeof startConnectProxy>>;
  let proxyUrl = '';
  const saved = { ...process.env };

  before(async () => {
    proxy = await startConnectProxy();
    proxyUrl = proxy.url;
  });
  after(() => proxy.stop());
  beforeEach(() => {
    proxy.tunnels.length = 0;
    for (const k of ['HTTP_PROXY', 'HTTPS_PROXY', 'NO_PROXY', 'http_proxy', 'https_proxy', 'no_proxy'])
      delete process.env[k];
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
    await assert.rejects(
      listDomains(client),
      (e: Error & { kind?: string }) => e.kind === 'network' && /Get access token failed/.test(e.message),
    );
  });
});
