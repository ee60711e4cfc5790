import type { BrowserContext, Page } from 'playwright-core';

/*
 * The workbench's performance trace (Chromium tracing, through the DevTools protocol:
 * the bench's browser is a persistent context, which has no Browser.startTracing), and
 * where its renderer's main thread spent the time: self time per trace event name (a
 * function call by its function), from the nesting of complete events; no CPU samples.
 */
export interface TraceEvent {
  name: string;
  ph: string;
  ts: number;
  dur?: number;
  pid: number;
  tid: number;
  args?: { name?: string; data?: { functionName?: string; url?: string } };
}

export interface TraceSummary {
  wallMs: number;
  /** The renderer main thread's tasks, in all. */
  busyMs: number;
  /** Self time by event (a function call named by its function where the trace says it), largest first. */
  top: { name: string; selfMs: number }[];
}

const CATEGORIES = ['devtools.timeline', 'disabled-by-default-devtools.timeline', 'toplevel', 'v8.execute'].join(',');

/** Starts a trace of the page; `stop()` ends it and returns its events. */
export async function startTrace(context: BrowserContext, page: Page): Promise<{ stop(): Promise<TraceEvent[]> }> {
  const cdp = await context.newCDPSession(page);
  const events: TraceEvent[] = [];
  cdp.on('Tracing.dataCollected', (e) => {
    for (const event of e.value as unknown as TraceEvent[]) events.push(event);
  });
  const complete = new Promise<void>((resolve) => cdp.once('Tracing.tracingComplete', () => resolve()));
  await cdp.send('Tracing.start', { categories: CATEGORIES, transferMode: 'ReportEvents' });
  return {
    async stop() {
      await cdp.send('Tracing.end');
      await complete;
      await cdp.detach();
      return events;
    },
  };
}

/** The busiest renderer main thread's self time per event name, from complete ('X') events. */
export function summarize(events: readonly TraceEvent[], top = 8): TraceSummary {
  const mains = events.filter((e) => e.ph === 'M' && e.name === 'thread_name' && e.args?.name === 'CrRendererMain');
  const complete = (pid: number, tid: number) =>
    events.filter((e) => e.ph === 'X' && e.pid === pid && e.tid === tid && e.dur !== undefined);
  const main = mains
    .map((m) => complete(m.pid, m.tid))
    .sort((a, b) => b.reduce((n, e) => n + e.dur!, 0) - a.reduce((n, e) => n + e.dur!, 0))[0];
  if (!main?.length) return { wallMs: 0, busyMs: 0, top: [] };
  // The traced span, in the renderer's main thread: from its first event to the end of its last.
  let first = Infinity;
  let last = -Infinity;
  for (const e of main) {
    first = Math.min(first, e.ts);
    last = Math.max(last, e.ts + e.dur!);
  }
  const wallMs = (last - first) / 1000;
  const sorted = [...main].sort((a, b) => a.ts - b.ts || b.dur! - a.dur!);
  const self = new Map<string, number>();
  const stack: { end: number; key: string }[] = [];
  let busy = 0;
  for (const e of sorted) {
    while (stack.length && stack[stack.length - 1]!.end <= e.ts) stack.pop();
    const parent = stack[stack.length - 1];
    if (parent) self.set(parent.key, (self.get(parent.key) ?? 0) - e.dur!);
    else busy += e.dur!;
    const fn = e.args?.data?.functionName;
    const key = e.name === 'FunctionCall' && fn ? `FunctionCall ${fn}` : e.name;
    self.set(key, (self.get(key) ?? 0) + e.dur!);
    stack.push({ end: e.ts + e.dur!, key });
  }
  return {
    wallMs,
    busyMs: busy / 1000,
    top: [...self]
      .map(([name, us]) => ({ name, selfMs: us / 1000 }))
      .sort((a, b) => b.selfMs - a.selfMs)
      .slice(0, top),
  };
}
