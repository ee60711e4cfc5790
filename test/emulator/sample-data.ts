import type { MediaObjectSpec } from './media';
import { demoMediaObjects } from './stream-fixtures';

/** Realistic sample data for the demo and tests: ids are fixed so tests can name them. */
export interface SampleData {
  /** `objects`: what the media server serves (emulator option `media`). */
  buckets: {
    name: string;
    region: string;
    policy?: 'public' | 'authenticated';
    cors?: Record<string, string>;
    objects?: MediaObjectSpec[];
  }[];
  domains: { id: string; domain_name: string; type: 'live' | 'vod'; bucket_name?: string; created: string }[];
  tls: { id: string; domain_id: string; status: string; created: string }[];
  keys: {
    id: string;
    name: string | null;
    stream_id?: string;
    domain_id?: string;
    bucket_name?: string;
    created: string;
  }[];
  purges: { bucket: string; path: string | null; at: string }[];
}

export const SAMPLE = {
  liveDomainId: 'aeac03d6-beb0-4638-a094-fbc35653f931',
  eventsDomainId: '5b1f7a3c-2d4e-4f6a-9b8c-1d2e3f4a5b6c',
  vodDomainId: 'c3d4e5f6-a7b8-4c9d-8e0f-1a2b3c4d5e6f',
  archiveDomainId: 'f1e2d3c4-b5a6-4978-8675-645342312019',
  issuedTlsId: '7d819560-6220-4b76-bf9a-3784a64ac7ff',
  pendingTlsId: '0b9e8d7c-6f5a-4b3c-9d2e-1f0a9b8c7d6e',
  streamKeyId: 'ec25a6a6-b31e-4ac9-af01-711460421c6b',
  domainKeyId: 'e52f59d7-e65c-4036-81c6-0163403a1a88',
  bucketKeyId: '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d',
  streamId: '1f1ab6a3-d867-4787-b882-7f2fb1203634',
  mediaBucket: 'media-assets',
  archiveBucket: 'vod-archive',
  promoBucket: 'promo-clips',
} as const;

export function sampleData(): SampleData {
  const s = SAMPLE;
  return {
    buckets: [
      {
        name: s.mediaBucket,
        region: 'us-west',
        cors: {
          'Access-Control-Allow-Origin': 'https://media-storage.us-west.qencode.com',
          'Access-Control-Allow-Methods': 'GET, PUT, POST, DELETE',
          'Access-Control-Max-Age': '1600',
          'Access-Control-Allow-Credentials': 'true',
        },
        // A generated HLS and DASH stream under streams/launch/ (master.m3u8, dash/manifest.mpd).
        objects: demoMediaObjects(),
      },
      { name: s.archiveBucket, region: 'eu-central' },
      { name: s.promoBucket, region: 'us-west', policy: 'authenticated', cors: { 'Access-Control-Allow-Origin': '*' } },
    ],
    domains: [
      { created: '2023-06-07 14:17:25', id: s.liveDomainId, type: 'live', domain_name: 'live.example-tv.com' },
      { created: '2023-08-21 09:02:11', id: s.eventsDomainId, type: 'live', domain_name: 'events.example-tv.com' },
      {
        bucket_name: s.mediaBucket,
        created: '2023-06-09 10:45:03',
        id: s.vodDomainId,
        type: 'vod',
        domain_name: 'vod.example-tv.com',
      },
      {
        bucket_name: s.archiveBucket,
        created: '2024-01-15 16:30:00',
        id: s.archiveDomainId,
        type: 'vod',
        domain_name: 'archive.example-tv.com',
      },
    ],
    tls: [
      { status: 'issued', created: '2023-06-12 15:10:48', domain_id: s.liveDomainId, id: s.issuedTlsId },
      { status: 'pending', created: '2024-01-15 16:31:12', domain_id: s.archiveDomainId, id: s.pendingTlsId },
    ],
    keys: [
      { stream_id: s.streamId, created: '2023-06-12 15:00:40', id: s.streamKeyId, name: 'Main event stream' },
      { created: '2023-06-07 14:17:25', id: s.domainKeyId, domain_id: s.liveDomainId, name: null },
      { created: '2024-02-02 08:15:00', id: s.bucketKeyId, bucket_name: s.promoBucket, name: 'Promo clips' },
    ],
    purges: [{ bucket: s.mediaBucket, path: 'videos/launch/master.m3u8', at: '2024-03-01 12:00:00' }],
  };
}

/** The demo's richer account: more domains, TLS subscriptions in every state, keys of all kinds, purges. */
export function demoData(): SampleData {
  const base = sampleData();
  return {
    buckets: [
      ...base.buckets,
      {
        name: 'live-archive',
        region: 'eu-central',
        cors: {
          'Access-Control-Allow-Origin': 'https://watch.example-tv.com',
          'Access-Control-Allow-Methods': 'GET, HEAD',
          'Access-Control-Expose-Headers': 'Content-Length, Content-Range',
        },
      },
    ],
    domains: [
      ...base.domains,
      {
        created: '2024-05-02 11:20:00',
        id: '2c9d7e1f-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
        type: 'live',
        domain_name: 'sports.example-tv.com',
      },
      {
        bucket_name: 'promo-clips',
        created: '2024-06-18 08:05:42',
        id: '8f7e6d5c-4b3a-4291-8087-6f5e4d3c2b1a',
        type: 'vod',
        domain_name: 'clips.example-tv.com',
      },
      {
        bucket_name: 'live-archive',
        created: '2024-09-30 19:45:10',
        id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
        type: 'vod',
        domain_name: 'replay.example-tv.com',
      },
      // Its CNAME is right in the demo's DNS: its certificate is issued a little after start-up.
      {
        bucket_name: 'media-assets',
        created: '2024-11-28 09:00:00',
        id: '6b7c8d9e-0f1a-4b2c-93d4-e5f6a7b8c9d0',
        type: 'vod',
        domain_name: 'video.example-tv.com',
      },
    ],
    tls: [
      ...base.tls,
      {
        status: 'issued',
        created: '2024-05-02 11:25:31',
        domain_id: '2c9d7e1f-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
        id: '3e4f5a6b-7c8d-4e9f-a0b1-c2d3e4f5a6b7',
      },
      {
        status: 'failed',
        created: '2024-06-18 08:10:00',
        domain_id: '8f7e6d5c-4b3a-4291-8087-6f5e4d3c2b1a',
        id: '4f5a6b7c-8d9e-4fa0-b1c2-d3e4f5a6b7c8',
      },
      {
        status: 'expired',
        created: '2023-09-30 19:50:00',
        domain_id: '1a2b3c4d-5e6f-4a7b-8c9d-0e1f2a3b4c5d',
        id: '5a6b7c8d-9e0f-4a1b-82c3-d4e5f6a7b8c9',
      },
      {
        status: 'pending',
        created: '2024-11-28 09:01:00',
        domain_id: '6b7c8d9e-0f1a-4b2c-93d4-e5f6a7b8c9d0',
        id: '7c8d9e0f-1a2b-4c3d-a4e5-f6a7b8c9d0e1',
      },
    ],
    keys: [
      ...base.keys,
      {
        created: '2024-05-02 12:00:00',
        id: '6b7c8d9e-0f1a-4b2c-93d4-e5f6a7b8c9d0',
        domain_id: '2c9d7e1f-3a4b-4c5d-8e6f-7a8b9c0d1e2f',
        name: 'Sports live',
      },
      {
        created: '2024-10-01 09:00:00',
        id: '7c8d9e0f-1a2b-4c3d-a4e5-f6a7b8c9d0e1',
        bucket_name: 'live-archive',
        name: null,
      },
    ],
    purges: [
      ...base.purges,
      { bucket: 'promo-clips', path: null, at: '2024-06-20 10:00:00' },
      { bucket: 'live-archive', path: 'replays/final/master.m3u8', at: '2024-10-02 18:30:00' },
    ],
  };
}
