import type { QencodeClient } from '../core';
import type { BucketMemory } from './buckets';
import { ProjectData, type Change } from './project-data';

/** Every project's data, and the one event that says what changed. No `vscode` here. */
export class DataLayer {
  private readonly projects = new Map<string, ProjectData>();
  private readonly listeners = new Set<(change: Change) => void>();

  constructor(
    private readonly client: (projectId: string) => Promise<QencodeClient>,
    private readonly memory: (projectId: string) => BucketMemory,
  ) {}

  project(projectId: string): ProjectData {
    let data = this.projects.get(projectId);
    if (!data) {
      data = new ProjectData(
        projectId,
        () => this.client(projectId),
        () => this.memory(projectId),
        (change) => this.emit(change),
      );
      this.projects.set(projectId, data);
    }
    return data;
  }

  /** A project's key was replaced or it was removed: its data is read again, or dropped. */
  forget(projectId: string): void {
    this.projects.delete(projectId);
    this.emit({ projectId, resource: 'project' });
  }

  /** Only these projects' data is kept (a removed project's goes). */
  keepOnly(projectIds: readonly string[]): void {
    for (const id of [...this.projects.keys()]) if (!projectIds.includes(id)) this.projects.delete(id);
  }

  /** Refresh everything. */
  invalidateAll(): void {
    for (const data of this.projects.values()) data.invalidateAll();
  }

  onDidChange(listener: (change: Change) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  private emit(change: Change): void {
    for (const listener of [...this.listeners]) listener(change);
  }
}
