/**
 * Lays a receipt model out for the paper width and encodes it as ESC/POS bytes for an
 * Epson-compatible Chinese printer (GB18030 / code page 936). Pure.
 */
import iconv from 'iconv-lite';
import type { ReceiptLine, ReceiptModel } from './receipt-model.ts';

export type PaperWidth = 58 | 80;

/** Font A columns: 58 mm paper prints 384 dots = 32 × 12, 80 mm prints 576 dots = 48 × 12. */
export function columnsFor(width: PaperWidth): number {
  return width === 58 ? 32 : 48;
}

const ESC = 0x1b;
const GS = 0x1d;
const FS = 0x1c;
const LF = 0x0a;

export const commands = {
  initialize: Buffer.from([ESC, 0x40]),
  /** FS &: Chinese character mode, so double-byte GB18030 codes print as one 2-column glyph */
  chineseMode: Buffer.from([FS, 0x26]),
  align: (align: 'left' | 'center' | 'right'): Buffer =>
    Buffer.from([ESC, 0x61, align === 'left' ? 0 : align === 'center' ? 1 : 2]),
  bold: (on: boolean): Buffer => Buffer.from([ESC, 0x45, on ? 1 : 0]),
  /** GS ! rather than ESC !: ESC ! leaves Chinese characters at normal size. */
  size: (large: boolean): Buffer => Buffer.from([GS, 0x21, large ? 0x11 : 0x00]),
  feed: (lines: number): Buffer => Buffer.from([ESC, 0x64, Math.max(0, Math.min(255, Math.trunc(lines)))]),
  /** GS V B n: feed to the cutter plus n lines, then a partial cut */
  feedAndCut: (lines: number): Buffer => Buffer.from([GS, 0x56, 0x42, lines]),
  qr(data: string, cellSize: number): Buffer {
    const payload = Buffer.from(data, 'utf8');
    const stored = payload.length + 3;
    return Buffer.concat([
      Buffer.from([GS, 0x28, 0x6b, 0x04, 0x00, 0x31, 0x41, 0x32, 0x00]), // model 2
      Buffer.from([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x43, cellSize]),
      Buffer.from([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x45, 0x31]), // error correction M
      Buffer.from([GS, 0x28, 0x6b, stored % 256, Math.floor(stored / 256), 0x31, 0x50, 0x30]),
      payload,
      Buffer.from([GS, 0x28, 0x6b, 0x03, 0x00, 0x31, 0x51, 0x30]), // print the stored symbol
    ]);
  },
} as const;

/**
 * Columns a text takes on the printer in Chinese mode: ASCII takes one, and every other character is
 * encoded as a multi-byte GB18030 code that the printer draws as one double-width glyph (this
 * includes CJK, full-width punctuation, ￥ and symbols such as × or ·).
 */
export function displayWidth(text: string): number {
  let columns = 0;
  for (const char of text) columns += charWidth(char);
  return columns;
}

function charWidth(char: string): number {
  const code = char.codePointAt(0) ?? 0;
  if (code < 0x20 || code === 0x7f) return 0;
  return code < 0x80 ? 1 : 2;
}

/**
 * Menu and cashier names come from data: a control byte in them would be read by the printer as a
 * command, so it becomes a space. ¥ has no GBK code, ￥ does.
 */
export function printableText(text: string): string {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: stripping control characters is the point
  return text.replace(/[\u0000-\u001f\u007f]/g, ' ').replace(/¥/g, '￥');
}

/** Breaks a text into lines of at most `columns`, at a space when there is one, else anywhere. */
export function wrapText(text: string, columns: number): string[] {
  const lines: string[] = [];
  let line: string[] = [];
  let lineWidth = 0;
  for (const char of text) {
    const width = charWidth(char);
    if (char === ' ' && line.length === 0 && lines.length > 0) continue;
    if (lineWidth + width > columns && line.length > 0) {
      const space = line.lastIndexOf(' ');
      const rest = space > 0 ? line.splice(space).slice(1) : [];
      lines.push(line.join('').trimEnd());
      line = rest;
      lineWidth = displayWidth(line.join(''));
    }
    line.push(char);
    lineWidth += width;
  }
  lines.push(line.join('').trimEnd());
  return lines;
}

function gb18030(text: string): Buffer {
  return iconv.encode(text, 'gb18030');
}

function layoutText(line: Extract<ReceiptLine, { kind: 'text' }>, columns: number): Buffer[] {
  const fit = line.large ? Math.floor(columns / 2) : columns;
  const wrapped = wrapText(printableText(line.text), fit);
  return [
    commands.align(line.align ?? 'left'),
    commands.bold(line.bold ?? false),
    commands.size(line.large ?? false),
    ...wrapped.flatMap((text) => [gb18030(text), Buffer.from([LF])]),
    commands.size(false),
    commands.bold(false),
    commands.align('left'),
  ];
}

/** The value goes on the first line; a label too long for the rest of that line wraps below it. */
export function layoutPair(left: string, right: string, columns: number): string[] {
  const rightWidth = displayWidth(right);
  const leftColumns = columns - rightWidth - 1;
  if (leftColumns < Math.min(8, displayWidth(left))) {
    const rightLines = wrapText(right, columns).map(
      (text) => ' '.repeat(columns - displayWidth(text)) + text,
    );
    return [...wrapText(left, columns), ...rightLines];
  }
  const [first = '', ...rest] = wrapText(left, leftColumns);
  return [first + ' '.repeat(columns - displayWidth(first) - rightWidth) + right, ...rest];
}

function layoutPairLine(line: Extract<ReceiptLine, { kind: 'pair' }>, columns: number): Buffer[] {
  const fit = line.large ? Math.floor(columns / 2) : columns;
  const laidOut = layoutPair(printableText(line.left), printableText(line.right), fit);
  return [
    commands.bold(line.bold ?? false),
    commands.size(line.large ?? false),
    ...laidOut.flatMap((text) => [gb18030(text), Buffer.from([LF])]),
    commands.size(false),
    commands.bold(false),
  ];
}

function layout(line: ReceiptLine, width: PaperWidth): Buffer[] {
  const columns = columnsFor(width);
  switch (line.kind) {
    case 'text':
      return layoutText(line, columns);
    case 'pair':
      return layoutPairLine(line, columns);
    case 'rule':
      return [Buffer.from(`${'-'.repeat(columns)}\n`, 'ascii')];
    case 'qr':
      // 6-dot modules keep a uuid's QR code (version 3, 29 modules) well inside 58 mm paper
      return [commands.align('center'), commands.qr(line.data, 6), Buffer.from([LF]), commands.align('left')];
    case 'feed':
      return [commands.feed(line.lines)];
    default: {
      const _exhaustive: never = line;
      return _exhaustive;
    }
  }
}

export function encodeReceipt(model: ReceiptModel, options: { width: PaperWidth }): Buffer {
  return Buffer.concat([
    commands.initialize,
    commands.chineseMode,
    ...model.lines.flatMap((line) => layout(line, options.width)),
    commands.feedAndCut(3),
  ]);
}
