/**
 * A network receipt printer for tests: listens on 127.0.0.1, keeps the bytes of every job (one TCP
 * connection = one job) and answers real-time status requests (DLE EOT n) the way an
 * Epson-compatible printer does.
 */
import net from 'node:net';

export type FakePrinterMode =
  /** prints and answers status */
  | 'ready'
  /** answers status with "paper end"; bytes sent are not printed */
  | 'paper-out'
  /** not listening: connections are refused */
  | 'refusing'
  /** accepts connections and never answers, like a hung printer */
  | 'silent';

export interface FakePrinter {
  readonly host: string;
  readonly port: number;
  /** the print data (status requests removed) of each job printed */
  readonly jobs: Buffer[];
  /** print data that arrived while the printer could not print */
  readonly discarded: Buffer[];
  /** how many status requests it answered */
  readonly statusRequests: number;
  /** how many connections it has accepted (a terminal printing or asking for status) */
  readonly connections: number;
  mode(): FakePrinterMode;
  setMode(mode: FakePrinterMode): Promise<void>;
  waitForJobs(count: number, timeoutMs?: number): Promise<void>;
  close(): Promise<void>;
}

/** DLE EOT n answers: fixed bits 0xx1xx10, plus offline (n=1, bit 3), paper end (n=2 bit 5, n=4 bits 5-6). */
function statusByte(request: number, paperOut: boolean): number {
  const base = 0x12;
  if (!paperOut) return base;
  if (request === 1) return base | 0x08;
  if (request === 2) return base | 0x20;
  if (request === 4) return base | 0x60;
  return base;
}

export async function startFakePrinter(): Promise<FakePrinter> {
  const host = '127.0.0.1';
  let current: FakePrinterMode = 'ready';
  let statusRequests = 0;
  let connections = 0;
  const jobs: Buffer[] = [];
  const discarded: Buffer[] = [];
  const sockets = new Set<net.Socket>();
  const jobListeners = new Set<() => void>();

  const server = net.createServer((socket) => {
    connections += 1;
    sockets.add(socket);
    const printData: number[] = [];
    let pending = Buffer.alloc(0);
    socket.on('data', (chunk: Buffer) => {
      if (current === 'silent') return;
      pending = Buffer.concat([pending, chunk]);
      let index = 0;
      while (index < pending.length) {
        if (pending[index] === 0x10 && pending[index + 1] === 0x04) {
          if (index + 2 >= pending.length) break;
          statusRequests += 1;
          socket.write(Buffer.from([statusByte(pending[index + 2] ?? 0, current === 'paper-out')]));
          index += 3;
        } else if (pending[index] === 0x10 && index + 1 >= pending.length) {
          break;
        } else {
          printData.push(pending[index] ?? 0);
          index += 1;
        }
      }
      pending = pending.subarray(index);
    });
    socket.on('error', () => undefined);
    socket.on('close', () => {
      sockets.delete(socket);
      if (printData.length === 0) return;
      (current === 'ready' ? jobs : discarded).push(Buffer.from(printData));
      for (const listener of jobListeners) listener();
    });
  });

  const listen = (port: number): Promise<void> =>
    new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
  const stopListening = (): Promise<void> =>
    new Promise((resolve) => {
      server.close(() => resolve());
      for (const socket of sockets) socket.destroy();
    });

  await listen(0);
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('fake printer has no port');
  const port = address.port;

  return {
    host,
    port,
    jobs,
    discarded,
    get statusRequests() {
      return statusRequests;
    },
    get connections() {
      return connections;
    },
    mode: () => current,
    async setMode(mode) {
      const wasListening = current !== 'refusing';
      current = mode;
      if (mode === 'refusing' && wasListening) await stopListening();
      if (mode !== 'refusing' && !wasListening) await listen(port);
    },
    waitForJobs(count, timeoutMs = 5000) {
      return new Promise((resolve, reject) => {
        const check = (): void => {
          if (jobs.length < count) return;
          clearTimeout(timer);
          jobListeners.delete(check);
          resolve();
        };
        const timer = setTimeout(() => {
          jobListeners.delete(check);
          reject(new Error(`fake printer got ${jobs.length} jobs, expected ${count}`));
        }, timeoutMs);
        jobListeners.add(check);
        check();
      });
    },
    async close() {
      if (current !== 'refusing') await stopListening();
      current = 'refusing';
    },
  };
}
