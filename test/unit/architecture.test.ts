import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
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

/** Every .ts file under a folder. */
function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? sources(join(dir, e.name)) : e.name.endsWith('.ts') ? [join(dir, e.name)] : [],
  );
}

describe('a codebase a newcomer can search', () => {
  const files = sources(join(ROOT, 'src'));
  const commands = (
    JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { contributes: { commands: { command: string }[] } }
  ).contributes.commands.map((c) => c.command);

  it('every command of package.json is registered exactly once in src, by its whole id, and src registers no other', () => {
    const registered: string[] = [];
    for (const file of files) {
      for (const m of readFileSync(file, 'utf8').matchAll(/\{\s*id: '(qencodeCdn\.[A-Za-z]+)'/g))
        registered.push(m[1]!);
    }
    assert.ok(commands.length > 40, `${commands.length} commands`);
    assert.deepEqual([...registered].sort(), [...commands].sort(), 'one registration per command, and no other');
    // One registrar: nothing else calls registerCommand.
    const direct = files.filter((f) => /vscode\.commands\.registerCommand\(/.test(readFileSync(f, 'utf8')));
    assert.deepEqual(
      direct.map((f) => relative(ROOT, f)),
      [join('src', 'commands.ts')],
    );
  });

  it('each registration names a handler that is a named, exported function of its module, or calls one', () => {
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(/\{\s*id: '(qencodeCdn\.[A-Za-z]+)', name: [^}]*?, run: ([A-Za-z]+) \}/g)) {
        const handler = m[2]!;
        // In the table's own file, or imported by name from a module of its folder that exports it.
        const from = new RegExp(`import \\{[^}]*\\b${handler}\\b[^}]*\\} from '(\\./[^']+)'`).exec(text)?.[1];
        const home = from ? readFileSync(join(file, '..', `${from}.ts`), 'utf8') : text;
        assert.match(
          home,
          new RegExp(`export async function ${handler}\\(`),
          `${m[1]} in ${relative(ROOT, file)}: ${handler}`,
        );
      }
    }
  });

  /** Files and functions past the size rules, each with why it is better whole. */
  const WHOLE: Record<string, string> = {};

  it('no file in src is over 400 lines, and no function over 100 lines', async () => {
    const ts = await import('typescript');
    const over: string[] = [];
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      const name = relative(ROOT, file);
      const lines = text.split('\n').length;
      if (lines > 400 && !WHOLE[name]) over.push(`${name}: ${lines} lines`);
      const source = ts.createSourceFile(file, text, ts.ScriptTarget.Latest, true);
      const visit = (node: import('typescript').Node) => {
        if (ts.isFunctionLike(node) && 'body' in node && node.body) {
          const start = source.getLineAndCharacterOfPosition(node.getStart()).line;
          const end = source.getLineAndCharacterOfPosition(node.end).line;
          const fn = `${name}:${start + 1}`;
          if (end - start + 1 > 100 && !WHOLE[fn]) over.push(`${fn}: a function of ${end - start + 1} lines`);
        }
        ts.forEachChild(node, visit);
      };
      visit(source);
    }
    assert.deepEqual(over, []);
  });
});
