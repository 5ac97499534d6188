import ExcelJS from 'exceljs';
import { ROSTER_COLUMNS, type RosterColumn, type RosterRow } from '../../domain/elders/roster.ts';
import { problemFor } from '../../domain/problems/problem-catalogue.ts';

export const XLSX_MEDIA_TYPE = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';

/** More rows than a district holds: a bigger file is split, so that one answer stays readable. */
export const MAX_ROSTER_ROWS = 50_000;

/**
 * The roster's rows from the first sheet of a workbook: the header row (the first non-empty row)
 * names the columns; empty rows are skipped. Refused (400 `invalid-body`) when the body is not a
 * workbook, a column is missing or the sheet holds too many rows.
 */
export async function readRoster(bytes: Buffer): Promise<RosterRow[]> {
  const workbook = new ExcelJS.Workbook();
  try {
    await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  } catch {
    throw problemFor(
      'invalid-body',
      'the body is not an XLSX workbook',
      {},
      { detail: '上传的内容不是 XLSX 工作簿' },
    );
  }
  const sheet = workbook.worksheets[0];
  if (!sheet)
    throw problemFor('invalid-body', 'the workbook has no sheet', {}, { detail: '工作簿中没有工作表' });
  let columns: Map<RosterColumn, number> | null = null;
  const rows: RosterRow[] = [];
  let tooMany = false;
  sheet.eachRow((row, rowNumber) => {
    const values = row.values as unknown[];
    if (columns === null) {
      columns = headerOf(values);
      return;
    }
    const texts = ROSTER_COLUMNS.map((column) => cellText(values[columns?.get(column) ?? -1]));
    if (texts.every((text) => text === '')) return;
    if (rows.length >= MAX_ROSTER_ROWS) {
      tooMany = true;
      return;
    }
    const cells = Object.fromEntries(ROSTER_COLUMNS.map((column, index) => [column, texts[index]])) as Record<
      RosterColumn,
      string
    >;
    rows.push({ row: rowNumber, cells });
  });
  if (columns === null) {
    throw problemFor(
      'invalid-body',
      'the sheet is empty: expected a header row',
      {},
      { detail: '工作表是空的：第一行应为表头' },
    );
  }
  if (tooMany) {
    throw problemFor(
      'invalid-body',
      `a roster holds at most ${MAX_ROSTER_ROWS} rows`,
      {},
      { detail: `花名册最多 ${MAX_ROSTER_ROWS} 行` },
    );
  }
  return rows;
}

function headerOf(values: readonly unknown[]): Map<RosterColumn, number> {
  const found = new Map<RosterColumn, number>();
  values.forEach((value, index) => {
    const text = cellText(value).replace(/\s+/g, '');
    if ((ROSTER_COLUMNS as readonly string[]).includes(text) && !found.has(text as RosterColumn))
      found.set(text as RosterColumn, index);
  });
  const missing = ROSTER_COLUMNS.filter((column) => !found.has(column));
  if (missing.length > 0) {
    throw problemFor(
      'invalid-body',
      `the header row lacks the column(s) ${missing.join(', ')}`,
      { errors: missing.map((column) => ({ path: column, message: 'column missing from the header row' })) },
      {
        detail: `表头缺少列：${missing.join('、')}`,
        extra: { errors: missing.map((column) => ({ path: column, message: '表头中没有这一列' })) },
      },
    );
  }
  return found;
}

/** A cell as text: dates as `YYYY-MM-DD` (a date cell holds midnight UTC), formulas by their result. */
function cellText(value: unknown): string {
  if (value === null || value === undefined) return '';
  if (value instanceof Date) return Number.isNaN(value.getTime()) ? '' : value.toISOString().slice(0, 10);
  if (typeof value === 'number') return String(value);
  if (typeof value === 'string' || typeof value === 'boolean') return String(value).trim();
  if (typeof value === 'object') {
    const cell = value as { richText?: { text: string }[]; text?: unknown; result?: unknown };
    if (Array.isArray(cell.richText))
      return cell.richText
        .map((part) => part.text)
        .join('')
        .trim();
    if ('result' in cell) return cellText(cell.result);
    if ('text' in cell) return cellText(cell.text);
  }
  return '';
}

/** The roster's template: the header row, one example row, ID numbers and cards as text. */
export async function rosterTemplate(): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('花名册');
  sheet.columns = ROSTER_COLUMNS.map((column) => ({
    header: column,
    key: column,
    width: column === '身份证号' ? 22 : 14,
    style: { numFmt: '@' },
  }));
  sheet.addRow({
    姓名: '王秀英',
    身份证号: '110101194003150027',
    区: '东城区',
    街镇: '和平里街道',
    签约食堂: 'c-hpl',
    类别: '低保,残疾',
    起始日期: '2026-01-01',
    截止日期: '',
    卡号: 'K-0001',
  });
  sheet.getRow(1).font = { bold: true };
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
