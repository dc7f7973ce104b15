import { existsSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { freePort } from '../../local/support/ports';

// A free port for a server to listen on: one that can be listened on, and (on Linux) below the range
// the kernel gives outgoing connections, so that no connection takes it before the server listens.

const RANGE = '/proc/sys/net/ipv4/ip_local_port_range';

test('a free port can be listened on, and lies below the ephemeral range', async () => {
  const ports = await Promise.all(Array.from({ length: 20 }, () => freePort()));
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(ports[0], '127.0.0.1', resolve));
  server.close();

  expect(new Set(ports).size).toBeGreaterThan(1);
  if (existsSync(RANGE)) {
    const low = Number(readFileSync(RANGE, 'utf8').trim().split(/\s+/)[0]);
    expect(ports.filter((port) => port >= low)).toEqual([]);
  }
});
