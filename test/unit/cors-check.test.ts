import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  corsCheck,
  isSafelistedHeader,
  judgeCors,
  judgePolicy,
  judgePreflight,
  needsPreflight,
  type CorsRequest,
  type HeaderList,
} from '../../src/core/edge/cors-check';

/* The CORS check and the preflight rules of the Fetch standard (https://fetch.spec.whatwg.org/#http-cors-protocol). */

const origin = 'https://app.example.com';
const get = (over: Partial<CorsRequest> = {}): CorsRequest => ({
  origin,
  method: 'GET',
  headers: [],
  credentials: false,
  ...over,
});
const h = (o: Record<string, string>): HeaderList => Object.entries(o);

describe('the CORS check (Fetch 4.9)', () => {
  it('"*" allows any origin without credentials, never with them', () => {
    assert.equal(corsCheck(h({ 'Access-Control-Allow-Origin': '*' }), origin, false, 'request'), undefined);
    const withCredentials = corsCheck(h({ 'Access-Control-Allow-Origin': '*' }), origin, true, 'request');
    assert.match(withCredentials?.reason ?? '', /never allowed by "\*"/);
  });

  it('a named origin must be byte for byte the page’s; another one says which it allows', () => {
    assert.equal(
      corsCheck(h({ 'access-control-allow-origin': origin }), origin, false, 'request'),
      undefined,
      'any case of the name',
    );
    assert.match(
      corsCheck(h({ 'Access-Control-Allow-Origin': 'https://other.example' }), origin, false, 'request')!.reason,
      /allows only https:\/\/other\.example, not https:\/\/app\.example\.com/,
    );
    assert.ok(
      corsCheck(h({ 'Access-Control-Allow-Origin': `${origin}/` }), origin, false, 'request'),
      'a trailing slash is another value',
    );
    assert.ok(
      corsCheck(h({ 'Access-Control-Allow-Origin': 'https://APP.example.com' }), origin, false, 'request'),
      'no case folding',
    );
  });

  it('no header, or two values, fail', () => {
    assert.equal(corsCheck([], origin, false, 'request')?.value, undefined);
    const twice: HeaderList = [
      ['Access-Control-Allow-Origin', origin],
      ['Access-Control-Allow-Origin', origin],
    ];
    assert.match(corsCheck(twice, origin, false, 'request')!.reason, /more than one value/);
  });

  it('with credentials, the origin named and Allow-Credentials exactly "true"', () => {
    const named = { 'Access-Control-Allow-Origin': origin };
    assert.match(corsCheck(h(named), origin, true, 'request')!.header, /Allow-Credentials/);
    assert.ok(corsCheck(h({ ...named, 'Access-Control-Allow-Credentials': 'TRUE' }), origin, true, 'request'));
    assert.equal(
      corsCheck(h({ ...named, 'Access-Control-Allow-Credentials': 'true' }), origin, true, 'request'),
      undefined,
    );
  });
});

describe('when a browser sends a preflight', () => {
  it('GET, HEAD and POST with safelisted headers go without one; other methods and headers need one', () => {
    assert.equal(needsPreflight(get()), false);
    assert.equal(needsPreflight(get({ method: 'HEAD' })), false);
    assert.equal(needsPreflight(get({ method: 'PUT' })), true);
    assert.equal(needsPreflight(get({ headers: [['Range', 'bytes=0-1023']] })), false, 'a simple range is safelisted');
    assert.equal(needsPreflight(get({ headers: [['Range', 'bytes=0-1,5-9']] })), true, 'two ranges are not');
    assert.equal(needsPreflight(get({ headers: [['Authorization', 'Bearer x']] })), true);
    assert.equal(needsPreflight(get({ headers: [['Content-Type', 'application/json']] })), true);
    assert.equal(isSafelistedHeader('Content-Type', 'text/plain; charset=utf-8'), true);
    assert.equal(isSafelistedHeader('Accept', 'x'.repeat(129)), false, 'over 128 bytes');
  });
});

describe('the preflight’s answer (Fetch 4.8)', () => {
  const put = get({ method: 'PUT', headers: [['X-Token', '1']] });
  const ok = {
    'Access-Control-Allow-Origin': origin,
    'Access-Control-Allow-Methods': 'GET, PUT',
    'Access-Control-Allow-Headers': 'x-token',
  };

  it('status 200 to 299 only', () => {
    assert.match(judgePreflight(put, 403, h(ok)).problem!.reason, /answered 403/);
    assert.equal(judgePreflight(put, 204, h(ok)).problem, undefined);
  });

  it('the method must be listed, or "*" without credentials; methods compare as sent', () => {
    assert.match(
      judgePreflight(put, 200, h({ ...ok, 'Access-Control-Allow-Methods': 'GET' })).problem!.reason,
      /PUT is not among/,
    );
    assert.equal(judgePreflight(put, 200, h({ ...ok, 'Access-Control-Allow-Methods': '*' })).problem, undefined);
    const credentialed = { ...put, credentials: true };
    const star = { ...ok, 'Access-Control-Allow-Methods': '*', 'Access-Control-Allow-Credentials': 'true' };
    assert.match(judgePreflight(credentialed, 200, h(star)).problem!.header, /Allow-Methods/);
  });

  it('each header not safelisted must be listed (any case), or "*" without credentials, which never covers Authorization', () => {
    assert.match(
      judgePreflight(put, 200, h({ ...ok, 'Access-Control-Allow-Headers': 'x-other' })).problem!.reason,
      /x-token/,
    );
    assert.equal(judgePreflight(put, 200, h({ ...ok, 'Access-Control-Allow-Headers': 'X-TOKEN' })).problem, undefined);
    assert.equal(judgePreflight(put, 200, h({ ...ok, 'Access-Control-Allow-Headers': '*' })).problem, undefined);
    const auth = get({ method: 'GET', headers: [['Authorization', 'Bearer x']] });
    assert.match(
      judgePreflight(auth, 200, h({ ...ok, 'Access-Control-Allow-Headers': '*' })).problem!.reason,
      /authorization/,
    );
  });

  it('Max-Age says how long the answer is kept (5 s by default)', () => {
    assert.equal(judgePreflight(put, 200, h(ok)).cacheSeconds, 5);
    assert.equal(judgePreflight(put, 200, h({ ...ok, 'Access-Control-Max-Age': '600' })).cacheSeconds, 600);
    const huge = judgePreflight(put, 200, h({ ...ok, 'Access-Control-Max-Age': '9'.repeat(400) })).cacheSeconds;
    assert.equal(huge, Number.MAX_SAFE_INTEGER, 'four hundred digits are a (very) long time, not Infinity');
  });
});

describe('the verdict of an exchange', () => {
  it('a preflight refused blocks before the request; the request’s answer is checked only after', () => {
    const put = get({ method: 'PUT' });
    const verdict = judgeCors(put, {
      preflight: { status: 200, headers: h({ 'Access-Control-Allow-Origin': origin }) },
      response: { status: 200, headers: h({ 'Access-Control-Allow-Origin': origin }) },
    });
    assert.equal(verdict.allowed, false);
    assert.equal(verdict.problems[0]!.step, 'preflight');
  });

  it('a named origin without "Vary: Origin" is noted: a cache may give the answer to another origin', () => {
    const named = judgeCors(get(), {
      response: { status: 200, headers: h({ 'Access-Control-Allow-Origin': origin }) },
    });
    assert.equal(named.allowed, true);
    assert.match(named.notes.join(' '), /without "Vary: Origin"/);
    const varied = judgeCors(get(), {
      response: { status: 200, headers: h({ 'Access-Control-Allow-Origin': origin, Vary: 'Accept-Encoding, Origin' }) },
    });
    assert.deepEqual(varied.notes, []);
    const star = judgeCors(get(), { response: { status: 200, headers: h({ 'Access-Control-Allow-Origin': '*' }) } });
    assert.deepEqual(star.notes, [], '"*" is the same for every origin');
  });

  it("a Max-Age past what browsers keep is noted with each engine's limit; one within it is not", () => {
    const put = get({ method: 'PUT' });
    const preflight = (maxAge: string) => ({
      preflight: {
        status: 200,
        headers: h({
          'Access-Control-Allow-Origin': origin,
          'Access-Control-Allow-Methods': 'PUT',
          'Access-Control-Max-Age': maxAge,
          Vary: 'Origin',
        }),
      },
      response: { status: 200, headers: h({ 'Access-Control-Allow-Origin': origin, Vary: 'Origin' }) },
    });
    const long = judgeCors(put, preflight('31536000'));
    assert.equal(long.allowed, true);
    assert.match(
      long.notes.join(' '),
      /keep this preflight's answer 31536000 s; .*Safari 600 s, Chrome and Edge 7200 s, Firefox 86400 s\), so a browser sees a change of the policy within 86400 s at most/,
    );
    assert.deepEqual(judgeCors(put, preflight('600')).notes, []);
    assert.match(judgeCors(put, preflight('3600')).notes.join(' '), /within 3600 s at most/);
  });

  it('the policy judged as if the edge sent exactly its headers', () => {
    assert.equal(judgePolicy(get(), { 'Access-Control-Allow-Origin': origin }).allowed, true);
    assert.equal(judgePolicy(get({ method: 'DELETE' }), { 'Access-Control-Allow-Origin': origin }).allowed, false);
    assert.equal(judgePolicy(get(), {}).allowed, false);
  });
});
