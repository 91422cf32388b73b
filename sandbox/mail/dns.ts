// A small authoritative DNS server on loopback (UDP) for the sandbox's mail domains: the TXT records a
// receiver needs to check a sender (DKIM keys, SPF, DMARC). The inbox monitor's sender check is pointed at
// it (MAIL_AUTH_DNS), so DKIM/SPF/DMARC verification runs over real DNS queries, as it would in live mode.
import { createSocket as udpSocket, type RemoteInfo } from 'node:dgram';

const TYPES = { A: 1, TXT: 16 } as const;
type RecordType = keyof typeof TYPES;
const RCODE_NXDOMAIN = 3;
const RCODE_FORMERR = 1;

/** Records by lower-case name, then type. A name with no records of the asked type answers NODATA; an unknown name NXDOMAIN. */
export class Zone {
  private readonly names = new Map<string, Map<RecordType, string[]>>();

  add(name: string, type: RecordType, value: string): void {
    const key = name.toLowerCase().replace(/\.$/, '');
    const byType = this.names.get(key) ?? new Map<RecordType, string[]>();
    byType.set(type, [...(byType.get(type) ?? []), value]);
    this.names.set(key, byType);
  }

  /** Replaces every record of this name and type. */
  set(name: string, type: RecordType, values: string[]): void {
    const key = name.toLowerCase().replace(/\.$/, '');
    const byType = this.names.get(key) ?? new Map<RecordType, string[]>();
    byType.set(type, values);
    this.names.set(key, byType);
  }

  lookup(name: string, type: number): { exists: boolean; values: string[] } {
    const byType = this.names.get(name.toLowerCase().replace(/\.$/, ''));
    if (!byType) return { exists: false, values: [] };
    const t = (Object.keys(TYPES) as RecordType[]).find((k) => TYPES[k] === type);
    return { exists: true, values: t ? (byType.get(t) ?? []) : [] };
  }
}

interface Question {
  name: string;
  type: number;
  end: number;
}

function readQuestion(msg: Buffer): Question | undefined {
  if (msg.length < 12 || msg.readUInt16BE(4) !== 1) return undefined;
  const labels: string[] = [];
  let i = 12;
  for (;;) {
    const len = msg[i];
    if (len === undefined || len > 63) return undefined; // no compression in a question
    i++;
    if (len === 0) break;
    if (i + len > msg.length) return undefined;
    labels.push(msg.toString('latin1', i, i + len));
    i += len;
  }
  if (i + 4 > msg.length) return undefined;
  return { name: labels.join('.'), type: msg.readUInt16BE(i), end: i + 4 };
}

function rdata(type: number, value: string): Buffer {
  if (type === TYPES.A) return Buffer.from(value.split('.').map(Number));
  // TXT: character-strings of at most 255 bytes each (a DKIM key is longer than one)
  const bytes = Buffer.from(value, 'utf8');
  const parts: Buffer[] = [];
  for (let i = 0; i < bytes.length; i += 255) {
    const chunk = bytes.subarray(i, i + 255);
    parts.push(Buffer.from([chunk.length]), chunk);
  }
  return Buffer.concat(parts.length ? parts : [Buffer.from([0])]);
}

export function answer(zone: Zone, query: Buffer): Buffer | undefined {
  if (query.length < 12) return undefined;
  const id = query.readUInt16BE(0);
  const rd = query.readUInt16BE(2) & 0x0100;
  const q = readQuestion(query);
  const header = Buffer.alloc(12);
  header.writeUInt16BE(id, 0);
  if (!q) {
    header.writeUInt16BE(0x8000 | rd | RCODE_FORMERR, 2);
    return header;
  }
  const found = zone.lookup(q.name, q.type);
  header.writeUInt16BE(0x8400 | rd | (found.exists ? 0 : RCODE_NXDOMAIN), 2); // QR, AA
  header.writeUInt16BE(1, 4);
  header.writeUInt16BE(found.values.length, 6);
  const answers = found.values.map((v) => {
    const data = rdata(q.type, v);
    const rr = Buffer.alloc(12);
    rr.writeUInt16BE(0xc00c, 0); // the name: a pointer to the question's
    rr.writeUInt16BE(q.type, 2);
    rr.writeUInt16BE(1, 4); // IN
    rr.writeUInt32BE(60, 6);
    rr.writeUInt16BE(data.length, 10);
    return Buffer.concat([rr, data]);
  });
  return Buffer.concat([header, query.subarray(12, q.end), ...answers]);
}

export interface DnsServer {
  port: number;
  zone: Zone;
  stop(): Promise<void>;
}

/** Serves `zone` on 127.0.0.1:`port` (0: any free port). */
export async function startDnsServer(opts: { zone?: Zone; port?: number } = {}): Promise<DnsServer> {
  const zone = opts.zone ?? new Zone();
  const socket = udpSocket('udp4');
  socket.on('message', (msg: Buffer, from: RemoteInfo) => {
    const reply = answer(zone, msg);
    if (reply) socket.send(reply, from.port, from.address);
  });
  const port = await new Promise<number>((resolve, reject) => {
    socket.once('error', reject);
    socket.bind(opts.port ?? 0, '127.0.0.1', () => resolve(socket.address().port));
  });
  return {
    port,
    zone,
    stop: () => new Promise<void>((resolve) => socket.close(() => resolve())),
  };
}
