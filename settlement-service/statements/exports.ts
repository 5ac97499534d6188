import ExcelJS from 'exceljs';
import { formatYuan } from '../../domain/money.ts';
import { settlementStatusText } from '../../domain/settlement/status-words.ts';
import type { SettlementView } from '../settlement/settlement-service.ts';
import { namer, type PrintedNames } from './printed-names.ts';

/**
 * A cell of an export: text, a count, or an amount in fen, which a spreadsheet gets as a number of
 * yuan with two decimals (so that it can be summed) and CSV as yuan text.
 */
export type ExportCell = string | number | { readonly fen: number };

/** A sheet of the bureau's finance exports: a header row and rows of cells. */
export interface ExportTable {
  readonly title: string;
  readonly header: readonly string[];
  readonly rows: readonly (readonly ExportCell[])[];
  /** A 合计 row under the rows in a workbook: each column of counts or amounts summed. */
  readonly totalsRow?: boolean;
}

/**
 * The 合计 row of a table: a column whose cells are all counts or all amounts is summed (amounts in
 * fen, so the total is exact), any other column is left empty.
 */
export function totalsOf(table: ExportTable): ExportCell[] {
  return table.header.map((_, index) => {
    if (index === 0) return '合计';
    const cells = table.rows.map((row) => row[index]);
    if (cells.length === 0) return '';
    if (cells.every((cell) => typeof cell === 'number'))
      return cells.reduce<number>((sum, cell) => sum + (cell as number), 0);
    if (cells.every((cell) => typeof cell === 'object'))
      return { fen: cells.reduce<number>((sum, cell) => sum + (cell as { fen: number }).fen, 0) };
    return '';
  });
}

/** 结算汇总: one row per canteen, with the reimbursed subsidy split by funding source, and a 合计 row. */
export function settlementTable(view: SettlementView, names: PrintedNames): ExportTable {
  const name = namer(names);
  const sources = [
    ...new Set(view.canteens.flatMap((canteen) => canteen.bySource.map((part) => part.source))),
  ].sort();
  return {
    title: '结算汇总',
    header: [
      '月份',
      '食堂编号',
      '食堂名称',
      '售餐份数',
      '补贴餐次',
      '垫付补贴(元)',
      '不予报销(元)',
      ...sources.map((source) => `${name.source(source)}(元)`),
      '运营补贴(元)',
      '调整(元)',
      '应拨付(元)',
      '摘要',
    ],
    rows: view.canteens.map((canteen) => [
      view.month,
      canteen.canteenId,
      name.canteen(canteen.canteenId),
      canteen.mealsSold,
      canteen.subsidisedMeals,
      { fen: canteen.subsidyFen },
      { fen: canteen.excludedFen },
      ...sources.map((source) => ({
        fen: canteen.bySource.find((part) => part.source === source)?.fen ?? 0,
      })),
      { fen: canteen.operatingSubsidyFen },
      { fen: canteen.adjustmentsFen },
      { fen: canteen.reimbursementFen },
      canteen.digest,
    ]),
    totalsRow: true,
  };
}

/** 拨付清单: what to pay each canteen this month, and the settlement's state in words. */
export function paymentTable(view: SettlementView, names: PrintedNames): ExportTable {
  const name = namer(names);
  return {
    title: '拨付清单',
    header: ['月份', '结算状态', '食堂编号', '食堂名称', '应拨付(元)', '应拨付(分)'],
    rows: view.canteens.map((canteen) => [
      view.month,
      settlementStatusText(view.status),
      canteen.canteenId,
      name.canteen(canteen.canteenId),
      { fen: canteen.reimbursementFen },
      canteen.reimbursementFen,
    ]),
    totalsRow: true,
  };
}

/**
 * RFC 4180 CSV with a UTF-8 byte-order mark, so that spreadsheet programs read the Chinese right. It
 * has no 合计 row: a finance system imports every line as a canteen's.
 */
export function toCsv(table: ExportTable): Buffer {
  const cell = (value: ExportCell) => {
    const text = typeof value === 'object' ? formatYuan(value.fen) : String(value);
    return /[",\r\n]/.test(text) ? `"${text.replaceAll('"', '""')}"` : text;
  };
  const lines = [table.header, ...table.rows].map((row) => row.map(cell).join(','));
  return Buffer.from(`\uFEFF${lines.join('\r\n')}\r\n`, 'utf8');
}

/** One workbook with a sheet per table. */
export async function toXlsx(tables: readonly ExportTable[]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  workbook.creator = '助餐通';
  workbook.created = new Date(0);
  workbook.modified = new Date(0);
  for (const table of tables) {
    const sheet = workbook.addWorksheet(table.title);
    sheet.addRow([...table.header]).font = { bold: true };
    for (const cells of table.totalsRow ? [...table.rows, totalsOf(table)] : table.rows) {
      // The number the cell shows, read back from the yuan text: 1234 fen → 12.34, never a sum of floats.
      const row = sheet.addRow(
        cells.map((value) => (typeof value === 'object' ? Number(formatYuan(value.fen)) : value)),
      );
      cells.forEach((value, index) => {
        if (typeof value === 'object') row.getCell(index + 1).numFmt = '0.00';
      });
    }
    const last = sheet.lastRow;
    if (table.totalsRow && last) last.font = { bold: true };
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
