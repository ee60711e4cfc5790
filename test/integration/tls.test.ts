import assert from 'node:assert/strict';
import { SAMPLE } from '../emulator/sample-data';
import { addProject, ctx, domainNode, group, reset, rows, run, sent, tlsNode, verifyUi } from './helpers';

describe('TLS subscriptions', () => {
  beforeEach(reset);
  afterEach(verifyUi);

  it('Create TLS Subscription from a domain node: sends domain_id, shows the CNAME, and the TLS group shows it pending', async () => {
    const project = await addProject();
    const domain = await domainNode(project, 'events.example-tv.com');
    ctx.emulator.clearRequests();
    await run('createTls', domain);
    assert.deepEqual(ctx.ui.errors(), []);
    assert.deepEqual(sent('POST'), [{ method: 'POST', path: '/v1/tls/subscriptions', body: { domain_id: SAMPLE.eventsDomainId } }]);
    const cname = ctx.ui.notifications.find((n) => n.id === 'cname');
    assert.ok(cname, `a CNAME notification; got ${JSON.stringify(ctx.ui.notifications)}`);
    assert.match(cname.message, /events\.example-tv\.com CNAME j\.sni\.global\.fastly\.net\./);
    const node = await tlsNode(project, 'events.example-tv.com');
    assert.equal(node.subscription.status, 'pending');
    assert.deepEqual(rows(await group(project, 'tls')), ['archive.example-tv.com — pending', 'events.example-tv.com — pending', 'live.example-tv.com — issued']);
  });
});
