import * as vscode from 'vscode';
import { errorMessage, getTlsSubscription, plainText, type Domain, type TlsSubscription } from '../../core';
import type { DataLayer } from '../../data';
import type { Log } from '../../log';
import type { Ui } from '../../ui';
import { storeState } from '../../data/project-state';
import type { Clients } from '../projects/clients';
import type { Projects } from '../projects/store';
import type { TlsInstructions } from './instructions';
import { parseCname } from './certificate';
import { describeVerdict, type DnsChecks } from './dns';
import { DEFAULT_SCHEDULE, WatchSchedule, type ScheduleOptions } from './watch-schedule';

const t = vscode.l10n.t;
const STATE_KEY = 'qencodeCdn.tlsWatch';
/** Subscriptions whose "issued" a window has told, by project/tls id (see issuedToldElsewhere). */
const TOLD_KEY = 'qencodeCdn.tlsIssuedTold';
const TOLD_KEEP_MS = 7 * 86_400_000;

/** What is kept across a reload: ids and a name to show, never anything secret. */
interface WatchedTls {
  projectId: string;
  tlsId: string;
  domain?: string;
}

/** Where the window's focus is read. */
export interface FocusSource {
  focused(): boolean;
  onDidChange(listener: () => void): vscode.Disposable;
}

const windowFocus: FocusSource = {
  focused: () => vscode.window.state.focused,
  onDidChange: (listener) => vscode.window.onDidChangeWindowState(() => listener()),
};

/** The window's focus, how often to ask, and where to show what is pending; each defaults to the real one. */
export interface WatchOptions {
  focus?: FocusSource;
  schedule?: ScheduleOptions;
  statusBar?: vscode.StatusBarItem;
}

/**
 * Watches pending TLS subscriptions until they are issued, fail or expire: one GET
 * per pending subscription per poll (never a list), 15 s doubling to 5 min, only
 * while the window is focused. A change updates its row and tells the user. The
 * watched ids are kept in global state, so the watch survives a reload.
 */
export class TlsWatch implements vscode.Disposable {
  private readonly schedule: WatchSchedule;
  private readonly focus: FocusSource;
  private readonly statusBar: vscode.StatusBarItem;
  private timer?: NodeJS.Timeout;
  private readonly entries = new Map<string, WatchedTls>();
  private readonly subscriptions: vscode.Disposable[] = [];
  private focusSubscription?: vscode.Disposable;
  private polling = false;
  /** What the failure notification's buttons do (set by the TLS commands). */
  actions?: {
    renew(projectId: string, tlsId: string): Promise<void>;
    checkDns(projectId: string, tlsId: string): Promise<void>;
  };

  constructor(
    private readonly projects: Projects,
    private readonly clients: Clients,
    private readonly instructions: TlsInstructions,
    private readonly data: DataLayer,
    private readonly dns: DnsChecks,
    private readonly ui: () => Ui,
    private readonly state: vscode.Memento,
    private readonly log: Log,
    options: WatchOptions = {},
  ) {
    this.schedule = new WatchSchedule(options.schedule ?? DEFAULT_SCHEDULE);
    this.focus = options.focus ?? windowFocus;
    this.statusBar =
      options.statusBar ?? vscode.window.createStatusBarItem('qencodeCdn.tlsWatch', vscode.StatusBarAlignment.Left, 50);
    this.statusBar.name = t('Qencode CDN: TLS certificates pending');
    this.statusBar.command = 'qencodeCdn.revealPendingTls';
    // Restored without any I/O: the first poll waits for the schedule.
    for (const e of this.state.get<WatchedTls[]>(STATE_KEY, [])) this.add(e, false);
    this.subscriptions.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('qencodeCdn.tls.watch')) this.arm();
      }),
      projects.onDidChange((project) => {
        if (!project) for (const [key, e] of this.entries) if (!projects.get(e.projectId)) this.remove(key);
      }),
    );
    this.followFocus();
    this.arm();
  }

  /** The subscriptions watched now. */
  watched(): readonly WatchedTls[] {
    return [...this.entries.values()];
  }

  watch(projectId: string, tlsId: string, domain?: string): void {
    this.add({ projectId, tlsId, ...(domain ? { domain } : {}) }, true);
  }

  /** A TLS list was read: its pending subscriptions (and any in a status this editor does not know) are watched, the ended ones not. */
  observe(projectId: string, subs: readonly TlsSubscription[], domains: Map<string, Domain>): void {
    for (const sub of subs) {
      const key = keyOf(projectId, sub.id);
      if (!ENDED.has(sub.status.toLowerCase())) {
        if (!this.entries.has(key))
          this.add(
            {
              projectId,
              tlsId: sub.id,
              ...(domains.get(sub.domainId) ? { domain: domains.get(sub.domainId)!.name } : {}),
            },
            true,
          );
      } else if (this.entries.has(key) && ENDED.has(sub.status.toLowerCase())) {
        // Seen ended in a list before the next poll: the user is told all the same.
        const entry = this.entries.get(key)!;
        this.remove(key);
        const expected = parseCname(sub.message ?? this.instructions.instruction(projectId, sub.id))?.target;
        void this.tell(entry, sub, entry.domain ?? domains.get(sub.domainId)?.name ?? sub.domainId, expected).catch(
          (error: unknown) => this.log.error(`TLS watch: ${errorMessage(error)}`),
        );
      }
    }
  }

  private add(entry: WatchedTls, persist: boolean): void {
    const key = keyOf(entry.projectId, entry.tlsId);
    this.entries.set(key, entry);
    this.schedule.add(key, Date.now());
    if (persist) void this.persist(entry);
    this.arm();
  }

  private remove(key: string): void {
    this.entries.delete(key);
    this.schedule.remove(key);
    void this.persist(undefined, key);
    this.arm();
  }

  /**
   * Written as a change to what is stored, not as this window's whole list: every
   * window shares global state, and one must not drop what another watches.
   */
  private async persist(added?: WatchedTls, removedKey?: string): Promise<void> {
    await storeState<WatchedTls[]>(this.state, STATE_KEY, (current) => {
      const stored = (current ?? []).filter((e) => keyOf(e.projectId, e.tlsId) !== removedKey);
      if (added && !stored.some((e) => keyOf(e.projectId, e.tlsId) === keyOf(added.projectId, added.tlsId)))
        stored.push(added);
      return stored;
    });
  }

  /**
   * "Issued" is told once across windows: every window watches the ids in global state, and
   * the first to see the certificate issued marks it told there. Only that mark silences
   * another window; without it (a lost write, a window closed mid-way) the user is told
   * again, never not at all. A failure is told in every window that sees it: it asks for
   * action (Renew, Check DNS), and the window that told it may be one the user has left.
   */
  private issuedToldElsewhere(entry: WatchedTls): boolean {
    const told = this.state.get<Record<string, { at: number }>>(TOLD_KEY, {});
    return Object.hasOwn(told, keyOf(entry.projectId, entry.tlsId));
  }

  private markIssuedTold(entry: WatchedTls): void {
    const now = Date.now();
    void storeState<Record<string, { at: number }>>(this.state, TOLD_KEY, (told) => {
      const kept = Object.entries(told ?? {}).filter(([, v]) => typeof v?.at === 'number' && now - v.at < TOLD_KEEP_MS);
      return Object.fromEntries([...kept, [keyOf(entry.projectId, entry.tlsId), { at: now }]]);
    });
  }

  private enabled(): boolean {
    return vscode.workspace.getConfiguration('qencodeCdn').get<boolean>('tls.watch', true);
  }

  private followFocus(): void {
    this.focusSubscription?.dispose();
    // Back in focus: whatever fell due meanwhile is asked now.
    this.focusSubscription = this.focus.onDidChange(() => this.arm());
  }

  /** One timer, for the next subscription due; none while unfocused, disabled or idle. */
  private arm(): void {
    clearTimeout(this.timer);
    this.timer = undefined;
    this.updateStatusBar();
    if (!this.enabled() || !this.focus.focused() || this.polling) return;
    const next = this.schedule.nextDue();
    if (next === undefined) return;
    this.timer = setTimeout(() => void this.tick(), Math.max(0, next - Date.now()));
  }

  private async tick(): Promise<void> {
    if (!this.enabled() || !this.focus.focused()) return this.arm();
    this.polling = true;
    try {
      const now = Date.now();
      const due = this.schedule.due(now);
      for (const key of due) this.schedule.polled(key, now);
      await Promise.all(due.map((key) => this.poll(key)));
    } finally {
      this.polling = false;
      this.arm();
    }
  }

  /** One GET for one subscription. */
  private async poll(key: string): Promise<void> {
    const entry = this.entries.get(key);
    if (!entry) return;
    if (!this.projects.get(entry.projectId)) return this.remove(key);
    let sub: TlsSubscription;
    try {
      sub = await getTlsSubscription(this.clients.client(entry.projectId), entry.tlsId);
    } catch (error) {
      // A subscription deleted elsewhere is no longer watched; any other failure waits for the next poll.
      if ((error as { status?: number }).status === 404) return this.remove(key);
      this.log.error(`TLS watch: ${errorMessage(error)}`);
      return;
    }
    this.data.project(entry.projectId).replace('tls', sub);
    const domain = entry.domain;
    const expected = parseCname(sub.message ?? this.instructions.instruction(entry.projectId, sub.id))?.target;
    // Watched until it ends: issued, failed or expired. Any other status (pending, or one this
    // editor does not know) is asked about again.
    if (!ENDED.has(sub.status.toLowerCase())) {
      if (domain) void this.dns.check(domain, expected).catch(() => undefined);
      return;
    }
    this.remove(key);
    // Not awaited: a notification left open must not hold up the watch of the others.
    void this.tell(entry, sub, domain ?? t('the domain {0}', sub.domainId), expected).catch((error: unknown) =>
      this.log.error(`TLS watch: ${errorMessage(error)}`),
    );
  }

  private async tell(
    entry: WatchedTls,
    sub: TlsSubscription,
    domain: string,
    expected: string | undefined,
  ): Promise<void> {
    const ui = this.ui();
    if (sub.status.toLowerCase() === 'issued') {
      if (this.issuedToldElsewhere(entry))
        return this.log.info(`TLS watch: ${domain} is issued; another window has told the user`);
      this.markIssuedTold(entry);
      void ui.notify('tlsIssued', 'info', t('The TLS certificate for {0} was issued: HTTPS is ready.', domain));
      return;
    }
    const dns = entry.domain ? await this.dns.check(entry.domain, expected, true).catch(() => undefined) : undefined;
    const renew = t('Renew…');
    const checkDns = t('Check DNS');
    const choice = await ui.notify(
      'tlsFailed',
      'error',
      t(
        'The TLS subscription for {0} has {1}{2}. {3}Fix the DNS record if it is wrong, then renew the subscription.',
        domain,
        sub.status.toLowerCase() === 'expired' ? t('expired') : t('failed'),
        sub.message ? `: ${sub.message}` : '',
        dns ? `${describeVerdict(dns.verdict)}. ` : '',
      ),
      renew,
      checkDns,
    );
    if (choice === renew) await this.actions?.renew(entry.projectId, sub.id);
    if (choice === checkDns) await this.actions?.checkDns(entry.projectId, sub.id);
  }

  private updateStatusBar(): void {
    const n = this.entries.size;
    if (n === 0 || !this.enabled()) return this.statusBar.hide();
    this.statusBar.text = `$(clock) ${n === 1 ? t('1 TLS pending') : t('{0} TLS pending', n)}`;
    const names = [...this.entries.values()].map((e) => e.domain ?? e.tlsId).join(', ');
    // Domain names come from the server: shown as plain text (no icon, no link), like every prompt's text.
    this.statusBar.tooltip = plainText(
      n === 1
        ? t('Qencode CDN is waiting for the TLS certificate of {0}. Click to see it.', names)
        : t('Qencode CDN is waiting for {0} TLS certificates: {1}. Click to see them.', n, names),
      { max: 1000 },
    );
    this.statusBar.show();
  }

  dispose(): void {
    clearTimeout(this.timer);
    this.focusSubscription?.dispose();
    this.statusBar.dispose();
    for (const s of this.subscriptions) s.dispose();
  }
}

const keyOf = (projectId: string, tlsId: string) => `${projectId}/${tlsId}`;

/** The statuses a subscription does not leave: the watch stops at them. */
const ENDED = new Set(['issued', 'failed', 'expired']);
