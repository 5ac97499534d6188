import { once } from 'node:events';
import net from 'node:net';

export type NetworkMode =
  /** connections pass both ways */
  | 'up'
  /** nothing listens: connections are refused, a request certainly never arrives */
  | 'down'
  /** requests reach the service, its answers are lost on the way back */
  | 'answers-lost';

/** A TCP hop between a terminal and the service that tests can cut, like a canteen's network. */
export async function flakyNetwork(target: { host: string; port: number }) {
  let mode: NetworkMode = 'up';
  const sockets = new Set<net.Socket>();
  let server: net.Server | null = null;
  let port = 0;
  const listen = async () => {
    server = net.createServer((client) => {
      const upstream = net.connect(target.port, target.host);
      sockets.add(client).add(upstream);
      client.pipe(upstream);
      upstream.on('data', (chunk) => {
        if (mode === 'up') client.write(chunk);
      });
      const close = () => {
        client.destroy();
        upstream.destroy();
        sockets.delete(client);
        sockets.delete(upstream);
      };
      client.on('error', close).on('close', close);
      upstream.on('error', close).on('close', close);
    });
    server.listen(port, '127.0.0.1');
    await once(server, 'listening');
    port = (server.address() as net.AddressInfo).port;
  };
  await listen();
  const stopListening = async () => {
    const closing = server;
    server = null;
    for (const socket of sockets) socket.destroy();
    sockets.clear();
    if (closing) await new Promise((resolve) => closing.close(resolve));
  };
  return {
    get url() {
      return `http://127.0.0.1:${port}`;
    },
    async set(next: NetworkMode) {
      mode = next;
      if (next === 'down') await stopListening();
      else if (!server) await listen();
    },
    close: stopListening,
  };
}
