import { createSocket, type Socket } from 'node:dgram';
import { decode, encode, type Answer, type Packet } from 'dns-packet';

/*
 * A DNS server on 127.0.0.1 for tests and the demo: it answers CNAME and A
 * records from a zone that the test changes as it goes, NXDOMAIN for names it does
 * not know, and can be told to stay silent (a timeout). Encoding is dns-packet's.
 */
export interface ZoneRecord {
  cname?: string;
  a?: string;
  ttl?: number;
}

export class DnsServer {
  /** Name (lowercase, no trailing dot) → record. */
  readonly zone = new Map<string, ZoneRecord>();
  /** Names whose queries get no answer at all. */
  readonly silent = new Set<string>();
  readonly queries: { name: string; type: string }[] = [];
  private socket?: Socket;

  async start(port = 0): Promise<string> {
    const socket = createSocket('udp4');
    this.socket = socket;
    socket.on('message', (msg, rinfo) => {
      let query: Packet;
      try {
        query = decode(msg);
      } catch {
        return;
      }
      const question = query.questions?.[0];
      if (!question) return;
      const name = question.name.toLowerCase().replace(/\.$/, '');
      this.queries.push({ name, type: question.type });
      if (this.silent.has(name)) return;
      const answers = this.answer(name, question.type);
      const known = this.zone.has(name);
      const reply = encode({
        type: 'response',
        id: query.id,
        flags: (known ? 0 : 3) | (1 << 8) | (1 << 7) | (1 << 10), // rcode NXDOMAIN when unknown; RD, RA, AA
        questions: [question],
        answers,
      });
      socket.send(reply, rinfo.port, rinfo.address);
    });
    await new Promise<void>((resolve, reject) => {
      socket.once('error', reject);
      socket.bind(port, '127.0.0.1', () => resolve());
    });
    return this.address;
  }

  /** `127.0.0.1:port`, as `qencodeCdn.dns.servers` and node:dns take it. */
  get address(): string {
    const a = this.socket?.address();
    if (!a) throw new Error('the DNS server is not running');
    return `127.0.0.1:${a.port}`;
  }

  /** Follows CNAMEs inside the zone, as a recursive resolver would. */
  private answer(name: string, type: string): Answer[] {
    const answers: Answer[] = [];
    let current = name;
    for (let hop = 0; hop < 8; hop++) {
      const record = this.zone.get(current);
      if (!record) break;
      const ttl = record.ttl ?? 300;
      if (record.cname) {
        answers.push({ type: 'CNAME', name: current, ttl, class: 'IN', data: record.cname.replace(/\.$/, '') });
        if (type === 'CNAME') break;
        current = record.cname.toLowerCase().replace(/\.$/, '');
        continue;
      }
      if (record.a && (type === 'A' || type === 'ANY'))
        answers.push({ type: 'A', name: current, ttl, class: 'IN', data: record.a });
      break;
    }
    return answers;
  }

  async stop(): Promise<void> {
    await new Promise<void>((resolve) => (this.socket ? this.socket.close(() => resolve()) : resolve()));
    this.socket = undefined;
  }
}
