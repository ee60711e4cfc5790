import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ESLint } from 'eslint';
import { Ctx, PASSIVE_CONTEXT_VALUES } from '../../src/explorer/context-values';

const ROOT = join(__dirname, '..', '..', '..');
const manifest = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as {
  contributes: { menus: Record<string, { command: string; when?: string }[]> };
};

/** Every `viewItem == x` and `viewItem =~ /re/` of the manifest's menus. */
function viewItemConditions(): { equals: string[]; patterns: RegExp[] } {
  const equals: string[] = [];
  const patterns: RegExp[] = [];
  for (const item of Object.values(manifest.contributes.menus).flat()) {
    const when = item.when ?? '';
    for (const m of when.matchAll(/viewItem == ([\w.-]+)/g)) equals.push(m[1]!);
    for (const m of when.matchAll(/viewItem =~ \/((?:[^/\\]|\\.)+)\//g)) patterns.push(new RegExp(m[1]!));
  }
  return { equals, patterns };
}

describe('contextValues and the when clauses of package.json', () => {
  const values: string[] = Object.values(Ctx);
  const { equals, patterns } = viewItemConditions();

  it('every viewItem a when clause names is a contextValue some row has', () => {
    assert.ok(equals.length > 5 && patterns.length > 3, 'the manifest has viewItem conditions');
    assert.deepEqual(
      equals.filter((v) => !values.includes(v)),
      [],
      'viewItem == names no unknown contextValue',
    );
    for (const re of patterns)
      assert.ok(
        values.some((v) => re.test(v)),
        `${re} matches some contextValue`,
      );
  });

  it('every contextValue of a row with actions appears in some when clause', () => {
    const reached = (v: string) => equals.includes(v) || patterns.some((re) => re.test(v));
    assert.deepEqual(
      values.filter((v) => !PASSIVE_CONTEXT_VALUES.includes(v as never) && !reached(v)),
      [],
    );
  });
});

describe('no import circles', () => {
  it('lint fails on an import cycle (and the real tree has none)', { timeout: 120_000 }, async () => {
    const eslint = new ESLint({ cwd: ROOT });
    const file = join(ROOT, 'src', 'data', 'buckets.ts');
    const original = readFileSync(file, 'utf8');
    // buckets.ts → data-layer.ts → project-data.ts → buckets.ts
    const [cyclic] = await eslint.lintText(
      `${original}\nimport { DataLayer } from './data-layer';\nexport const cycle = DataLayer;\n`,
      { filePath: file },
    );
    assert.ok(
      cyclic?.messages.some((m) => m.ruleId === 'import-x/no-cycle'),
      JSON.stringify(cyclic?.messages),
    );
    const [clean] = await eslint.lintText(original, { filePath: file });
    assert.deepEqual(
      clean?.messages.filter((m) => m.ruleId === 'import-x/no-cycle'),
      [],
    );
  });
});
