import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { ROOT } from './code-server';

/*
 * npm run test:electron: the same mocha suite in desktop VS Code, downloaded by
 * @vscode/test-electron. Needs internet (and `xvfb-run -a` on a Linux machine
 * without a display); on the offline CI machines use npm run test:integration.
 */
async function main(): Promise<void> {
  await runTests({
    extensionDevelopmentPath: ROOT,
    extensionTestsPath: join(ROOT, 'out', 'test', 'integration', 'index.js'),
    launchArgs: ['--disable-extensions', '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
  });
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : String(error));
  process.exit(1);
});
