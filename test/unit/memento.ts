import type { Memento } from 'vscode';

/** Global state as VS Code keeps it: values copied in and out (JSON), undefined removes. */
export function memento(): Memento & { keys(): readonly string[] } {
  const values = new Map<string, string>();
  return {
    keys: () => [...values.keys()],
    get: <T>(key: string, fallback?: T) => (values.has(key) ? (JSON.parse(values.get(key)!) as T) : fallback),
    update: async (key: string, value: unknown) => {
      if (value === undefined) values.delete(key);
      else values.set(key, JSON.stringify(value));
    },
  } as Memento & { keys(): readonly string[] };
}
