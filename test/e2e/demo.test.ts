import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { after, describe, it } from 'node:test';
import { launchBrowser, ROOT, type Browser } from '../host/code-server';
import { Workbench } from './workbench';

/* `npm run demo -- --no-open`, started as a user would (after npm run package), then stopped. */
describe('npm run demo', { timeout: 300_000 }, () => {
  let demo: ChildProcess | undefined;
  let browser: Browser | undefined;
  let output = '';

  after(async () => {
    await browser?.close();
    if (demo?.exitCode === null) demo.kill('SIGKILL');
  });

  it('serves a workbench whose Qencode CDN view shows the demo data, then stops leaving no process', async () => {
    demo = spawn(process.execPath, [join(ROOT, 'out', 'test', 'host', 'demo.js'), '--no-open'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    demo.stdout!.on('data', (d: Buffer) => (output += d.toString()));
    demo.stderr!.on('data', (d: Buffer) => (output += d.toString()));
    const url = await new Promise<string>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URL printed within 90 s:\n${output}`)), 90_000);
      const check = () => {
        const m = /Open:\s+(http:\/\/127\.0\.0\.1:\d+\/\?folder=\S+)/.exec(output);
        if (m) {
          clearTimeout(timer);
          resolve(m[1]!);
        }
      };
      demo!.stdout!.on('data', check);
      demo!.on('exit', () => reject(new Error(`the demo exited early:\n${output}`)));
    });
    const pid = Number(/code-server pid: (\d+)/.exec(output)?.[1]);
    assert.ok(pid > 0);
    assert.match(output, /Try first:/);

    const health = await fetch(new URL('/healthz', url));
    assert.equal(health.status, 200, 'the workbench answers');

    browser = await launchBrowser();
    const wb = new Workbench(browser.page);
    await browser.page.goto(url);
    await browser.page.locator('.monaco-workbench').waitFor({ timeout: 60_000 });
    await wb.openView('Qencode CDN');
    await wb.row('Demo (local emulator)').waitFor({ timeout: 30_000 });
    await wb.expand('Playback Domains');
    await wb.row('sports.example-tv.com').waitFor();
    await wb.expand('TLS Subscriptions');
    await wb.row('clips.example-tv.com').waitFor();
    // One custom domain explains why it is still pending; the other, whose CNAME is right, turns issued.
    const tlsRow = (domain: string, text: string) =>
      browser!.page.locator('.part.sidebar .monaco-list-row', { hasText: domain }).filter({ hasText: text });
    await tlsRow('archive.example-tv.com', 'no CNAME').waitFor({ timeout: 30_000 });
    await tlsRow('video.example-tv.com', 'CNAME set').waitFor();
    const issuedBy = Date.now() + 90_000;
    while (!(await tlsRow('video.example-tv.com', 'issued').isVisible()) && Date.now() < issuedBy) {
      await browser.page.waitForTimeout(5000);
      // The watch polls while the window is focused; a headless window may not be, so Refresh as a user could.
      if (!(await tlsRow('video.example-tv.com', 'issued').isVisible())) {
        await wb.contextMenu('TLS Subscriptions');
        await wb.menuItem('Refresh');
      }
    }
    await tlsRow('video.example-tv.com', 'issued').waitFor({ timeout: 5000 });
    await tlsRow('archive.example-tv.com', 'no CNAME').waitFor();
    // The stream in README.md: right-click its URL, Purge Stream…, read the preview, confirm.
    const apiUrl = /Emulator:\s+(http:\/\/127\.0\.0\.1:\d+)/.exec(output)![1]!;
    await browser.page.keyboard.press('Control+Shift+E');
    await browser.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'README.md' }).click();
    const link = browser.page.locator('.monaco-editor .view-line span', { hasText: 'master.m3u8' }).first();
    await link.waitFor({ timeout: 15_000 });
    // Right-clicked at once, with the cursor elsewhere: the menu follows the click, not where the cursor was.
    await link.click({ button: 'right' });
    await browser.page.locator('.context-view .monaco-menu').waitFor();
    await browser.page.waitForTimeout(300);
    await browser.page.screenshot({ path: join(ROOT, 'test-results', 'e2e-editor-menu.png') });
    await wb.menuItem('Purge Stream…');
    await browser.page.locator('.tabs-container .tab', { hasText: 'stream streams' }).waitFor({ timeout: 30_000 });
    const dialog = browser.page.locator('.monaco-dialog-box', {
      hasText: 'Purge the stream streams/launch/master.m3u8: 31 objects in bucket media-assets?',
    });
    await dialog.waitFor({ timeout: 15_000 });
    // The preview is rendered (VS Code's Markdown preview, in its webview), beside the confirmation.
    const rendered = browser.page
      .frameLocator('iframe.webview')
      .frameLocator('iframe')
      .locator('h1', { hasText: 'Purge stream: streams/launch/master.m3u8' });
    await rendered.waitFor({ timeout: 15_000 });
    await browser.page.screenshot({ path: join(ROOT, 'test-results', 'e2e-stream-preview.png') });
    await dialog.locator('.monaco-button', { hasText: 'Purge Stream' }).click();
    // Verify: what the edge serves now, URL by URL (its manifests, and a sample of segments).
    await wb.notificationAction('The CDN accepted the purge of the stream streams/launch/master.m3u8', 'Verify');
    await wb.notification('Verified at the edge:');
    await wb.preview('Verify purge').waitFor({ timeout: 30_000 });
    await browser.page.waitForTimeout(500);
    await browser.page.screenshot({ path: join(ROOT, 'test-results', 'e2e-verify-purge.png') });
    await wb.command('View: Close All Editors');
    const state = (await (await fetch(`${apiUrl}/_emulator/state`)).json()) as {
      account1: { purges: { bucket: string; path: string | null }[] };
    };
    const purged = state.account1.purges.filter((p) => p.path?.startsWith('streams/launch/')).map((p) => p.path!);
    assert.equal(purged.length, 31, 'the whole HLS stream');
    assert.equal(purged.at(-1), 'streams/launch/master.m3u8', 'the master last');

    // Check URL on the custom domain, whose certificate is issued: from the editor's menu on its URL in README.md.
    await browser.page.locator('.explorer-folders-view .monaco-list-row', { hasText: 'README.md' }).click();
    const custom = browser.page.locator('.monaco-editor .view-line span', { hasText: 'video.example-tv.com' }).first();
    await custom.waitFor({ timeout: 15_000 });
    await custom.click({ button: 'right' });
    await browser.page.locator('.context-view .monaco-menu').waitFor();
    await browser.page.waitForTimeout(300);
    await wb.menuItem('Check URL at the Edge');
    await wb.preview('200 OK').waitFor({ timeout: 30_000 });
    await browser.page.waitForTimeout(500);
    await browser.page.screenshot({ path: join(ROOT, 'test-results', 'e2e-check-url.png') });
    await wb.command('View: Close All Editors');
    // Test CORS on media-assets: from its policy's origin it passes; from another origin it is blocked.
    await wb.openView('Qencode CDN');
    await wb.expand('Buckets');
    for (const [origin, verdict, shot] of [
      ['https://media-storage.us-west.qencode.com', 'Allowed', 'e2e-test-cors-allowed.png'],
      ['https://app.example.com', 'Blocked', 'e2e-test-cors-blocked.png'],
    ] as const) {
      await wb.contextMenu('media-assets');
      await wb.menuItem('Test CORS from an Origin…');
      if (origin === 'https://app.example.com') {
        await wb.choose('the page’s origin', 'Enter an origin…');
        await wb.answer('the page’s origin', origin);
      } else await wb.choose('the page’s origin', origin);
      await wb.choose('the request', 'GET');
      await wb.answer('an object', 'streams/launch/master.m3u8');
      await wb.preview(verdict).waitFor({ timeout: 30_000 });
      await browser.page.waitForTimeout(500);
      await browser.page.screenshot({ path: join(ROOT, 'test-results', shot) });
      await wb.command('View: Close All Editors');
    }

    await wb.command('Qencode CDN: Purge History');
    await browser.page
      .locator('.quick-input-widget .monaco-list-row', { hasText: '3 objects in live-archive' })
      .waitFor();
    await browser.page.keyboard.press('Escape');
    await browser.close();
    browser = undefined;

    const exited = new Promise<number | null>((resolve) => demo!.on('exit', (code) => resolve(code)));
    demo.kill('SIGTERM');
    assert.equal(await exited, 0, 'the demo stops cleanly on SIGTERM');
    assert.throws(() => process.kill(-pid, 0), /ESRCH/, 'no process of the code-server group is left');
  });
});
