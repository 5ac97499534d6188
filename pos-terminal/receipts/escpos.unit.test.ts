import fc from 'fast-check';
import iconv from 'iconv-lite';
import thermal from 'node-thermal-printer';
import { describe, expect, it } from 'vitest';
import { columnsFor, commands, displayWidth, encodeReceipt, type PaperWidth, wrapText } from './escpos.ts';
import { type ReceiptModel, saleReceipt } from './receipt-model.ts';
import { decodeEscPos } from './testing/escpos-text.ts';
import { SALE_ID, sampleSale } from './testing/sample-receipts.ts';

const LONG_NAME = '清蒸鲈鱼配时令蔬菜与五常大米饭（少盐少油老年营养套餐）';

describe('displayWidth', () => {
  it.each([
    ['abc 12', 6],
    ['张*明', 5],
    ['￥12.00', 7],
    ['（大份）', 8],
    ['2 × 1', 6],
    ['', 0],
  ])('%s takes %i columns', (text, columns) => {
    expect(displayWidth(text)).toBe(columns);
  });
});

describe('wrapText', () => {
  it('breaks Chinese anywhere and keeps every character', () => {
    const lines = wrapText(LONG_NAME, 20);
    expect(lines.length).toBeGreaterThan(1);
    expect(lines.join('')).toBe(LONG_NAME);
    for (const line of lines) expect(displayWidth(line)).toBeLessThanOrEqual(20);
  });

  it('breaks English at spaces', () => {
    expect(wrapText('braised pork with rice and greens', 16)).toEqual([
      'braised pork',
      'with rice and',
      'greens',
    ]);
  });
});

describe('encodeReceipt', () => {
  const decode = (model: ReceiptModel, width: PaperWidth) => decodeEscPos(encodeReceipt(model, { width }));

  it('starts in Chinese mode and encodes text as GB18030 with the full-width ￥', () => {
    const bytes = encodeReceipt(saleReceipt(sampleSale()), { width: 58 });
    expect([...bytes.subarray(0, 4)]).toEqual([0x1b, 0x40, 0x1c, 0x26]);
    expect(bytes.includes(iconv.encode('和平街道长者食堂', 'gb18030'))).toBe(true);
    expect(bytes.includes(Buffer.from([0xa3, 0xa4]))).toBe(true);
    expect(bytes.includes(Buffer.from('和平', 'utf8'))).toBe(false);
  });

  it('prints pairs as label and value on one full line, and cuts once at the end', () => {
    const decoded = decode(saleReceipt(sampleSale()), 58);
    expect(decoded.lines).toContain(`合计${' '.repeat(32 - 4 - 7)}￥15.00`);
    expect(decoded.lines).toContain(`单号${' '.repeat(32 - 4 - 5)}#1207`);
    expect(decoded.qr).toEqual([SALE_ID]);
    expect(decoded.cuts).toBe(1);
    const bytes = encodeReceipt(saleReceipt(sampleSale()), { width: 58 });
    expect([...bytes.subarray(-4)]).toEqual([0x1d, 0x56, 0x42, 3]);
  });

  it('prints double-size text for the amount the elder pays, within half the columns', () => {
    const decoded = decode(saleReceipt(sampleSale()), 58);
    const index = decoded.lines.findIndex((line) => line.startsWith('实付'));
    expect(decoded.lines[index]).toBe(`实付${' '.repeat(16 - 4 - 7)}￥12.00`);
    // 16 columns of double-width characters fill the 32 of 58 mm paper
    expect(decoded.columns[index]).toBe(32);
  });

  it.each([58, 80] as const)('keeps every line within the %i mm width, wrapping long names', (width) => {
    const columns = columnsFor(width);
    const model = saleReceipt(
      sampleSale({
        canteenName: `${LONG_NAME}食堂`,
        cashierName: '欧阳娜娜娜娜娜娜娜娜娜娜娜娜娜娜',
        items: [
          { name: LONG_NAME, qty: 1, unitPriceFen: 2800, lineFen: 2800 },
          { name: 'x'.repeat(70), qty: 3, unitPriceFen: 99999, lineFen: 299997 },
        ],
        totalFen: 302797,
        elderPaysFen: 302497,
      }),
    );
    const decoded = decode(model, width);
    for (const [i, line] of decoded.lines.entries()) {
      expect(decoded.columns[i], line).toBeLessThanOrEqual(columns);
    }
    expect(decoded.lines.some((line) => line.startsWith('清蒸鲈鱼') && line.endsWith('￥28.00'))).toBe(true);
    const printed = decoded.lines.join('').replace(/ /g, '');
    expect(printed).toContain(LONG_NAME.replace(/ /g, ''));
    expect(decoded.lines).toContain('-'.repeat(columns));
  });

  it('keeps any text within the width, at either size', () => {
    const text = fc.string({ unit: fc.constantFrom('a', ' ', '张', '￥', '9', '（', '-'), maxLength: 80 });
    fc.assert(
      fc.property(
        text,
        text,
        fc.boolean(),
        fc.constantFrom<PaperWidth>(58, 80),
        (left, right, large, width) => {
          const model: ReceiptModel = {
            lines: [
              { kind: 'pair', left, right, large },
              { kind: 'text', text: left, large, align: 'right' },
            ],
          };
          const decoded = decode(model, width);
          for (const columns of decoded.columns) expect(columns).toBeLessThanOrEqual(columnsFor(width));
          const characters = (text: string): string[] => [...text.replace(/ /g, '')].sort();
          expect(characters(decoded.lines.join(''))).toEqual(characters(left + right + left));
        },
      ),
    );
  });

  it('turns control characters in names into spaces so they cannot act as printer commands', () => {
    const model: ReceiptModel = { lines: [{ kind: 'text', text: 'rice\x1dV\x00\n¥3' }] };
    const decoded = decode(model, 80);
    expect(decoded.cuts).toBe(1);
    expect(decoded.lines[0]).toBe('rice V  ￥3');
  });

  it('builds the same QR code command as node-thermal-printer for an ASCII payload', () => {
    const reference = new thermal.printer({ type: thermal.types.EPSON, interface: 'tcp://127.0.0.1:9' });
    reference.printQR(SALE_ID, { model: 2, cellSize: 6, correction: 'M' });
    expect(commands.qr(SALE_ID, 6).equals(reference.getBuffer())).toBe(true);
  });

  it('counts a QR payload in bytes, not characters', () => {
    const decoded = decodeEscPos(Buffer.concat([commands.qr('食堂-1', 6), commands.feedAndCut(3)]));
    expect(decoded.qr).toEqual(['食堂-1']);
    expect(decoded.cuts).toBe(1);
  });
});
