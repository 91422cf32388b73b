// A loopback TCP proxy for fault drills: clients connect to it instead of the server, and the drill
// severs every open connection on demand, as a network drop would. Nothing is parsed or rewritten.
import { connect, createServer, type Socket } from 'node:net';

export interface TcpProxy {
  readonly port: number;
  /** Client connections accepted so far. */
  readonly connections: number;
  /** Cuts that severed at least one connection (a cut with nothing open does not count). */
  readonly cuts: number;
  /** Connection pairs open now. */
  readonly open: number;
  /** Destroys every open client+upstream pair with a reset; returns how many were severed. */
  cutAll(): number;
  /**
   * Arms a cut inside a server response: the first upstream chunk `match` accepts is forwarded only
   * halfway, then every pair is closed. Resolves when that has happened.
   */
  cutOnUpstream(match: (chunk: Buffer) => boolean): Promise<void>;
  /** Holds what clients send (kept, not forwarded), as a server that has stopped reading would; `release` sends it on. */
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

/** `listenPort`: the port to listen on (default any free one), e.g. one a client was configured with before. */
export async function startTcpProxy(upstreamPort: number, listenPort = 0): Promise<TcpProxy> {
  const pairs = new Set<[Socket, Socket]>();
  let connections = 0;
  let cuts = 0;
  let armed: { match: (chunk: Buffer) => boolean; done: () => void } | undefined;
  let held: (() => void)[] | undefined;

  const sever = (how: 'reset' | 'close'): number => {
    const n = pairs.size;
    for (const pair of pairs) for (const s of pair) (how === 'reset' ? s.resetAndDestroy() : s.destroy());
    pairs.clear();
    if (n) cuts++;
    return n;
  };

  const server = createServer((client) => {
    connections++;
    const upstream = connect({ host: '127.0.0.1', port: upstreamPort });
    const pair: [Socket, Socket] = [client, upstream];
    pairs.add(pair);
    const drop = () => {
      pairs.delete(pair);
      client.destroy();
      upstream.destroy();
    };
    // either side ending on its own (logout, server restart) ends the pair, as a real connection would
    for (const s of pair) s.once('close', drop).on('error', drop);
    client.on('data', (chunk: Buffer) => {
      const forward = () => {
        if (!upstream.write(chunk)) {
          client.pause();
          upstream.once('drain', () => client.resume());
        }
      };
      if (held) held.push(forward);
      else forward();
    });
    upstream.on('data', (chunk: Buffer) => {
      const trigger = armed;
      if (trigger?.match(chunk)) {
        armed = undefined;
        client.write(chunk.subarray(0, Math.ceil(chunk.length / 2)), () => {
          sever('close'); // a close, not a reset, so the half already sent does reach the client
          trigger.done();
        });
        return;
      }
      if (!client.write(chunk)) {
        upstream.pause();
        client.once('drain', () => upstream.resume());
      }
    });
  });
  server.unref();
  const port = await new Promise<number>((resolve, reject) => {
    server.once('error', reject);
    server.listen(listenPort, '127.0.0.1', () => resolve((server.address() as { port: number }).port));
  });

  return {
    port,
    get connections() {
      return connections;
    },
    get cuts() {
      return cuts;
    },
    get open() {
      return pairs.size;
    },
    cutAll: () => sever('reset'),
    cutOnUpstream: (match) => new Promise<void>((done) => (armed = { match, done })),
    hold() {
      held ??= [];
    },
    release() {
      const waiting = held ?? [];
      held = undefined;
      for (const forward of waiting) forward();
    },
    async close() {
      armed = undefined;
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        sever('close');
      });
    },
  };
}
