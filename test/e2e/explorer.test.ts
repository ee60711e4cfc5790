import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { DnsServer } from '../emulator/dns-server';
import { DEMO_API_KEY, Emulator } from '../emulator/emulator';
import { SAMPLE } from '../emulator/sample-data';
import { launchBrowser, ROOT, startCodeServer, type Browser, type CodeServer } from '../host/code-server';
import { Workbench } from './workbench';

/*
 * The UI end to end, through the packaged VSIX installed into code-server: a file
 * missing from the package fails here. Screenshots go to test-results/.
 */
const RESULTS = join(ROOT, 'test-results');
const vsix = readdirSync(ROOT).find((f) => /^qencode-cdn-.*\.vsix$/.test(f));

describe('Qencode CDN explorer, through the UI', { timeout: 300_000 }, () => {
  let failures = 0;
  /** A step that leaves a screenshot behind when it fails, to see what the page showed. */
  const step = (name: string, fn: () => Promise<void>): void =>
    void it(name, async () => {
      try {
        await fn();
      } catch (error) {
        await wb?.screenshot(join(RESULTS, `e2e-failure-${++failures}.png`)).catch(() => {});
        const recent = emulator?.requests.slice(-5).map((r) => `${r.method} ${r.path} → ${r.status ?? '…'}`);
        process.stdout.write(`# last requests the emulator saw: ${recent?.join('; ')}\n`);
        throw error;
      }
    });
  let emulator: Emulator;
  let dns: DnsServer;
  let server: CodeServer;
  let browser: Browser;
  let wb: Workbench;
  let workspace: string;

  before(async () => {
    assert.ok(vsix, 'npm run package made a VSIX');
    mkdirSync(RESULTS, { recursive: true });
    emulator = new Emulator({ seed: true, apiKeys: [DEMO_API_KEY] });
    const apiUrl = await emulator.start();
    dns = new DnsServer();
    const dnsServer = await dns.start();
    workspace = mkdtempSync(join(tmpdir(), 'qencode-e2e-ws-'));
    server = await startCodeServer({
      workspace,
      vsix: [join(ROOT, vsix)],
      settings: {
        'qencodeCdn.apiUrl': apiUrl,
        'qencodeCdn.dns.servers': [dnsServer],
        // Text is typed in as a whole; the editor must not add brackets or indentation of its own.
        'editor.autoClosingBrackets': 'never',
        'editor.autoClosingQuotes': 'never',
        'editor.autoIndent': 'none',
      },
    });
    browser = await launchBrowser();
    wb = new Workbench(browser.page);
    await wb.open(server.url, workspace);
  });

  after(async () => {
    await browser?.close();
    await server?.stop();
    await emulator?.stop();
    await dns?.stop();
    if (workspace) rmSync(workspace, { recursive: true, force: true });
  });

  step('opens the Qencode CDN view from the activity bar and shows the welcome', async () => {
    await wb.openView('Qencode CDN');
    await wb.widenSidebar(480);
    await wb.page.locator('.part.sidebar .welcome-view-content', { hasText: 'Add API Key' }).waitFor();
    await wb.screenshot(join(RESULTS, 'e2e-welcome.png'));
  });

  step('adds an API key through the command palette', async () => {
    await wb.command('Qencode CDN: Add API Key');
    await wb.answer('(1/2)', 'Production');
    // The emulator is not Qencode: the key goes there only after a confirmation that names it, asked before the key is typed.
    const dialog = wb.page.locator('.monaco-dialog-box', { hasText: 'Send the new API key to http://127.0.0.1:' });
    await dialog.waitFor({ timeout: 15_000 });
    await wb.screenshot(join(RESULTS, 'e2e-send-key-to.png'));
    await dialog.locator('.monaco-button', { hasText: 'Send Key' }).click();
    // A wrong key first: the box stays open, says so under the key, and keeps the name.
    await wb.answer('(2/2)', 'not-the-right-key-123');
    await wb.page
      .locator('.quick-input-widget .quick-input-message', {
        hasText: 'Qencode refused this key (HTTP 401). Nothing was saved',
      })
      .waitFor({ timeout: 15_000 });
    await wb.screenshot(join(RESULTS, 'e2e-key-refused.png'), wb.page.locator('.quick-input-widget'));
    await wb.answer('(2/2)', DEMO_API_KEY);
    await wb.row('Production').waitFor({ timeout: 30_000 });
    assert.equal(
      emulator.requestsTo('POST', '^/v1/access_token/').length,
      2,
      'each key typed was checked with one token request',
    );
  });

  step("shows the emulator's domains in the tree", async () => {
    await wb.expand('Playback Domains');
    for (const name of ['live.example-tv.com', 'events.example-tv.com', 'vod.example-tv.com', 'archive.example-tv.com'])
      await wb.row(name).waitFor();
    await wb.expand('Buckets');
    await wb.row('media-assets').waitFor();
  });

  step("runs Show Details from a domain's context menu, and the emulator sees the GET", async () => {
    emulator.clearRequests();
    const menu = await wb.contextMenu('vod.example-tv.com');
    await wb.screenshot(join(RESULTS, 'e2e-context-menu.png'));
    assert.ok((await menu.textContent())?.includes('Delete Playback Domain'));
    await wb.menuItem('Show Details');
    await wb.page.locator('.tabs-container .tab', { hasText: 'domain vod.example-tv.com' }).waitFor();
    assert.deepEqual(
      emulator.requestsTo('GET', '^/v1/domains/').map((r) => r.path),
      [`/v1/domains/${SAMPLE.vodDomainId}`],
    );
  });

  step('creates a domain through the palette, then its TLS subscription from the context menu', async () => {
    emulator.clearRequests();
    await wb.command('Qencode CDN: Create Playback Domain');
    await wb.answer('Create a playback domain', 'player.example-tv.com');
    await wb.choose('What will player.example-tv.com serve?', 'Live streaming');
    await wb.row('player.example-tv.com').waitFor({ timeout: 30_000 });
    assert.deepEqual(
      emulator.requestsTo('POST', '^/v1/domains$').map((r) => r.body),
      [{ name: 'player.example-tv.com', type: 'live' }],
    );

    await wb.contextMenu('player.example-tv.com');
    await wb.menuItem('Create TLS Subscription');
    await wb.choose('Add this DNS record', 'Done');
    await wb.expand('TLS Subscriptions');
    await wb.page
      .locator('.part.sidebar .monaco-list-row', { hasText: 'player.example-tv.com' })
      .filter({ hasText: /no CNAME|checking DNS/ })
      .waitFor();
    const domainId = [...emulator.account().domains.values()].find(
      (d) => d.domain_name === 'player.example-tv.com',
    )?.id;
    assert.deepEqual(
      emulator.requestsTo('POST', '^/v1/tls/subscriptions$').map((r) => r.body),
      [{ domain_id: domainId }],
    );
  });

  step('adds a custom domain through the guided setup, and shows the DNS record to create', async () => {
    emulator.clearRequests();
    await wb.command('Qencode CDN: Add Custom Domain');
    await wb.answer('Add a custom domain', 'watch.example-tv.com');
    await wb.choose('What will watch.example-tv.com serve?', 'Media storage (VOD)');
    await wb.choose('Which bucket will watch.example-tv.com serve?', 'media-assets');
    await wb.choose('Create the TLS subscription of watch.example-tv.com now?', 'Create the TLS Subscription');
    const record = wb.page.locator('.quick-input-widget', {
      hasText: 'Add this DNS record at your DNS provider: watch.example-tv.com CNAME j.sni.global.fastly.net',
    });
    await record.waitFor({ state: 'visible', timeout: 30_000 });
    await wb.page.locator('.quick-input-widget input[placeholder="DNS: no CNAME yet"]').waitFor();
    await wb.screenshot(join(RESULTS, 'e2e-cname-record.png'));
    // Copy says it copied, where it was clicked.
    await wb.choose('Add this DNS record', 'Copy the target');
    await wb.page
      .locator('.quick-input-widget .monaco-list-row', { hasText: 'Copied the target' })
      .first()
      .waitFor({ timeout: 15_000 });
    await wb.screenshot(join(RESULTS, 'e2e-cname-copied.png'), wb.page.locator('.quick-input-widget'));
    await wb.choose('Add this DNS record', 'Done');
    const domain = [...emulator.account().domains.values()].find((d) => d.domain_name === 'watch.example-tv.com')!;
    assert.deepEqual(
      emulator.requests
        .filter((r) => r.method !== 'GET' && !r.path.startsWith('/v1/access_token'))
        .map((r) => `${r.method} ${r.path} ${JSON.stringify(r.body)}`),
      [
        'POST /v1/domains {"name":"watch.example-tv.com","type":"vod"}',
        `PUT /v1/domains/${domain.id} {"bucket_name":"media-assets"}`,
        `POST /v1/tls/subscriptions {"domain_id":"${domain.id}"}`,
      ],
    );
  });

  step('shows the pending row with its DNS hint, and the status bar item of the watch', async () => {
    await wb.page.keyboard.press('Escape');
    const row = wb.page
      .locator('.part.sidebar .monaco-list-row', { hasText: 'watch.example-tv.com' })
      .filter({ hasText: 'no CNAME' });
    await row.waitFor({ timeout: 30_000 });
    await row.hover();
    // The tooltip is made on hover (resolveTreeItem): the row says why it is pending.
    await wb.page
      .locator('.monaco-hover, .workbench-hover', { hasText: 'add the DNS record' })
      .first()
      .waitFor({ timeout: 10_000 });
    await wb.screenshot(join(RESULTS, 'e2e-tls-pending-dns.png'));
    const status = wb.page.locator('.statusbar-item', { hasText: 'TLS pending' });
    await status.waitFor();
    await wb.screenshot(join(RESULTS, 'e2e-status-bar.png'), wb.page.locator('.part.statusbar'));
    await status.click();
    await wb.page
      .locator('.part.sidebar .monaco-list-row.selected', { hasText: 'no CNAME' })
      .waitFor({ timeout: 15_000 });
  });

  step(
    'edits a CORS header in the editor: saving keeps a draft, Apply to CDN shows the change and sends it',
    async () => {
      await wb.expand('media-assets');
      await wb.row('Max-Age').waitFor();
      await wb.contextMenu('media-assets');
      await wb.menuItem('Edit CORS Policy');
      await wb.page.locator('.tabs-container .tab', { hasText: 'media-assets.cors.json' }).waitFor();
      emulator.clearRequests();
      await wb.replaceEditorText('{\n  "Access-Control-Allow-Origin": "*",\n  "Access-Control-Max-Age": "600"\n}\n');
      await wb.page.keyboard.press('Control+S');
      await wb.notification('Saved here as a draft');
      assert.deepEqual(emulator.requestsTo('POST'), [], 'saving sent nothing');
      const lens = wb.page.locator('.contentWidgets .codelens-decoration a', { hasText: 'Apply to CDN' });
      await lens.waitFor({ timeout: 15_000 });
      await wb.screenshot(join(RESULTS, 'e2e-cors-draft.png'));
      await lens.click();
      const dialog = wb.page.locator('.monaco-dialog-box', {
        hasText: /Apply the CORS policy of media-assets \(project .+\) to the CDN/,
      });
      await dialog.waitFor({ timeout: 15_000 });
      await wb.screenshot(join(RESULTS, 'e2e-cors-apply.png'));
      await dialog.locator('.monaco-button', { hasText: 'Apply and Remove 2 Headers' }).click();
      await wb.row('Max-Age').locator('.label-description', { hasText: /^600$/ }).waitFor({ timeout: 30_000 });
      await wb.row('Allow-Methods').waitFor({ state: 'detached' });
      assert.deepEqual(emulator.account().buckets.get('media-assets')?.cors, {
        'Access-Control-Allow-Origin': '*',
        'Access-Control-Max-Age': '600',
      });
    },
  );

  step("shows the schema's completion list in the CORS editor", async () => {
    await wb.replaceEditorText('{\n  "Access-Control-Allow-Origin": "*",\n  ""\n}\n');
    await wb.page.keyboard.press('Control+Home');
    await wb.page.keyboard.press('ArrowDown');
    await wb.page.keyboard.press('ArrowDown');
    await wb.page.keyboard.press('End');
    await wb.page.keyboard.press('ArrowLeft');
    await wb.page.keyboard.press('Control+Space');
    const suggest = wb.page.locator('.suggest-widget.visible');
    await suggest.waitFor({ timeout: 15_000 });
    await suggest.locator('.monaco-list-row', { hasText: 'Access-Control-Max-Age' }).first().waitFor();
    await wb.page.waitForTimeout(300);
    await wb.screenshot(join(RESULTS, 'e2e-cors-completion.png'));
    await wb.page.keyboard.press('Escape');
    await wb.command('File: Revert File');
  });

  step('reads well in a 300 px sidebar', async () => {
    await wb.widenSidebar(300);
    await wb.page.keyboard.press('Escape');
    await wb.page.waitForTimeout(300);
    await wb.screenshot(join(RESULTS, 'e2e-tree-300px.png'), wb.page.locator('.part.sidebar'));
    await wb.widenSidebar(480);
  });

  step('takes a screenshot of the populated tree', async () => {
    await wb.expand('Signing Keys');
    await wb.row('Main event stream').waitFor();
    // Dismiss toasts so the picture shows the tree.
    await wb.page.keyboard.press('Escape');
    const sidebar = wb.page.locator('.part.sidebar');
    await wb.screenshot(join(RESULTS, 'e2e-tree.png'), sidebar);
    await wb.screenshot(join(RESULTS, 'e2e-workbench.png'));
    copyFileSync(join(RESULTS, 'e2e-workbench.png'), join(RESULTS, 'screenshot-explorer.png'));
  });
});
