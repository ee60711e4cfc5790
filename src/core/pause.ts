import { setTimeout as wait } from 'node:timers/promises';

/** A pause that ends early when the signal aborts, rejecting with the signal's own reason (a cancel stays a cancel). */
export function pause(ms: number, signal?: AbortSignal): Promise<void> {
  return wait(ms, undefined, signal ? { signal } : {}).catch(() => {
    throw signal?.reason as Error;
  });
}
