import type { ActionContext } from './actions';
import type { BucketMemories, DataLayer } from './data';
import type { DetailsDocuments } from './documents';
import type { Explorer } from './explorer/explorer';
import type { Node } from './explorer/nodes';
import type { CorsFileSystem } from './resources/buckets/cors-fs';
import type { EdgeChecks } from './resources/edge/edge-checks';
import type { PrivateKeys } from './resources/keys/private-keys';
import type { Clients } from './resources/projects/clients';
import type { Projects } from './resources/projects/store';
import type { PurgeHistory } from './resources/purge/history';
import type { PurgeRunner } from './resources/purge/runner';
import type { DnsChecks } from './resources/tls/dns';
import type { TlsInstructions } from './resources/tls/instructions';
import type { TlsWatch } from './resources/tls/watch';

/** What every command handler gets: made once by the composition root (extension.ts). */
export interface Services extends ActionContext {
  projects: Projects;
  clients: Clients;
  purgeHistory: PurgeHistory;
  tlsInstructions: TlsInstructions;
  bucketMemory: BucketMemories;
  data: DataLayer;
  explorer: Explorer;
  treeView: import('vscode').TreeView<Node>;
  details: DetailsDocuments;
  privateKeys: PrivateKeys;
  cors: CorsFileSystem;
  dns: DnsChecks;
  tlsWatch: TlsWatch;
  purge: PurgeRunner;
  edge: EdgeChecks;
}
