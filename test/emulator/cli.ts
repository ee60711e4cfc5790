import { parseArgs } from 'node:util';
import { DEMO_API_KEY, Emulator } from './emulator';
import { demoData } from './sample-data';

/*
 * npm run emulator -- [--port P] [--api-key K]... [--seed] [--admin]
 *                     [--latency MS] [--token-ttl S] [--tls-issue-delay MS]
 */
const { values } = parseArgs({
  options: {
    port: { type: 'string', default: '8787' },
    'api-key': { type: 'string', multiple: true },
    seed: { type: 'boolean', default: false },
    demo: { type: 'boolean', default: false },
    admin: { type: 'boolean', default: false },
    latency: { type: 'string', default: '0' },
    'token-ttl': { type: 'string' },
    'tls-issue-delay': { type: 'string' },
    help: { type: 'boolean', default: false },
  },
});

if (values.help) {
  console.log(`Qencode CDN API emulator
  --port P               port on 127.0.0.1 (0: any free port; default 8787)
  --api-key K            an accepted API key; repeat for several accounts (default: ${DEMO_API_KEY})
  --seed                 start with sample domains, TLS subscriptions, signing keys and buckets
  --demo                 start with the demo's richer sample data instead
  --admin                serve /_emulator/ (request log, faults, latency, state)
  --latency MS           added to every API request
  --token-ttl S          access-token lifetime in seconds (default 86400)
  --tls-issue-delay MS   pending TLS subscriptions become issued after MS`);
  process.exit(0);
}

const emulator = new Emulator({
  port: Number(values.port),
  apiKeys: values['api-key']?.length ? values['api-key'] : [DEMO_API_KEY],
  seed: values.demo ? demoData() : values.seed,
  admin: values.admin,
  latencyMs: Number(values.latency),
  ...(values['token-ttl'] ? { tokenTtlSeconds: Number(values['token-ttl']) } : {}),
  ...(values['tls-issue-delay'] ? { tlsIssueDelayMs: Number(values['tls-issue-delay']) } : {}),
});

void emulator.start().then((url) => {
  console.log(`listening on ${url}`);
});
const stop = () => void emulator.stop().then(() => process.exit(0));
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
