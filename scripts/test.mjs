#!/usr/bin/env node
// npm test: the whole suite, stopping at the first failure. The full suite needs Linux
// with Debian's packages (apt-get installs Chromium and the code-server test host's
// build needs, see install-test-host.mjs). Anywhere else it says so in one line and
// runs the parts that need no test host.
import { spawn, spawnSync } from 'node:child_process';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

const hasCommand = (name) => spawnSync('sh', ['-c', `command -v ${name}`], { stdio: 'ignore' }).status === 0;
// Debian's package tools: the test host's packages are checked with dpkg-query and installed with apt-get.
const full = process.platform === 'linux' && hasCommand('dpkg-query') && hasCommand('apt-get');

/**
 * `npm run <script>`, or several at once (their output is kept and printed whole, one
 * after the other, so it reads as if they had run in turn); resolves to the first
 * failing exit code, or 0.
 */
async function run(...scripts) {
  const alone = scripts.length === 1;
  const codes = await Promise.all(
    scripts.map(
      (script) =>
        new Promise((resolve) => {
          const child = spawn(npm, ['run', '--silent', script], {
            cwd: root,
            stdio: alone ? 'inherit' : ['ignore', 'pipe', 'pipe'],
            env: process.env,
          });
          const out = [];
          child.stdout?.on('data', (d) => out.push(d));
          child.stderr?.on('data', (d) => out.push(d));
          child.on('exit', (code, signal) => resolve({ code: code ?? (signal ? 1 : 0), out: Buffer.concat(out) }));
        }),
    ),
  );
  for (const { out } of codes) process.stdout.write(out);
  return codes.map((c) => c.code).find((c) => c !== 0) ?? 0;
}

// Each step: the scripts that run at once (independent, and light enough for two cores).
const portable = [['clean'], ['compile'], ['typecheck', 'lint'], ['test:unit:run', 'test:api:run']];
const steps = full
  ? [['install:test-host'], ...portable, ['test:faults:run'], ['test:integration'], ['test:e2e']]
  : portable;

if (!full) {
  process.stdout.write(
    'npm test runs the full suite on Linux with apt-get (Debian, Ubuntu: it installs Chromium and a code-server test host); here it runs typecheck, lint, unit and api only. For the integration suite on a desktop with internet access: npm run test:electron (VS Code through @vscode/test-electron).\n',
  );
}
for (const step of steps) {
  const code = await run(...step);
  if (code !== 0) process.exit(code);
}
