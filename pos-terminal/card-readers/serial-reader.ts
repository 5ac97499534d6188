import { SerialPort } from 'serialport';
import { BaseCardReader, type DebounceOptions } from './card-reader.ts';
import { createLineParser, createLineSplitter, type SerialLineFormat } from './serial-line-format.ts';

export type { SerialLineFormat } from './serial-line-format.ts';

export interface SerialReaderOptions extends DebounceOptions {
  /** e.g. '/dev/ttyUSB0' or '/dev/serial/by-id/…', which survives replugging into another port. */
  path: string;
  /** Default 9600, what most desk readers ship with. */
  baudRate?: number;
  format?: SerialLineFormat;
  /** Pause between attempts to reopen a missing or unplugged reader. Default 2000 ms. */
  reconnectMs?: number;
}

/** A reader on a serial port (RS-232 or USB-serial) that prints one card UID per line. */
export class SerialReader extends BaseCardReader {
  readonly kind = 'serial';
  readonly description: string;

  readonly #path: string;
  readonly #baudRate: number;
  readonly #delimiter: string | undefined;
  readonly #parseLine: (line: string) => string | null;
  readonly #reconnectMs: number;
  #running = false;
  #port: SerialPort | null = null;
  #retry: NodeJS.Timeout | null = null;

  constructor(options: SerialReaderOptions) {
    super(options);
    this.#path = options.path;
    this.#baudRate = options.baudRate ?? 9600;
    this.#delimiter = options.format?.delimiter;
    // A bad pattern is a configuration error: refuse it now rather than ignore every card later.
    this.#parseLine = createLineParser(options.format);
    this.#reconnectMs = options.reconnectMs ?? 2000;
    this.description = `serial reader on ${this.#path} at ${this.#baudRate} baud`;
  }

  async start(): Promise<void> {
    if (this.#running) return;
    this.#running = true;
    await this.#connect();
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    const port = this.#port;
    this.#port = null;
    if (port?.isOpen) await new Promise<void>((resolve) => port.close(() => resolve()));
    this.setStatus('disconnected');
  }

  #connect(): Promise<void> {
    this.#retry = null;
    const port = new SerialPort({ path: this.#path, baudRate: this.#baudRate, autoOpen: false });
    return new Promise((resolve) => {
      port.open((error) => {
        if (error) {
          this.#scheduleReconnect();
        } else if (!this.#running) {
          port.close();
        } else {
          this.#attach(port);
        }
        resolve();
      });
    });
  }

  #attach(port: SerialPort): void {
    this.#port = port;
    const split = createLineSplitter(this.#delimiter);
    port.on('data', (chunk: Buffer) => {
      // latin1 maps each byte to one character, so a chunk boundary never breaks a character.
      for (const line of split(chunk.toString('latin1'))) {
        const uid = this.#parseLine(line);
        if (uid !== null) this.emitCard(uid);
      }
    });
    const lost = () => this.#lost(port);
    port.on('close', lost);
    port.on('end', lost);
    port.on('error', lost);
    this.setStatus('connected');
  }

  #lost(port: SerialPort): void {
    if (this.#port !== port) return;
    this.#port = null;
    if (port.isOpen) port.close();
    this.setStatus('disconnected');
    this.#scheduleReconnect();
  }

  #scheduleReconnect(): void {
    if (!this.#running || this.#retry !== null) return;
    this.#retry = setTimeout(() => void this.#connect(), this.#reconnectMs);
  }
}
