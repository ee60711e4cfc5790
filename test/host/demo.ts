import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DnsServer } from '../emulator/dns-server';
import { DEMO_API_KEY, Emulator } from '../emulator/emulator';
import { testCertificates, writeCaFile } from '../emulator/https';
import { demoData } from '../emulator/sample-data';
import { ROOT, startCodeServer, type CodeServer } from './code-server';

/*
 * npm run demo [-- --no-open] [-- --desktop]
 * The packaged extension in a real VS Code (code-server, or desktop `code` with
 * --desktop), against the emulator with demo data and a demo project already added.
 * Ctrl-C or SIGTERM stops everything it started.
 */
const { values } = parseArgs({
  options: { 'no-open': { type: 'boolean', default: false }, desktop: { type: 'boolean', default: false } },
});

async function main(): Promise<void> {
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  const vsix = join(ROOT, `qencode-cdn-${version}.vsix`);
  // A DNS server of the demo's own: video.example-tv.com points at Qencode (its certificate is
  // issued some 25 s after start-up); archive.example-tv.com has no CNAME yet (it stays pending, and says why).
  const dns = new DnsServer();
  const dnsServer = await dns.start();
  dns.zone.set('video.example-tv.com', { cname: 'j.sni.global.fastly.net.', ttl: 60 });
  dns.zone.set('j.sni.global.fastly.net', { a: '151.101.1.1', ttl: 60 });
  const emulator = new Emulator({
    seed: demoData(),
    admin: true,
    apiKeys: [DEMO_API_KEY],
    dns: { server: dnsServer, issueAfterMs: 25_000, failAfterMs: 60_000 },
    media: true,
  });
  const apiUrl = await emulator.start();
  // The emulator's edge over TLS, for Check URL, Test CORS and Verify: its certificates come from a CA made for this run.
  const certificates = await testCertificates();
  const edgeUrl = await emulator.media!.startTls(certificates);
  const private_ = mkdtempSync(join(tmpdir(), 'qencode-demo-ca-'));
  const caFile = writeCaFile(certificates, join(private_, 'edge-ca.pem'));
  const workspace = mkdtempSync(join(tmpdir(), 'qencode-demo-'));
  writeFileSync(
    join(workspace, 'README.md'),
    [
      '# Qencode CDN demo',
      '',
      'Open the **Qencode CDN** view in the activity bar. Everything here talks to a local emulator: nothing reaches a real account.',
      '',
      'The launch stream, re-encoded last night (hover the URL; right-click it: *Purge Stream…*):',
      '',
      'https://media-assets.media-storage.us-west.qencode.com/streams/launch/master.m3u8',
      '',
      'Its DASH version: https://vod.example-tv.com/streams/launch/dash/manifest.mpd',
      '',
      'On the custom domain, once its certificate is issued (right-click: *Check URL at the Edge*):',
      '',
      'https://video.example-tv.com/streams/launch/master.m3u8',
      '',
    ].join('\n'),
  );
  let server: CodeServer | undefined;
  let desktop: ReturnType<typeof spawn> | undefined;
  let stopping = false;
  const stop = async (code: number) => {
    if (stopping) return;
    stopping = true;
    process.stdout.write('\nStopping the demo…\n');
    await server?.stop();
    if (desktop?.pid) {
      try {
        process.kill(-desktop.pid, 'SIGTERM');
      } catch {
        /* gone */
      }
    }
    await emulator.stop();
    await dns.stop();
    rmSync(workspace, { recursive: true, force: true });
    rmSync(private_, { recursive: true, force: true });
    process.exit(code);
  };
  process.on('SIGINT', () => void stop(0));
  process.on('SIGTERM', () => void stop(0));

  const env = { QENCODE_CDN_DEMO_API_KEY: DEMO_API_KEY };
  // The media server stands in for media-storage hosts (honoured only with a local API URL).
  const settings = {
    'qencodeCdn.apiUrl': apiUrl,
    'qencodeCdn.dns.servers': [dnsServer],
    'qencodeCdn.mediaStorageOverride': emulator.media!.url,
    'qencodeCdn.edgeOverride': edgeUrl,
    'qencodeCdn.edgeOverrideCa': caFile,
  };
  let openUrl: string;
  if (values.desktop) {
    if (spawnSync('code', ['--version']).status !== 0) throw new Error('--desktop needs the `code` command on PATH');
    const profile = mkdtempSync(join(tmpdir(), 'qencode-demo-desktop-'));
    const dirs = ['--user-data-dir', join(profile, 'user-data'), '--extensions-dir', join(profile, 'extensions')];
    spawnSync('code', [...dirs, '--install-extension', vsix], { stdio: 'inherit' });
    mkdirSync(join(profile, 'user-data', 'User'), { recursive: true });
    writeFileSync(join(profile, 'user-data', 'User', 'settings.json'), JSON.stringify(settings, null, 2));
    desktop = spawn('code', [...dirs, '--new-window', '--wait', workspace], {
      env: { ...process.env, ...env },
      detached: true,
      stdio: 'ignore',
    });
    desktop.on('exit', () => void stop(0));
    openUrl = '(desktop VS Code window)';
  } else {
    server = await startCodeServer({ workspace, vsix: [vsix], settings, env });
    openUrl = `${server.url}/?folder=${encodeURIComponent(workspace)}`;
    process.stdout.write(`code-server pid: ${server.process.pid}\n`);
  }
  process.stdout.write(
    [
      '',
      'Qencode CDN demo is running.',
      `  Open:      ${openUrl}`,
      `  Emulator:  ${apiUrl} (API key ${DEMO_API_KEY}; request log at ${apiUrl}/_emulator/requests)`,
      '',
      'Try first:',
      '  1. Click the Qencode CDN icon in the activity bar: the "Demo (local emulator)" project is there.',
      '  2. Expand Playback Domains and TLS Subscriptions; hover a row for every detail.',
      '  3. Expand TLS Subscriptions: video.example-tv.com is pending and its CNAME is right, so the certificate',
      '     is issued within a minute (watch the status bar); archive.example-tv.com says why it is still pending.',
      '     Try "Add Custom Domain…" on Playback Domains.',
      '  4. Right-click a bucket: Edit CORS Policy, change a header, save.',
      '  5. Open README.md in the workspace: hover the master.m3u8 URL, right-click it, Purge Stream…: a preview,',
      '     then every segment purged before the manifests.',
      '  6. Command palette: "Qencode CDN: Purge Objects…" and paste a media-storage URL.',
      '  7. When a purge is done, click Verify: what the edge serves now, URL by URL (fresh from origin, or still cached).',
      "  8. Right-click media-assets: Test CORS from an Origin… From its policy's origin it passes; from",
      '     https://app.example.com it is blocked, with the header that decided it.',
      '  9. Once video.example-tv.com is issued, right-click its URL in README.md: Check URL at the Edge.',
      '',
      'Press Ctrl-C to stop.',
      '',
    ].join('\n'),
  );
  if (!values['no-open'] && !values.desktop && (process.env.DISPLAY || process.env.WAYLAND_DISPLAY)) {
    spawn('xdg-open', [openUrl], { detached: true, stdio: 'ignore' })
      .on('error', () => {})
      .unref();
  }
}

main().catch((error: unknown) => {
  process.stderr.write(`demo failed: ${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
