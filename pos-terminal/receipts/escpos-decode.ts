/**
 * Reads ESC/POS bytes back as the text a printer would print: for the file printer's preview and for
 * tests. Understands the commands a receipt uses and skips the other common ones by their length.
 */
import iconv from 'iconv-lite';

export interface DecodedReceipt {
  /** printed lines, in order; a feed gives empty lines */
  lines: string[];
  /** columns each line takes, double-size text counted twice */
  columns: number[];
  /** QR code payloads */
  qr: string[];
  cuts: number;
}

/** Bytes after ESC x / GS x / FS x / DLE x that belong to the command, for fixed-length commands. */
const ESC_PARAMS = new Map<number, number>([
  [0x21, 1],
  [0x2d, 1],
  [0x32, 0],
  [0x33, 1],
  [0x3d, 1],
  [0x40, 0],
  [0x45, 1],
  [0x47, 1],
  [0x4a, 1],
  [0x4d, 1],
  [0x52, 1],
  [0x56, 1],
  [0x61, 1],
  [0x64, 1],
  [0x70, 3],
  [0x74, 1],
  [0x7b, 1],
  [0x42, 2],
]);
const GS_PARAMS = new Map<number, number>([
  [0x21, 1],
  [0x42, 1],
  [0x48, 1],
  [0x66, 1],
  [0x68, 1],
  [0x72, 1],
  [0x77, 1],
]);
const FS_PARAMS = new Map<number, number>([
  [0x21, 1],
  [0x26, 0],
  [0x2d, 1],
  [0x2e, 0],
  [0x43, 1],
  [0x57, 1],
]);

/**
 * Counted from the bytes as the printer does in Chinese mode, not from the text, so that a mistake in
 * the encoder's own column counting shows: a single byte is one column, a GB18030 code (two bytes, or
 * four when the second is a digit) is one double-width glyph.
 */
function printedColumns(bytes: readonly number[]): number {
  let columns = 0;
  let index = 0;
  while (index < bytes.length) {
    const byte = bytes[index] ?? 0;
    if (byte < 0x81 || byte === 0xff) {
      columns += 1;
      index += 1;
    } else {
      const second = bytes[index + 1] ?? 0;
      columns += 2;
      index += second >= 0x30 && second <= 0x39 ? 4 : 2;
    }
  }
  return columns;
}

export function decodeEscPos(bytes: Uint8Array): DecodedReceipt {
  const data = Buffer.from(bytes);
  const lines: string[] = [];
  const columns: number[] = [];
  const qr: string[] = [];
  let cuts = 0;
  let segments: { bytes: number[]; scale: number }[] = [];
  let scale = 1;
  let index = 0;

  const byteAt = (at: number): number => data[at] ?? 0;
  const append = (byte: number): void => {
    const last = segments[segments.length - 1];
    if (last && last.scale === scale) last.bytes.push(byte);
    else segments.push({ bytes: [byte], scale });
  };
  const endLine = (): void => {
    const texts = segments.map((segment) => iconv.decode(Buffer.from(segment.bytes), 'gb18030'));
    lines.push(texts.join(''));
    columns.push(segments.reduce((sum, segment) => sum + printedColumns(segment.bytes) * segment.scale, 0));
    segments = [];
  };
  const flush = (): void => {
    if (segments.length > 0) endLine();
  };

  while (index < data.length) {
    const byte = byteAt(index);
    const command = byteAt(index + 1);
    if (byte === 0x0a) {
      endLine();
      index += 1;
    } else if (byte === 0x0d || byte === 0x09 || byte === 0x00) {
      index += 1;
    } else if (byte === 0x10) {
      index += command === 0x04 || command === 0x05 ? 3 : 2;
    } else if (byte === 0x1b) {
      if (command === 0x64 || command === 0x4a) {
        flush();
        const feedLines = command === 0x64 ? byteAt(index + 2) : 0;
        for (let i = 0; i < feedLines; i += 1) endLine();
      }
      index += 2 + (ESC_PARAMS.get(command) ?? 0);
    } else if (byte === 0x1c) {
      index += 2 + (FS_PARAMS.get(command) ?? 0);
    } else if (byte === 0x1d) {
      if (command === 0x21) {
        scale = ((byteAt(index + 2) >> 4) & 0x07) + 1;
        index += 3;
      } else if (command === 0x56) {
        flush();
        cuts += 1;
        const mode = byteAt(index + 2);
        index += mode >= 65 ? 4 : 3;
      } else if (command === 0x28) {
        const length = byteAt(index + 3) + byteAt(index + 4) * 256;
        const body = data.subarray(index + 5, index + 5 + length);
        if (byteAt(index + 2) === 0x6b && body[0] === 0x31 && body[1] === 0x50) {
          qr.push(body.subarray(3).toString('utf8'));
        }
        index += 5 + length;
      } else {
        index += 2 + (GS_PARAMS.get(command) ?? 0);
      }
    } else {
      append(byte);
      index += 1;
    }
  }
  flush();
  return { lines, columns, qr, cuts };
}
