import type { Memento } from 'vscode';

/** The last write started for each key of each state: only that one may write again. */
const latestWrite = new WeakMap<Memento, Map<string, number>>();

/**
 * Memento.update, read back. VS Code's global state takes in the echo of each of its
 * writes whole (MainThreadStorage sends every change back), so a value set while an
 * earlier write's echo is on its way can be undone by that echo and never written.
 * After the write is done, its own echo is in: the value is read back, and written
 * again (at most twice more) when it was lost, unless a later write of the key has
 * started here (it has the newer value, and the same care).
 */
export async function storeState(state: Memento, key: string, value: unknown): Promise<void> {
  let writes = latestWrite.get(state);
  if (!writes) latestWrite.set(state, (writes = new Map()));
  const write = (writes.get(key) ?? 0) + 1;
  writes.set(key, write);
  const wanted = JSON.stringify(value);
  for (let attempt = 0; attempt < 3; attempt++) {
    await state.update(key, value);
    if (writes.get(key) !== write || JSON.stringify(state.get(key)) === wanted) return;
  }
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
    await storeState(this.state, this.key(projectId), change(this.get(projectId)));
  }

  async forget(projectId: string): Promise<void> {
    await storeState(this.state, this.key(projectId), undefined);
  }

  private key(projectId: string): string {
    return `${this.prefix}.${projectId}`;
  }
}
