import { fork, type Serializable } from 'node:child_process';

/*
 * A bench part whose client runs in a process of its own: a fresh heap (not the one the
 * bench filled with everything measured before it), an environment of its own (a CA to
 * trust), and the stand-in server on the other core, as a real one runs elsewhere. The
 * parent sends the input and gets one result; on the way, the child may ask the parent
 * something (`ask`: reset the relay's counts once warm, say) and wait for the answer. The
 * child ends with its result, and also when the parent goes away.
 */
export function runInChild<I, O>(
  file: string,
  input: I,
  options: { env?: NodeJS.ProcessEnv; answer?: (question: string) => unknown } = {},
): Promise<O> {
  const child = fork(file, ['--bench-child'], {
    env: { ...process.env, ...options.env },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  return new Promise<O>((resolve, reject) => {
    let settled = false;
    const settle = (fn: () => void) => {
      if (!settled) fn();
      settled = true;
    };
    child.on('message', (m: { result?: O; error?: string; ask?: string }) => {
      if (m.ask !== undefined)
        void Promise.resolve(options.answer?.(m.ask)).then(
          (answer) => child.send({ answer: (answer ?? null) as Serializable }),
          (error: unknown) => settle(() => reject(error instanceof Error ? error : new Error(String(error)))),
        );
      else settle(() => ('result' in m ? resolve(m.result as O) : reject(new Error(`${file}: ${m.error}`))));
    });
    child.on('error', (error) => settle(() => reject(error)));
    child.on('close', (code, signal) =>
      settle(() => reject(new Error(`${file} ended (${signal ?? `exit ${code}`}) with no result`))),
    );
    child.send(input as Serializable);
  }).finally(() => child.kill());
}

/** Asks the parent and waits for its answer. */
export type Ask = (question: string) => Promise<unknown>;

/** In the child (`file` is the module runInChild started): answers the parent's input with `work`'s result, then ends. */
export function serveChild<I, O>(file: NodeJS.Module, work: (input: I, ask: Ask) => Promise<O>): void {
  if (require.main !== file || !process.argv.includes('--bench-child')) return;
  process.on('disconnect', () => process.exit(2));
  const ask: Ask = (question) =>
    new Promise((resolve) => {
      process.once('message', (m: { answer: unknown }) => resolve(m.answer));
      process.send!({ ask: question });
    });
  process.once('message', (input: I) => {
    work(input, ask).then(
      (result) => process.send!({ result }, () => process.exit(0)),
      (error: unknown) => process.send!({ error: String(error) }, () => process.exit(1)),
    );
  });
}
