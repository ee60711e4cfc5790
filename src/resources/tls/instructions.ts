import type { Memento } from 'vscode';
import { ProjectState } from '../../data/project-state';

/**
 * The CNAME instruction of each TLS subscription, by id. The API returns it only when
 * the subscription is created, so it is kept here (global state: it is not secret).
 */
export class TlsInstructions extends ProjectState<Record<string, string>> {
  constructor(state: Memento) {
    super(state, 'qencodeCdn.tlsMessages', {});
  }

  instruction(projectId: string, tlsId: string): string | undefined {
    // Own keys only: an id such as "__proto__" must not read the prototype.
    const all = this.get(projectId);
    const message = Object.hasOwn(all, tlsId) ? all[tlsId] : undefined;
    return typeof message === 'string' ? message : undefined;
  }

  count(projectId: string): number {
    return Object.keys(this.get(projectId)).length;
  }

  async remember(projectId: string, tlsId: string, message: string | undefined): Promise<void> {
    await this.update(projectId, (kept) => {
      const all = { ...kept };
      if (message) all[tlsId] = message;
      else delete all[tlsId];
      return all;
    });
  }
}
