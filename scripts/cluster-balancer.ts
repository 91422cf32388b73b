// The load balancer in front of the cluster's API processes: one loopback port, each TCP connection handed
// to the next API process in turn (WebSocket media streams included, as they are one connection), skipping
// a process that refuses the connection — what a cloud load balancer does for the API in production.
import { connect, createServer, type Server, type Socket } from 'node:net';

export interface Balancer {
  port: number;
  /** Connections handed to each backend port so far. */
  handed: Map<number, number>;
  close(): Promise<void>;
}

export async function startBalancer(port: number, backends: number[], host = '127.0.0.1'): Promise<Balancer> {
  const handed = new Map(backends.map((b) => [b, 0]));
  const open = new Set<Socket>();
  let next = 0;
  const server: Server = createServer((client) => {
    open.add(client);
    client.once('close', () => open.delete(client));
    client.pause();
    const attempt = (tries: number) => {
      if (tries >= backends.length) return client.destroy(); // every API process refused: the caller sees a reset, as behind a real balancer
      const backend = backends[next++ % backends.length]!;
      const upstream = connect({ port: backend, host });
      let connected = false;
      upstream.once('connect', () => {
        connected = true;
        handed.set(backend, (handed.get(backend) ?? 0) + 1);
        open.add(upstream);
        upstream.once('close', () => open.delete(upstream));
        client.pipe(upstream).pipe(client);
        client.resume();
        upstream.on('error', () => client.destroy());
        client.on('error', () => upstream.destroy());
      });
      upstream.once('error', () => {
        if (!connected) attempt(tries + 1);
      });
    };
    attempt(0);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  return {
    port,
    handed,
    async close() {
      for (const s of open) s.destroy();
      await new Promise((r) => server.close(r));
    },
  };
}
