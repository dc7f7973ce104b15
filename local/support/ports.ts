import { readFileSync } from 'node:fs';
import { createServer } from 'node:net';

/** Whether the port can be listened on now, on the loopback interface. */
const bindable = (port: number): Promise<number | undefined> =>
  new Promise((resolve) => {
    const server = createServer();
    server.unref();
    server.once('error', () => resolve(undefined));
    server.listen(port, '127.0.0.1', () => {
      const { port: bound } = server.address() as { port: number };
      server.close(() => resolve(bound));
    });
  });

/**
 * The ports below the kernel's ephemeral range (Linux: `ip_local_port_range`, 32768 and up). A port the
 * kernel hands out itself (listen on 0) is one it may give to any outgoing connection between our check
 * and the real listen, which a machine busy with tests does ("Port … is already in use"); a port below
 * that range is only ever taken by a listener.
 */
const belowEphemeral = (): { from: number; to: number } | undefined => {
  try {
    const [low] = readFileSync('/proc/sys/net/ipv4/ip_local_port_range', 'utf8').trim().split(/\s+/).map(Number);
    return low && low > 11_000 ? { from: 10_000, to: low - 1 } : undefined;
  } catch {
    return undefined;
  }
};

/** A free TCP port on the loopback interface, outside the ephemeral range where there is one. */
export const freePort = async (): Promise<number> => {
  const range = belowEphemeral();
  for (let attempt = 0; range && attempt < 50; attempt++) {
    const port = await bindable(range.from + Math.floor(Math.random() * (range.to - range.from + 1)));
    if (port !== undefined) return port;
  }
  const port = await bindable(0);
  if (port === undefined) throw new Error('No free port on 127.0.0.1');
  return port;
};
