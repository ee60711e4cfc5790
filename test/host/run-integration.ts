import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { format } from 'node:util';
import { launchBrowser, ROOT, startCodeServer, type Browser, type CodeServer } from './code-server';

/*
 * npm run test:integration: runs the mocha suite inside code-server's real
 * extension host through the smoke-test driver, streams its output, and exits
 * with its result. Everything it starts is stopped on every path out.
 */
/** Workbench chatter that is not the suite's output. */
const WORKBENCH_NOISE = /^(Creating a socket|\[reconnection-grace-time\]|Ignoring fetching additional builtin|\[Service Worker\]|\[AgentHost|\[AccountPolicyGate\]|Updating additional builtin|Started local extension host|\[ExtensionService\])/;
const TIMEOUT_MS = Number(process.env.QENCODE_INTEGRATION_TIMEOUT_MS ?? 10 * 60_000);

async function main(): Promise<number> {
  const workspace = mkdtempSync(join(tmpdir(), 'qencode-ws-'));
  let server: CodeServer | undefined;
  let browser: Browser | undefined;
  const cleanup = async () => {
    await browser?.close();
    await server?.stop();
    rmSync(workspace, { recursive: true, force: true });
  };
  const onSignal = () => void cleanup().then(() => process.exit(130));
  process.once('SIGINT', onSignal);
  process.once('SIGTERM', onSignal);
  try {
    server = await startCodeServer({ workspace, smokeTestDriver: true, log: (l) => process.env.QENCODE_DEBUG && process.stderr.write(l) });
    browser = await launchBrowser();
    let resolveExit!: (code: number) => void;
    const exited = new Promise<number>((r) => (resolveExit = r));
    // The workbench forwards console calls with their format strings; format them as Node would.
    await browser.page.exposeFunction('codeAutomationLog', (type: string, args: unknown[]) => {
      const line = format(...(args as [unknown, ...unknown[]]));
      if (process.env.QENCODE_DEBUG || !WORKBENCH_NOISE.test(line)) process.stdout.write(`${type === 'error' ? '[error] ' : ''}${line}\n`);
    });
    await browser.page.exposeFunction('codeAutomationExit', (code: number) => resolveExit(code));
    const remote = (path: string) => `vscode-remote://127.0.0.1:${server!.port}${path}`;
    const payload = [
      ['extensionDevelopmentPath', remote(ROOT)],
      ['extensionTestsPath', remote(join(ROOT, 'out', 'test', 'integration', 'index.js'))],
    ];
    await browser.page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    const timeout = new Promise<number>((resolve) =>
      setTimeout(() => {
        process.stdout.write(`integration tests timed out after ${TIMEOUT_MS / 1000} s\n`);
        resolve(124);
      }, TIMEOUT_MS).unref(),
    );
    return await Promise.race([exited, timeout]);
  } finally {
    await cleanup();
  }
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`integration run failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
