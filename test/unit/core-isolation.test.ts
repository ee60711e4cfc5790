import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { it } from 'node:test';

const root = join(__dirname, '..', '..', '..');

function files(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? files(join(dir, e.name)) : [join(dir, e.name)],
  );
}

it('no file under src/core imports vscode', () => {
  const core = files(join(root, 'src', 'core')).filter((f) => f.endsWith('.ts'));
  assert.ok(core.length >= 5);
  const offenders = core.filter((f) =>
    /from\s+['"]vscode['"]|require\(\s*['"]vscode['"]\s*\)|import\(\s*['"]vscode['"]\s*\)/.test(
      readFileSync(f, 'utf8'),
    ),
  );
  assert.deepEqual(offenders, []);
});

it('the compiled core loads under plain Node, where vscode does not exist', () => {
  // Plain require on purpose: this asserts what a runtime load does.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  assert.throws(() => require('vscode'), /Cannot find module 'vscode'/);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const core = require(join(root, 'out', 'src', 'core', 'index.js')) as Record<string, unknown>;
  assert.equal(typeof core.QencodeClient, 'function');
});
