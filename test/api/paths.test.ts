import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { apiPath, getDomain, isQencodeError } from '../../src/core';
import { useEmulator } from './harness';

const env = useEmulator();

describe('path builder', () => {
  it('joins encoded segments under /v1', () => {
    assert.equal(apiPath('op', 'domains', 'aeac03d6-beb0'), '/v1/domains/aeac03d6-beb0');
    assert.equal(
      apiPath('op', 'buckets', 'b', 'cors', 'Access-Control-Allow-Origin'),
      '/v1/buckets/b/cors/Access-Control-Allow-Origin',
    );
  });

  const hostile: [string, string][] = [
    ['a/b', 'a%2Fb'],
    ['../etc', '..%2Fetc'],
    ['%2e%2e', '%252e%252e'],
    ['x?y=1', 'x%3Fy%3D1'],
    ['x#frag', 'x%23frag'],
    ['a b', 'a%20b'],
    ['\u0000\n', '%00%0A'],
    ['ünï', '%C3%BCn%C3%AF'],
    ['...', '...'],
    ['%', '%25'],
  ];
  for (const [input, expected] of hostile) {
    it(`keeps ${JSON.stringify(input)} one segment`, () => {
      const path = apiPath('op', 'domains', input);
      assert.equal(path, `/v1/domains/${expected}`);
      assert.equal(path.split('/').length, 4);
      assert.ok(!/[?#]/.test(path));
    });
  }

  for (const bad of ['', '.', '..', '\ud800']) {
    it(`refuses ${JSON.stringify(bad)}`, () => {
      assert.throws(
        () => apiPath('get domain', 'domains', bad),
        (e: unknown) => isQencodeError(e, 'invalid-input') && e.operation === 'get domain',
      );
    });
  }

  it('a hostile id reaches the server as one segment of the intended route', async () => {
    await assert.rejects(getDomain(env.client, '../signing-keys'));
    const r = env.emulator.requests.at(-1);
    assert.equal(r?.path, '/v1/domains/..%2Fsigning-keys');
    assert.equal(r?.status, 404);
  });
});
