import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import PDFDocument from 'pdfkit';

const require = createRequire(import.meta.url);
// pdfkit's own fontkit: pdfkit takes a font it has parsed as a font source.
const fontkit = createRequire(require.resolve('pdfkit'))('fontkit') as { create(data: Buffer): object };
// Noto Sans SC (SIL Open Font License 1.1); pdfkit embeds only the glyphs a document uses.
// Parsed once: parsing the 10 MB font and decoding its glyph metrics cost more than laying out a
// statement, and the font's caches only ever hold what the file says, so every document gets the
// same bytes as with a freshly parsed font.
const FONT = fontkit.create(
  readFileSync(require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf')),
) as unknown as PDFKit.Mixins.PDFFontSource;

const PAGE_BOTTOM = 780;
export const LEFT = 50;

/** An A4 document in the Chinese font, its pages kept for numbering; no clock: the caller dates it. */
export function createDocument(info: {
  Title: string;
  Author: string;
  CreationDate: Date;
}): PDFKit.PDFDocument {
  const doc = new PDFDocument({
    size: 'A4',
    margin: LEFT,
    bufferPages: true,
    compress: true,
    info: { ...info, Creator: '助餐通' },
  });
  doc.registerFont('cjk', FONT);
  doc.font('cjk');
  return doc;
}

/** 第 N 页 共 M 页 at the foot of every page. */
export function numberPages(doc: PDFKit.PDFDocument): void {
  const range = doc.bufferedPageRange();
  for (let page = range.start; page < range.start + range.count; page += 1) {
    doc.switchToPage(page);
    // The footer sits in the bottom margin: without this, pdfkit would start a new page for it.
    doc.page.margins.bottom = 0;
    doc.fontSize(8).text(`第 ${page + 1} 页 共 ${range.count} 页`, LEFT, 805, {
      width: 495,
      align: 'center',
      lineBreak: false,
    });
  }
}

export function heading(doc: PDFKit.PDFDocument, text: string): void {
  ensureSpace(doc, 40);
  doc.moveDown(0.6).fontSize(12).text(text, LEFT).fontSize(9).moveDown(0.2);
}

export function ensureSpace(doc: PDFKit.PDFDocument, height: number): void {
  if (doc.y + height > PAGE_BOTTOM) doc.addPage();
}

/** Rows of cells at fixed column widths; a row that would not fit starts a new page. */
export function table(
  doc: PDFKit.PDFDocument,
  widths: readonly number[],
  rows: readonly (readonly string[])[],
): void {
  doc.fontSize(9);
  for (const row of rows) {
    ensureSpace(doc, 14);
    const y = doc.y;
    let x = LEFT;
    row.forEach((cell, index) => {
      const width = widths[index] ?? 80;
      doc.text(cell, x, y, { width: width - 4, lineBreak: false, ellipsis: true });
      x += width;
    });
    doc.x = LEFT;
    doc.y = y + 13;
  }
  doc.moveDown(0.3);
}

export function toBuffer(doc: PDFKit.PDFDocument): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
    doc.end();
  });
}
