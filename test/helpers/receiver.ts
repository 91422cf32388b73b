// A client's webhook endpoint for tests: a real HTTP server on loopback that keeps every request it got
// (and counts bare TCP connections, for attacks that must not even connect).
import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import { freePort } from './stack';

export interface Received {
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
}

export interface Receiver {
  url: string;
  port: number;
  received: Received[];
  /** TCP connections accepted (an HTTPS attempt counts here even though it cannot be read as HTTP). */
  connections: number;
  /** Resolves with the next request (or the n-th overall), failing after `ms`. */
  next(n?: number, ms?: number): Promise<Received>;
  close(): Promise<void>;
}

export async function startReceiver(opts: { host?: string; status?: number } = {}): Promise<Receiver> {
  const host = opts.host ?? '127.0.0.1';
  const port = await freePort();
  const r: Receiver = {
    url: `http://${host}:${port}`,
    port,
    received: [],
    connections: 0,
    async next(n = r.received.length + 1, ms = 45_000) {
      const until = Date.now() + ms;
      while (r.received.length < n) {
        if (Date.now() > until) throw new Error(`no request number ${n} reached ${r.url} within ${ms} ms`);
        await new Promise((res) => setTimeout(res, 100));
      }
      return r.received[n - 1]!;
    },
    async close() {
      server.closeAllConnections();
      await new Promise((res) => server.close(res));
    },
  };
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (c: Buffer) => (body += c.toString()));
    req.on('end', () => {
      r.received.push({ path: req.url ?? '', headers: req.headers, body });
      res.statusCode = opts.status ?? 204;
      res.end();
    });
  });
  server.on('connection', () => r.connections++);
  await new Promise<void>((res) => server.listen(port, host, res));
  return r;
}
