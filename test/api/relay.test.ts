import assert from 'node:assert/strict';
import { connect as netConnect, createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { connect as tlsConnect, createServer as createTlsServer, type TLSSocket } from 'node:tls';
import { testCertificates } from '../emulator/https';
import { ClientHelloCounter, startRelay } from '../emulator/relay';

/* The latency relay the bench and the wire-count tests stand on: its delays, its order, its counts and its bounds. */
const listen = async (server: Server) => {
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
};
const close = (server: Server) => new Promise<void>((r) => server.close(() => r()));

describe('latency relay', () => {
  let echo: Server;
  let echoPort = 0;
  let tls: Server;
  let tlsPort = 0;
  let ca = '';
  const sockets = new Set<Socket>();

  before(async () => {
    echo = createServer((s) => {
      sockets.add(s);
      s.pipe(s);
    });
    echoPort = await listen(echo);
    const certs = await testCertificates();
    ca = certs.ca;
    tls = createTlsServer({ cert: certs.cert, key: certs.key }, (s) => {
      sockets.add(s);
      s.end('hello');
    });
    tlsPort = await listen(tls);
  });
  after(async () => {
    for (const s of sockets) s.destroy();
    await Promise.all([close(echo), close(tls)]);
  });

  it('delays each direction by RTT/2, after one RTT for the TCP handshake; keeps order; counts no TLS on plain TCP', async () => {
    const relay = await startRelay({ target: { host: '127.0.0.1', port: echoPort }, rttMs: 40 });
    try {
      const socket = netConnect(relay.port, '127.0.0.1');
      const sent = Array.from({ length: 50 }, (_, i) => `chunk ${i};`).join('');
      const started = performance.now();
      await new Promise<void>((r) => socket.once('connect', r));
      let received = '';
      const done = new Promise<void>((resolve) =>
        socket.on('data', (d: Buffer) => (received += d.toString()) === sent && resolve()),
      );
      for (let i = 0; i < 50; i++) socket.write(`chunk ${i};`);
      await done;
      const elapsed = performance.now() - started;
      socket.destroy();
      assert.equal(received, sent, 'in order');
      assert.ok(elapsed >= 2 * 40 - 1, `the echo came after ${elapsed.toFixed(1)} ms: TCP's round trip and the data's`);
      assert.deepEqual(
        { connections: relay.stats.connections, handshakes: relay.stats.handshakes },
        { connections: 1, handshakes: 0 },
      );
    } finally {
      await relay.stop();
    }
  });

  it('counts one TLS handshake per connection, and tells a resumed one', async () => {
    const relay = await startRelay({ target: { host: '127.0.0.1', port: tlsPort }, rttMs: 2 });
    try {
      const once = (session?: Buffer) =>
        new Promise<{ session?: Buffer; reused: boolean }>((resolve, reject) => {
          let ticket: Buffer | undefined;
          const s: TLSSocket = tlsConnect({
            port: relay.port,
            host: '127.0.0.1',
            ca,
            servername: 'localhost',
            ...(session ? { session } : {}),
          });
          s.on('session', (t: Buffer) => (ticket = t));
          s.on('error', reject);
          s.on('data', () => undefined);
          s.on('end', () => {
            const reused = s.isSessionReused();
            s.destroy();
            resolve({ session: ticket, reused });
          });
        });
      const first = await once();
      assert.ok(first.session, 'a session ticket came');
      const second = await once(first.session);
      assert.equal(second.reused, true);
      assert.deepEqual(
        { connections: relay.stats.connections, handshakes: relay.stats.handshakes, resumed: relay.stats.resumed },
        { connections: 2, handshakes: 2, resumed: 1 },
      );
    } finally {
      await relay.stop();
    }
  });

  it('reads a ClientHello split across chunks and records, and nothing after application data', () => {
    let hellos = 0;
    const counter = new ClientHelloCounter(() => hellos++);
    // A handshake record holding the first half of a ClientHello, then a second record with the rest.
    const body = Buffer.concat([Buffer.from([3, 3]), Buffer.alloc(32), Buffer.from([0, 0, 2, 0x13, 0x01, 1, 0, 0, 0])]);
    const message = Buffer.concat([Buffer.from([1, 0, 0, body.length]), body]);
    const record = (type: number, payload: Buffer) =>
      Buffer.concat([Buffer.from([type, 3, 1, payload.length >> 8, payload.length & 255]), payload]);
    const stream = Buffer.concat([
      record(22, message.subarray(0, 10)),
      record(22, message.subarray(10)),
      record(23, Buffer.alloc(5)),
      record(22, message),
    ]);
    for (let i = 0; i < stream.length; i += 7) counter.feed(stream.subarray(i, i + 7));
    assert.equal(hellos, 1);
    const plain = new ClientHelloCounter(() => hellos++);
    plain.feed(Buffer.from('GET / HTTP/1.1\r\n\r\n'));
    assert.equal(hellos, 1, 'plain HTTP is not TLS');
  });

  it('is bounded: a connection past maxConnections is refused, and it stops by itself', async () => {
    const relay = await startRelay({
      target: { host: '127.0.0.1', port: echoPort },
      rttMs: 1,
      maxConnections: 1,
      lifetimeMs: 300,
    });
    const a = netConnect(relay.port, '127.0.0.1');
    await new Promise<void>((r) => a.once('connect', r));
    await new Promise((r) => setTimeout(r, 20));
    const b = netConnect(relay.port, '127.0.0.1');
    await new Promise<void>((r) => b.once('close', () => r()));
    assert.equal(relay.stats.connections, 1, 'the second was refused');
    await new Promise<void>((r) => a.once('close', () => r()));
    const refused = await new Promise<string>((r) =>
      netConnect(relay.port, '127.0.0.1').once('error', (e: NodeJS.ErrnoException) => r(e.code ?? '')),
    );
    assert.equal(refused, 'ECONNREFUSED', 'stopped after its lifetime');
  });
});
