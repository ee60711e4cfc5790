import { join } from 'node:path';
import { ROOT, runInHost } from './code-server';

/*
 * npm run test:integration: the mocha suite inside code-server's real extension
 * host; streams its output and exits with its result.
 */
const TIMEOUT_MS = Number(process.env.QENCODE_INTEGRATION_TIMEOUT_MS ?? 10 * 60_000);

runInHost({
  testsIndex: join(ROOT, 'out', 'test', 'integration', 'index.js'),
  timeoutMs: TIMEOUT_MS,
  onLine: (line) => process.stdout.write(`${line}\n`),
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`integration run failed: ${error instanceof Error ? error.stack : String(error)}\n`);
    process.exit(1);
  },
);
