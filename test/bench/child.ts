import { fork, type Serializable } from 'node:child_process';

/*
 * A bench part in a process of its own: a fresh heap (not the one the bench filled with
 * everything measured before it, whose collections then land in this part's figures),
 * and an environment of its own (a CA to trust). The parent sends the input and gets
 * one result; the child ends with it, and also when the parent goes away.
 */
export function runInChild<I, O>(file: string, input: I, env: NodeJS.ProcessEnv = {}): Promise<O> {
  const child = fork(file, ['--bench-child'], {
    env: { ...process.env, ...env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<O>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (!settled) fn();
      settled = true;
    };
    child.on('message', (m: { result?: O; error?: string }) =>
      settle(() => ('result' in m ? resolve(m.result as O) : reject(new Error(`${file}: ${m.error}`)))),
    );
    child.on('error', (error) => settle(() => reject(error)));
    child.on('close', (code, signal) =>
      settle(() => reject(new Error(`${file} ended (${signal ?? `exit ${code}`}) with no result`))),
    );
    child.send(input as Serializable);
  }).finally(() => child.kill());
}

/** In the child (`file` is the module runInChild started): answers the parent's one input with `work`'s result, then ends. */
export function serveChild<I, O>(file: NodeJS.Module, work: (input: I) => Promise<O>): void {
  if (require.main !== file || !process.argv.includes('--bench-child')) return;
  process.on('disconnect', () => process.exit(2));
  process.once('message', (input: I) => {
    work(input).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (error: unknown) => process.send!({ error: String(error) }, () => process.exit(1)),
    );
  });
}
