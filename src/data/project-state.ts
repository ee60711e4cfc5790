import type { Memento } from 'vscode';

/** The last write started for each key of each state: only that one may write again. */
const latestWrite = new WeakMap<Memento, Map<string, number>>();

/**
 * A change to one key of global state, made so it holds. VS Code's global state takes in
 * the echo of each of its writes whole (MainThreadStorage sends every change back), so a
 * value set while an earlier write's echo is on its way can be undone by that echo. After
 * the write is done its own echo is in: the value is read back, and when it is not what
 * was written the change is made again (at most twice more) on the value as it is then,
 * so another window's change made meanwhile is kept, not overwritten. A later write of
 * the key started in this window takes over instead. Returns whether the change held.
 */
export async function storeState<T>(
  state: Memento,
  key: string,
  change: (current: T | undefined) => T | undefined,
): Promise<boolean> {
  let writes = latestWrite.get(state);
  if (!writes) latestWrite.set(state, (writes = new Map()));
  const write = (writes.get(key) ?? 0) + 1;
  writes.set(key, write);
  for (let attempt = 0; attempt < 3; attempt++) {
    const next = change(state.get<T>(key));
    await state.update(key, next);
    if (writes.get(key) !== write) return true;
    if (JSON.stringify(state.get(key)) === JSON.stringify(next)) return true;
  }
  return false;
}

/**
 * One value per project in global state, none of it secret: purge history, TLS
 * instructions, bucket memory. Each is forgotten when its project is removed.
 */
export class ProjectState<T> {
  constructor(
    private readonly state: Memento,
    /** The global-state key is `${prefix}.${projectId}`. */
    private readonly prefix: string,
    private readonly empty: T,
    /** Fills in what a value kept by an older version lacks. */
    private readonly complete: (kept: T) => T = (kept) => kept,
  ) {}

  get(projectId: string): T {
    const kept = this.state.get<T>(this.key(projectId));
    return kept === undefined ? this.empty : this.complete(kept);
  }

  async update(projectId: string, change: (value: T) => T): Promise<void> {
    await storeState<T>(this.state, this.key(projectId), (kept) =>
      change(kept === undefined ? this.empty : this.complete(kept)),
    );
  }

  async forget(projectId: string): Promise<void> {
    await storeState(this.state, this.key(projectId), () => undefined);
  }

  private key(projectId: string): string {
    return `${this.prefix}.${projectId}`;
  }
}
