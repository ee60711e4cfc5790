import assert from 'node:assert/strict';
import { it } from 'node:test';
import { onFirstUse } from '../../src/core/first-use';

it('loads once, on the first call, and keeps what it loaded', () => {
  let loads = 0;
  const chunk = onFirstUse('edge.js', () => ({ n: ++loads }));
  assert.equal(loads, 0, 'nothing is loaded before the first use');
  assert.equal(chunk().n, 1);
  assert.equal(chunk(), chunk());
  assert.equal(loads, 1);
});

it('a chunk that cannot be loaded is said plainly, with the file and a way out, and the next use tries again', () => {
  let attempts = 0;
  const chunk = onFirstUse('edge.js', () => {
    if (++attempts === 1)
      throw Object.assign(new Error("Cannot find module './edge.js'\nRequire stack:\n- /home/someone/.vscode/x.js"), {
        code: 'MODULE_NOT_FOUND',
      });
    return { ok: true };
  });
  assert.throws(chunk, {
    message:
      "Qencode CDN could not load its file edge.js (Cannot find module './edge.js'). Its files may have changed, as after an update: reload the window.",
  });
  assert.deepEqual(chunk(), { ok: true });
  assert.equal(attempts, 2);
});
