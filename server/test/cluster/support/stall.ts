// A TCP relay between one instance and Redis that a test can stall: while held, bytes in either
// direction wait in the relay (the connections stay open, as on a congested network or a Redis
// stuck for one client), so that instance alone misses REDIS_TIMEOUT_MS and goes local-only
// while the others stay up. Released, everything held flows on in order.
import { createServer, connect as tcpConnect, type Server, type Socket } from 'node:net';
import { freePort } from '../../deploy/support/poll.js';

export interface StallableLink {
  /** `redis://127.0.0.1:<port>`: what the stalled instance gets as REDIS_URL. */
  readonly url: string;
  hold(): void;
  release(): void;
  close(): Promise<void>;
}

export async function stallableLink(redisPort: number): Promise<StallableLink> {
  const port = await freePort();
  let holding = false;
  const pipes = new Set<{ flush(): void; destroy(): void }>();

  const server: Server = createServer((client: Socket) => {
    const upstream = tcpConnect({ host: '127.0.0.1', port: redisPort });
    const held: Array<[Socket, Buffer]> = [];
    const forward = (to: Socket) => (data: Buffer) => {
      if (holding) held.push([to, data]);
      else to.write(data);
    };
    client.on('data', forward(upstream));
    upstream.on('data', forward(client));
    const pipe = {
      flush: () => {
        for (const [to, data] of held.splice(0)) to.write(data);
      },
      destroy: () => {
        client.destroy();
        upstream.destroy();
      },
    };
    pipes.add(pipe);
    const end = (): void => {
      pipes.delete(pipe);
      pipe.destroy();
    };
    client.on('close', end).on('error', end);
    upstream.on('close', end).on('error', end);
  });
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));

  return {
    url: `redis://127.0.0.1:${port}`,
    hold: () => {
      holding = true;
    },
    release: () => {
      holding = false;
      for (const p of pipes) p.flush();
    },
    close: async () => {
      for (const p of pipes) p.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
