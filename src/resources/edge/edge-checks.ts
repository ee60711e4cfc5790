import { readFileSync } from 'node:fs';
import * as vscode from 'vscode';
import { EdgeAgent, probeUrl, type ProbeOptions, type ProbeResult } from '../../core/edge/probe';
import { isMediaStorageUrl, runPool } from '../../core/purge';
import { Cancelled } from '../../actions';
import type { Services } from '../../services';
import { isLoopback } from '../projects/clients';
import { knownDomains } from '../purge/url-hover';

const t = vscode.l10n.t;

/** At most this many looks at the edge at once (Verify, Test CORS): a check never floods a host. */
export const EDGE_CONCURRENCY = 4;

/**
 * The edge checks' connections and rules: one keep-alive agent (a second look at a host
 * pays no handshake), at most EDGE_CONCURRENCY looks at once, and which hosts may be
 * looked at without asking (media-storage hosts and the loaded projects' vod domains; any
 * other is asked about once per session, naming it). Nothing secret is ever sent.
 */
export class EdgeChecks implements vscode.Disposable {
  private agent?: EdgeAgent;
  private readonly agreed = new Set<string>();
  private readonly subscription: vscode.Disposable;

  constructor(private readonly s: Pick<Services, 'ui' | 'clients' | 'explorer' | 'log'>) {
    this.subscription = vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('qencodeCdn.edgeOverride') || e.affectsConfiguration('qencodeCdn.apiUrl'))
        this.reset();
    });
  }

  /** One look; the caller names the method and headers (an Origin, a preflight's). */
  probe(url: string, options: Omit<ProbeOptions, 'agent'> = {}): Promise<ProbeResult> {
    return probeUrl(url, { ...options, agent: this.edgeAgent() });
  }

  /** Several looks, EDGE_CONCURRENCY at a time, each settled on its own (a failure is that URL's, not the run's). */
  async probeAll(
    urls: readonly string[],
    signal: AbortSignal,
    onSettled?: (n: number) => void,
  ): Promise<Map<string, { look: ProbeResult | Error; at: number }>> {
    const out = new Map<string, { look: ProbeResult | Error; at: number }>();
    await runPool(
      urls,
      EDGE_CONCURRENCY,
      async (url, itemSignal) => {
        try {
          const look = await this.probe(url, { signal: itemSignal });
          out.set(url, { look, at: Date.now() });
        } catch (error) {
          if (signal.aborted) throw error;
          out.set(url, { look: error instanceof Error ? error : new Error(String(error)), at: Date.now() });
        }
      },
      signal,
      onSettled,
    );
    if (signal.aborted) throw new Cancelled();
    return out;
  }

  /**
   * A host the project knows is checked without asking; any other only once the user
   * agrees, naming the host (once per host for the session).
   */
  async allowHost(url: string): Promise<void> {
    const host = new URL(url).hostname.toLowerCase();
    if (isMediaStorageUrl(url) || knownDomains(this.s as Services).some((d) => d.name === host)) return;
    if (this.agreed.has(host)) return;
    const ok = await this.s
      .ui()
      .confirm(
        'checkOtherHost',
        t('Check {0}?', host),
        t(
          'It is not a media-storage host or a playback domain of a project loaded here. Requests that read no body are sent to it (HEAD, or a GET of one byte; a CORS test adds its preflight), with no cookie, no credentials and neither the API key nor an access token.',
        ),
        t('Check'),
      );
    if (!ok) throw new Error(t('{0} was not checked: it is not a host of a project loaded here', host));
    this.agreed.add(host);
  }

  /**
   * `qencodeCdn.edgeOverride` (with `edgeOverrideCa`): the emulator's edge stands in for
   * every edge host, as the media-storage override does for manifests. Honoured only while
   * the API URL is a local one, as the demo key is: a real account's checks go to the real
   * edge, trusting this machine's roots only.
   */
  private edgeAgent(): EdgeAgent {
    if (this.agent) return this.agent;
    const config = vscode.workspace.getConfiguration('qencodeCdn');
    const override = config.get<string>('edgeOverride', '').trim();
    let edge: ConstructorParameters<typeof EdgeAgent>[0] = {};
    if (override && isLoopback(this.s.clients.apiUrl()) && isLoopback(override)) {
      try {
        const url = new URL(override);
        const caFile = config.get<string>('edgeOverrideCa', '').trim();
        edge = {
          connectTo: { host: url.hostname, port: Number(url.port || 443) },
          ...(caFile ? { ca: readFileSync(caFile, 'utf8') } : {}),
        };
      } catch (error) {
        this.s.log.error(`qencodeCdn.edgeOverride is ignored: ${String(error)}`);
      }
    }
    this.agent = new EdgeAgent(edge);
    return this.agent;
  }

  private reset(): void {
    this.agent?.destroy();
    this.agent = undefined;
  }

  dispose(): void {
    this.reset();
    this.subscription.dispose();
  }
}
