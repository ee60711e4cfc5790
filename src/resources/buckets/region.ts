import * as vscode from 'vscode';
import { isMediaStorageRegion, mediaStorageUrl, MEDIA_STORAGE_REGIONS, playbackUrl, type Domain } from '../../core';
import type { ProjectNode } from '../../explorer/nodes';
import { certificateOf } from '../tls/certificate';
import { answered } from '../../actions';
import type { Services } from '../../services';

const t = vscode.l10n.t;

/*
 * A bucket's media-storage region: the API does not tell it, so the user says it once
 * (the first time a media-storage URL is made for the bucket) and can change it from the
 * bucket's menu (Set Media-Storage Region…) if the first answer was wrong.
 */

/** The region the user gave for this bucket, if any (a value that is not a region, from tampered state, is asked again). */
export function knownRegion(s: Services, projectId: string, bucket: string): string | undefined {
  const regions = s.bucketMemory.get(projectId).regions;
  const region = regions && Object.hasOwn(regions, bucket) ? regions[bucket] : undefined;
  return isMediaStorageRegion(region) ? region : undefined;
}

/** Asks the region (the one known marked), remembers it, and returns it. */
export async function askRegion(s: Services, projectId: string, bucket: string): Promise<string> {
  const current = knownRegion(s, projectId, bucket);
  const region = answered(
    await s.ui().pick(
      MEDIA_STORAGE_REGIONS.map((r) => ({ label: r, ...(r === current ? { description: t('current') } : {}) })),
      {
        id: 'region',
        title: current
          ? t('Which media-storage region is bucket {0} in?', bucket)
          : t("Which media-storage region is bucket {0} in? (asked once; change it from the bucket's menu)", bucket),
      },
    ),
  ).label;
  await s.bucketMemory.update(projectId, (m) => ({ ...m, regions: { ...m.regions, [bucket]: region } }));
  return region;
}

/** The region to build a bucket's media-storage URLs with: the one given before, else asked now. */
export async function regionOf(s: Services, projectId: string, bucket: string): Promise<string> {
  return knownRegion(s, projectId, bucket) ?? (await askRegion(s, projectId, bucket));
}

/**
 * A URL for an object of a bucket, as players reach it: on a vod domain of the bucket whose
 * certificate is issued (https to it works); else on its media-storage host (its region asked
 * once). A domain whose certificate cannot be told (the TLS list did not load) is used as before.
 */
export async function bucketUrl(
  s: Services,
  project: ProjectNode,
  bucket: string,
  objectPath: string,
): Promise<string> {
  const [domains, subs] = await s
    .ui()
    .loading(t('Loading playback domains…'), () =>
      Promise.all([
        project.data.items('domains').catch(() => [] as Domain[]),
        project.data.items('tls').catch(() => undefined),
      ]),
    );
  const serving = domains.filter((d) => d.type === 'vod' && d.bucketName === bucket);
  const served = subs ? serving.find((d) => certificateOf(d.id, subs) === 'issued') : serving[0];
  return served
    ? playbackUrl(served.name, objectPath)
    : mediaStorageUrl(bucket, await regionOf(s, project.projectId, bucket), objectPath);
}
