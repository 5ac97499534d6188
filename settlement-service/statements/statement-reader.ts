import { STATEMENT_ATTACHMENT, type StatementFigures } from './canteen-statement.ts';

/** A statement PDF read back: its text, page by page, and the figures embedded in it. */
export interface ReadStatement {
  readonly pages: readonly string[];
  readonly figures: StatementFigures | null;
}

/** Parses a PDF with PDF.js: the text of each page and the embedded `settlement.json`, if any. */
export async function readStatement(bytes: Uint8Array): Promise<ReadStatement> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const pdf = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, verbosity: 0 })
    .promise;
  try {
    const pages: string[] = [];
    for (let number = 1; number <= pdf.numPages; number += 1) {
      const content = await (await pdf.getPage(number)).getTextContent();
      pages.push(content.items.map((item) => ('str' in item ? item.str : '')).join('\n'));
    }
    const attachments = (await pdf.getAttachments()) as Record<string, { content: Uint8Array }> | null;
    const embedded = attachments?.[STATEMENT_ATTACHMENT]?.content;
    const figures = embedded ? (JSON.parse(new TextDecoder().decode(embedded)) as StatementFigures) : null;
    return { pages, figures };
  } finally {
    await pdf.destroy();
  }
}
