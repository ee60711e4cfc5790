import assert from 'node:assert/strict';
import { it } from 'node:test';
import { TlsInstructions } from '../../src/resources/tls/instructions';
import { memento } from './memento';

it("keeps each subscription's CNAME instruction by id; an empty one removes it; own keys only", async () => {
  const state = memento();
  const kept = new TlsInstructions(state);
  await kept.remember('p', 'tls-1', "Create a CNAME for 'a.example.com' and point it to 'x.example.net.'.");
  await kept.remember('p', 'tls-2', 'second');
  assert.equal(kept.count('p'), 2);
  assert.match(kept.instruction('p', 'tls-1') ?? '', /a\.example\.com/);
  assert.equal(kept.instruction('other', 'tls-1'), undefined, 'per project');
  assert.equal(kept.instruction('p', '__proto__'), undefined, 'an id such as __proto__ reads nothing');
  assert.equal(kept.instruction('p', 'toString'), undefined);
  await kept.remember('p', 'tls-2', undefined);
  assert.equal(kept.count('p'), 1);
  await kept.forget('p');
  assert.equal(kept.count('p'), 0);
  assert.deepEqual(state.keys(), []);
});
