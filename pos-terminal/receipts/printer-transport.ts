/**
 * Where receipt bytes go: a network printer (raw TCP, port 9100), a USB printer's device file, or a
 * folder (for a counter without a printer, and for tests).
 */
import { constants, mkdir, open, readdir, writeFile } from 'node:fs/promises';
import net from 'node:net';
import path from 'node:path';
import { decodeEscPos } from './escpos-decode.ts';

export type PrinterStatus = 'ready' | 'offline' | 'paper-out';

export interface PrinterTransport {
  readonly description: string;
  /** Rejects when the bytes could not be handed to the printer. */
  send(bytes: Buffer): Promise<void>;
  /** Never rejects: a printer that cannot be asked is offline. */
  status(): Promise<PrinterStatus>;
}

export class PrinterUnavailableError extends Error {
  override readonly name = 'PrinterUnavailableError';
}

/** DLE EOT 1 (printer status) then DLE EOT 4 (roll paper sensor): both answered in real time. */
export const STATUS_REQUEST = Buffer.from([0x10, 0x04, 0x01, 0x10, 0x04, 0x04]);

/**
 * Real-time status bytes have the fixed pattern 0xx1xx10; a byte without it is not an answer.
 * Paper end is bits 5–6 of the paper-sensor byte; bit 3 of the printer-status byte is "offline"
 * (cover open, paper end, error).
 */
export function statusFromReplies(printer: number, paper: number): PrinterStatus {
  const isStatusByte = (byte: number): boolean => (byte & 0x93) === 0x12;
  if (!isStatusByte(printer) || !isStatusByte(paper)) return 'offline';
  if ((paper & 0x60) !== 0) return 'paper-out';
  if ((printer & 0x08) !== 0) return 'offline';
  return 'ready';
}

export function tcpPrinter(options: { host: string; port?: number; timeoutMs?: number }): PrinterTransport {
  const host = options.host;
  const port = options.port ?? 9100;
  const timeoutMs = options.timeoutMs ?? 1500;
  return {
    description: `tcp://${host}:${port}`,
    send: (bytes) => sendOverTcp(host, port, bytes, timeoutMs),
    status: () => askTcpStatus(host, port, timeoutMs),
  };
}

function sendOverTcp(host: string, port: number, bytes: Buffer, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = net.connect({ host, port });
    let settled = false;
    const settle = (error: Error | null): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) {
        socket.destroy();
        reject(error);
      } else {
        resolve();
      }
    };
    const timer = setTimeout(
      () =>
        settle(new PrinterUnavailableError(`${host}:${port} did not take the receipt in ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('error', (error) => settle(new PrinterUnavailableError(`${host}:${port}: ${error.message}`)));
    socket.on('connect', () => {
      // Ending (not destroying) lets the kernel deliver every byte before the FIN; the printer closes
      // its side when it has read the job.
      socket.end(bytes, () => settle(null));
      socket.resume();
      setTimeout(() => socket.destroy(), 10_000).unref();
    });
  });
}

function askTcpStatus(host: string, port: number, timeoutMs: number): Promise<PrinterStatus> {
  return new Promise((resolve) => {
    const socket = net.connect({ host, port });
    let replies = Buffer.alloc(0);
    let settled = false;
    const settle = (status: PrinterStatus): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      resolve(status);
    };
    const timer = setTimeout(() => settle('offline'), timeoutMs);
    socket.on('error', () => settle('offline'));
    socket.on('close', () => settle('offline'));
    socket.on('connect', () => socket.write(STATUS_REQUEST));
    socket.on('data', (chunk: Buffer) => {
      replies = Buffer.concat([replies, chunk]);
      if (replies.length >= 2) settle(statusFromReplies(replies[0] ?? 0, replies[1] ?? 0));
    });
  });
}

/**
 * A USB printer through the kernel's usblp driver (/dev/usb/lp0). Reading status back through it is
 * unreliable across printers and a blocked read would tie up a thread, so status only tells whether
 * the device is there and writable: paper-out is not seen here.
 */
export function devicePrinter(options: { path: string; timeoutMs?: number }): PrinterTransport {
  const devicePath = options.path;
  const timeoutMs = options.timeoutMs ?? 1500;
  return {
    description: `device:${devicePath}`,
    async send(bytes) {
      const write = (async () => {
        const handle = await open(devicePath, constants.O_WRONLY | constants.O_APPEND);
        try {
          await handle.write(bytes);
        } finally {
          await handle.close();
        }
      })();
      await withTimeout(write, timeoutMs, `${devicePath} did not take the receipt in ${timeoutMs} ms`);
    },
    async status() {
      try {
        const handle = await open(devicePath, constants.O_WRONLY | constants.O_APPEND | constants.O_NONBLOCK);
        await handle.close();
        return 'ready';
      } catch {
        return 'offline';
      }
    },
  };
}

async function withTimeout<T>(work: Promise<T>, timeoutMs: number, message: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new PrinterUnavailableError(message)), timeoutMs);
  });
  try {
    return await Promise.race([work, timeout]);
  } catch (error) {
    throw error instanceof PrinterUnavailableError ? error : new PrinterUnavailableError(String(error));
  } finally {
    clearTimeout(timer);
  }
}

/** Writes each job as NNNN.bin (the bytes) and NNNN.txt (the text it would print). */
export function filePrinter(options: { dir: string }): PrinterTransport {
  const dir = options.dir;
  let next: number | null = null;
  let writing: Promise<void> = Promise.resolve();
  const nextNumber = async (): Promise<number> => {
    if (next === null) {
      await mkdir(dir, { recursive: true });
      const numbers = (await readdir(dir))
        .map((name) => /^(\d+)\.bin$/.exec(name)?.[1])
        .filter((digits): digits is string => digits !== undefined)
        .map(Number);
      next = Math.max(0, ...numbers) + 1;
    }
    const number = next;
    next += 1;
    return number;
  };
  return {
    description: `file:${dir}`,
    send(bytes) {
      const job = writing.then(async () => {
        const name = String(await nextNumber()).padStart(4, '0');
        const decoded = decodeEscPos(bytes);
        const preview = [...decoded.lines, ...decoded.qr.map((data) => `[QR ${data}]`)];
        if (decoded.cuts > 0) preview.push('[cut]');
        await writeFile(path.join(dir, `${name}.bin`), bytes);
        await writeFile(path.join(dir, `${name}.txt`), `${preview.join('\n')}\n`, 'utf8');
      });
      writing = job.catch(() => undefined);
      return job.catch((error: unknown) => {
        throw new PrinterUnavailableError(`${dir}: ${String(error)}`);
      });
    },
    async status() {
      try {
        await mkdir(dir, { recursive: true });
        return 'ready';
      } catch {
        return 'offline';
      }
    },
  };
}
