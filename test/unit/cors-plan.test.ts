import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatPolicy, planCorsSave, samePolicy } from '../../src/resources/buckets/cors-plan';

describe('the CORS document and its save plan', () => {
  const origin = 'Access-Control-Allow-Origin';
  const age = 'Access-Control-Max-Age';

  it('formats in the documented header order, others after, sorted', () => {
    assert.equal(
      formatPolicy({ 'X-Z': '1', [age]: '600', 'X-A': '2', [origin]: '*' }),
      `{\n  "${origin}": "*",\n  "${age}": "600",\n  "X-A": "2",\n  "X-Z": "1"\n}\n`,
    );
    assert.equal(formatPolicy({}), '{}\n');
  });

  it('compares by own keys and values', () => {
    assert.equal(samePolicy({ a: '1', b: '2' }, { b: '2', a: '1' }), true);
    assert.equal(samePolicy({ a: '1' }, { a: '2' }), false);
    assert.equal(samePolicy({}, { constructor: 'x' }), false);
  });

  it('plans nothing when equal; deletes removed headers one by one, then posts', () => {
    assert.deepEqual(planCorsSave({ [origin]: '*' }, { [origin]: '*' }), {
      deleteAll: false,
      deleteHeaders: [],
      post: false,
    });
    assert.deepEqual(planCorsSave({ [origin]: '*', [age]: '600' }, { [origin]: '*' }), {
      deleteAll: false,
      deleteHeaders: [age],
      post: false,
    });
    assert.deepEqual(planCorsSave({ [origin]: '*' }, { [origin]: 'https://a.example' }), {
      deleteAll: false,
      deleteHeaders: [],
      post: true,
    });
  });

  it('deletes the whole policy for {} or when a header the API cannot delete one by one was removed', () => {
    assert.deepEqual(planCorsSave({ [origin]: '*' }, {}), { deleteAll: true, deleteHeaders: [], post: false });
    assert.deepEqual(planCorsSave({ [origin]: '*', 'X-Other': '1' }, { [origin]: '*' }), {
      deleteAll: true,
      deleteHeaders: [],
      post: true,
    });
  });
});
