import assert from 'node:assert/strict';
import { it } from 'node:test';
import type { Memento } from 'vscode';
import { storeState } from '../../src/data/project-state';

/**
 * Global state as VS Code's extension host keeps it: a write is sent later (a flush of
 * the whole value), and the main thread's echo of it replaces the whole value when it
 * comes back; a write's promise settles with its echo. Here the test decides when.
 */
class EchoingState implements Memento {
  private value: Record<string, unknown> = {};
  private unsent: (() => void)[] = [];
  private sent: { snapshot: string; settle: (() => void)[] }[] = [];
  auto = false;
  updates: unknown[] = [];

  keys(): readonly string[] {
    return Object.keys(this.value);
  }
  get<T>(key: string, fallback?: T): T {
    return (Object.hasOwn(this.value, key) ? this.value[key] : fallback) as T;
  }
  update(key: string, value: unknown): Promise<void> {
    this.updates.push(value);
    if (value === undefined) delete this.value[key];
    else this.value[key] = structuredClone(value);
    return new Promise((resolve) => {
      this.unsent.push(resolve);
      if (this.auto)
        queueMicrotask(() => {
          this.flush();
          this.echo();
        });
    });
  }
  /** The scheduled write goes out, with the whole value as it is now. */
  flush(): void {
    if (!this.unsent.length) return;
    this.sent.push({ snapshot: JSON.stringify(this.value), settle: this.unsent });
    this.unsent = [];
  }
  /** Another window's write arrives: it replaces the whole value. */
  receive(value: Record<string, unknown>): void {
    this.value = structuredClone(value);
  }
  /** The oldest write's echo comes back: it replaces the whole value. */
  echo(): void {
    const write = this.sent.shift();
    if (!write) return;
    this.value = JSON.parse(write.snapshot) as Record<string, unknown>;
    for (const settle of write.settle) settle();
  }
}

it('a plain update set while an earlier write is on its way is undone by that write’s echo (the fault storeState mends)', async () => {
  const state = new EchoingState();
  const first = state.update('a', 1);
  state.flush();
  const second = state.update('b', 2);
  state.echo();
  await first;
  state.flush();
  state.echo();
  await second;
  assert.equal(state.get('b'), undefined, 'b was lost');
});

it('storeState writes again what an echo undid, and the value stays', async () => {
  const state = new EchoingState();
  const first = state.update('a', 1);
  state.flush();
  const second = storeState(state, 'b', () => 2);
  state.echo();
  await first;
  state.auto = true;
  state.flush();
  state.echo();
  await second;
  assert.equal(state.get('b'), 2);
  assert.equal(state.get('a'), 1);
});

it('an earlier storeState of a key does not write again over a later one: each writes once, and the later value stays', async () => {
  const state = new EchoingState();
  state.auto = true;
  const earlier = storeState(state, 'list', () => ['x']);
  const later = storeState(state, 'list', () => ['x', 'y']);
  await Promise.all([earlier, later]);
  assert.deepEqual(state.get('list'), ['x', 'y']);
  assert.deepEqual(state.updates, [['x'], ['x', 'y']]);
});

it("a change undone by another window's write is made again on that window's value: both changes stay", async () => {
  const state = new EchoingState();
  state.auto = true;
  await state.update('list', ['a']);
  state.auto = false;
  const adding = storeState<string[]>(state, 'list', (list) => [...(list ?? []), 'b']);
  // Before this write goes out, another window's list arrives (it added "c").
  state.receive({ list: ['a', 'c'] });
  state.auto = true;
  state.flush();
  state.echo();
  assert.equal(await adding, true);
  assert.deepEqual(state.get('list'), ['a', 'c', 'b']);
});
