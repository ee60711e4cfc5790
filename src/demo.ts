import type { Services } from './services';

/**
 * `npm run demo` starts VS Code with QENCODE_CDN_DEMO_API_KEY set, so the tree is
 * populated at once. Honoured only when no project exists and the API URL is the
 * local emulator: it can never add a key for a real account.
 */
export async function addDemoProject({
  projects,
  clients,
  purgeHistory,
}: Pick<Services, 'projects' | 'clients' | 'purgeHistory'>): Promise<void> {
  const key = process.env.QENCODE_CDN_DEMO_API_KEY;
  if (!key || projects.list().length > 0) return;
  const host = (() => {
    try {
      return new URL(clients.apiUrl()).hostname;
    } catch {
      return '';
    }
  })();
  if (host !== '127.0.0.1' && host !== 'localhost') return;
  const project = await projects.add('Demo (local emulator)', key, { origins: clients.currentOrigins() });
  // A history to look at and repeat ("Purge History…"), as if purged from this editor before.
  await purgeHistory.record(project.id, {
    at: '2024-06-20 10:00:00 UTC',
    targets: [{ bucket: 'promo-clips', path: null }],
    purged: 1,
    failed: 0,
    notSent: 0,
  });
  await purgeHistory.record(project.id, {
    at: '2024-10-02 18:30:00 UTC',
    targets: ['master.m3u8', '1080p/index.m3u8', '720p/index.m3u8'].map((p) => ({
      bucket: 'live-archive',
      path: `replays/final/${p}`,
    })),
    purged: 3,
    failed: 0,
    notSent: 0,
  });
}
