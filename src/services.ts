import type { ActionContext } from './actions';
import type { DataLayer } from './data';
import type { DetailsDocuments } from './documents';
import type { Explorer } from './explorer/explorer';
import type { Projects } from './resources/projects/store';

/** What every command gets. Resource-specific services (private keys, the CORS file system) are passed to their own commands. */
export interface Services extends ActionContext {
  projects: Projects;
  data: DataLayer;
  explorer: Explorer;
  details: DetailsDocuments;
}
