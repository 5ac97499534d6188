import { connect } from 'node:net';

/**
 * The raw text a server sent on one connection, once the server has closed it: the request's head,
 * then (after `pauseMs`) its body, written as given, so that lying lengths and endless bodies can be sent.
 */
export function rawExchange(url: string, head: string, body: Buffer | string, pauseMs = 0): Promise<string> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = connect(Number(port), hostname);
    const received: Buffer[] = [];
    const timer = setTimeout(() => {
      socket.destroy();
      reject(new Error('the server left the connection open'));
    }, 5_000);
    socket.on('data', (chunk) => received.push(chunk));
    // A reset after the answer is fine: the server stopped reading what it had refused.
    socket.on('error', () => {});
    socket.on('close', () => {
      clearTimeout(timer);
      resolve(Buffer.concat(received).toString('utf8'));
    });
    socket.write(head);
    setTimeout(() => socket.write(body), pauseMs);
  });
}
