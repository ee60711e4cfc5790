import * as vscode from 'vscode';
import { answered, check } from '../../actions';
import { validateBucketName } from '../../core';
import type { KnownBucket } from '../../data';
import type { ProjectNode } from '../../explorer/nodes';
import type { Services } from '../../services';
import { pickProject } from '../projects/picker';
import { BucketNode, CorsHeaderNode } from './node';

const t = vscode.l10n.t;

export interface PickedBucket {
  project: ProjectNode;
  bucket: string;
}

/** The buckets known in a project, from the data layer; none when both lists fail (a name can still be typed). */
export async function knownBucketsOf(s: Services, project: ProjectNode): Promise<KnownBucket[]> {
  return s.ui().loading(t('Loading buckets…'), () => project.data.buckets().catch(() => []));
}

/** A bucket: the clicked one, or one picked from the known buckets (`preferred` first), or a name typed in. */
export async function pickBucket(s: Services, node: unknown, preferred?: string): Promise<PickedBucket> {
  if (node instanceof CorsHeaderNode) node = node.parent;
  if (node instanceof BucketNode) return { project: node.projectNode, bucket: node.name };
  const project = await pickProject(s, node);
  const known = await knownBucketsOf(s, project);
  const ordered = [...known.filter((b) => b.name === preferred), ...known.filter((b) => b.name !== preferred)];
  const typeName = {
    iconPath: new vscode.ThemeIcon('edit'),
    label: t('Enter a bucket name…'),
    bucket: undefined as string | undefined,
  };
  const picked = answered(
    await s.ui().pick(
      [
        ...ordered.map((b) => ({
          label: b.name,
          description: b.name === preferred ? t('last used') : b.policy?.policy,
          bucket: b.name as string | undefined,
        })),
        typeName,
      ],
      { id: 'bucket', title: t('Choose a bucket'), placeHolder: t('Media-storage bucket') },
    ),
  );
  const bucket =
    picked.bucket ??
    answered(
      await s.ui().input({
        id: 'bucketName',
        title: t('Bucket name'),
        prompt: t('The name of a media-storage bucket in project {0}', project.projectName),
        validateInput: check(validateBucketName),
      }),
    );
  return { project, bucket: bucket.trim() };
}
