import { existsSync } from 'node:fs';
import { BaseCardReader, type DebounceOptions } from './card-reader.ts';

// nfc-pcsc is optional and not in package.json: it compiles against libpcsclite-dev, and
// `new NFC()` blocks the whole process while the pcscd daemon is not running. So it is loaded
// only when a PC/SC reader is configured, and only once pcscd's socket exists.

/** The few parts of nfc-pcsc used here. */
interface PcscDevice {
  readonly name: string;
  autoProcessing: boolean;
  transmit(command: Buffer, responseMaxLength: number): Promise<Buffer>;
  close(): void;
  on(event: 'card', listener: (card: unknown) => void): unknown;
  on(event: 'end', listener: () => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
}
interface Nfc {
  on(event: 'reader', listener: (device: PcscDevice) => void): unknown;
  on(event: 'error', listener: (error: Error) => void): unknown;
  close(): void;
}
type NfcConstructor = new () => Nfc;

export interface PcscReaderOptions extends DebounceOptions {
  /** Use only PC/SC readers whose name contains this (e.g. 'ACR122'). Default: every reader. */
  readerName?: string;
  /** How often to look for the pcscd daemon while it is not running. Default 2000 ms. */
  reconnectMs?: number;
  /** pcscd's socket; libpcsclite honours PCSCLITE_CSOCK_NAME too. */
  pcscdSocket?: string;
  /** Loads nfc-pcsc; replaced in tests. */
  loadModule?: () => Promise<unknown>;
}

const NFC_PCSC = 'nfc-pcsc';
// PC/SC "GET DATA" pseudo-APDU: the UID of any contactless card, also of ISO 14443-4 cards
// (social-security cards), which nfc-pcsc's own processing would reject without an AID.
const GET_UID = Buffer.from([0xff, 0xca, 0x00, 0x00, 0x00]);

export class PcscReader extends BaseCardReader {
  readonly kind = 'pcsc';
  readonly description: string;

  readonly #readerName: string | undefined;
  readonly #reconnectMs: number;
  readonly #pcscdSocket: string;
  readonly #loadModule: () => Promise<unknown>;
  readonly #devices = new Set<PcscDevice>();
  #nfc: Nfc | null = null;
  #running = false;
  #retry: NodeJS.Timeout | null = null;

  constructor(options: PcscReaderOptions = {}) {
    super(options);
    this.#readerName = options.readerName;
    this.#reconnectMs = options.reconnectMs ?? 2000;
    this.#pcscdSocket = options.pcscdSocket ?? process.env.PCSCLITE_CSOCK_NAME ?? '/run/pcscd/pcscd.comm';
    // A variable specifier, so that neither tsc nor a bundler looks for the package up front.
    this.#loadModule = options.loadModule ?? (() => import(NFC_PCSC));
    this.description =
      this.#readerName === undefined ? 'PC/SC reader' : `PC/SC reader matching "${this.#readerName}"`;
  }

  /** Rejects when nfc-pcsc cannot be loaded; waits, 'disconnected', while pcscd is not running. */
  async start(): Promise<void> {
    if (this.#running) return;
    const NFC = await this.#load();
    this.#running = true;
    this.#connect(NFC);
  }

  async stop(): Promise<void> {
    this.#running = false;
    if (this.#retry !== null) clearTimeout(this.#retry);
    this.#retry = null;
    for (const device of this.#devices) device.close();
    this.#devices.clear();
    this.#nfc?.close();
    this.#nfc = null;
    this.setStatus('disconnected');
  }

  async #load(): Promise<NfcConstructor> {
    let loaded: unknown;
    try {
      loaded = await this.#loadModule();
    } catch (error) {
      throw new Error(
        `PC/SC card reader: the optional package nfc-pcsc could not be loaded (${(error as Error).message}). ` +
          'It is not installed with the terminal: install the PC/SC library and daemon ' +
          '(apt-get install libpcsclite-dev pcscd), then run `npm install nfc-pcsc`, ' +
          "or configure another reader kind ('serial' or 'keyboard').",
        { cause: error },
      );
    }
    const mod = loaded as { NFC?: unknown; default?: { NFC?: unknown } };
    const NFC = mod.NFC ?? mod.default?.NFC;
    if (typeof NFC !== 'function') throw new Error('PC/SC card reader: nfc-pcsc does not export NFC');
    return NFC as NfcConstructor;
  }

  #connect(NFC: NfcConstructor): void {
    this.#retry = null;
    if (!this.#running) return;
    if (!existsSync(this.#pcscdSocket)) {
      this.#retry = setTimeout(() => this.#connect(NFC), this.#reconnectMs);
      return;
    }
    const nfc = new NFC();
    this.#nfc = nfc;
    // pcscd reports readers plugged in later, and again after replugging: no polling needed here.
    nfc.on('reader', (device) => this.#attach(device));
    nfc.on('error', (error) => console.error('PC/SC:', error.message));
  }

  #attach(device: PcscDevice): void {
    if (this.#readerName !== undefined && !device.name.includes(this.#readerName)) return;
    device.autoProcessing = false;
    this.#devices.add(device);
    device.on('card', () => void this.#readUid(device));
    device.on('error', (error) => console.error(`PC/SC ${device.name}:`, error.message));
    device.on('end', () => {
      this.#devices.delete(device);
      if (this.#devices.size === 0) this.setStatus('disconnected');
    });
    this.setStatus('connected');
  }

  async #readUid(device: PcscDevice): Promise<void> {
    try {
      const response = await device.transmit(GET_UID, 40);
      const ok = response.length > 2 && response.at(-2) === 0x90 && response.at(-1) === 0x00;
      if (ok) this.emitCard(response.subarray(0, -2).toString('hex'));
      else console.error(`PC/SC ${device.name}: card did not answer with its UID`);
    } catch (error) {
      // The card was lifted too early; the elder taps again.
      console.error(`PC/SC ${device.name}:`, (error as Error).message);
    }
  }
}
