import ExcelJS from 'exceljs';
import { formatYuan } from '../../domain/money.ts';
import type { SettlementView } from '../settlement/settlement-service.ts';

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
}

/** 结算汇总: one row per canteen, with the reimbursed subsidy split by funding source. */
export function settlementTable(view: SettlementView, names: ReadonlyMap<string, string>): ExportTable {
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
      ...sources.map((source) => `${source}(元)`),
      '运营补贴(元)',
      '调整(元)',
      '应拨付(元)',
      '摘要',
    ],
    rows: view.canteens.map((canteen) => [
      view.month,
      canteen.canteenId,
      names.get(canteen.canteenId) ?? canteen.canteenId,
      canteen.mealsSold,
      canteen.subsidisedMeals,
      formatYuan(canteen.subsidyFen),
      formatYuan(canteen.excludedFen),
      ...sources.map((source) =>
        formatYuan(canteen.bySource.find((part) => part.source === source)?.fen ?? 0),
      ),
      formatYuan(canteen.operatingSubsidyFen),
      formatYuan(canteen.adjustmentsFen),
      formatYuan(canteen.reimbursementFen),
      canteen.digest,
    ]),
  };
}

/** 拨付清单: what to pay each canteen this month, and the settlement's state. */
export function paymentTable(view: SettlementView, names: ReadonlyMap<string, string>): ExportTable {
  return {
    title: '拨付清单',
    header: ['月份', '结算状态', '食堂编号', '食堂名称', '应拨付(元)', '应拨付(分)'],
    rows: view.canteens.map((canteen) => [
      view.month,
      view.status,
      canteen.canteenId,
      names.get(canteen.canteenId) ?? canteen.canteenId,
      formatYuan(canteen.reimbursementFen),
      canteen.reimbursementFen,
    ]),
  };
}

/** RFC 4180 CSV with a UTF-8 byte-order mark, so that spreadsheet programs read the Chinese right. */
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
    for (const cells of table.rows) {
      // The number the cell shows, read back from the yuan text: 1234 fen → 12.34, never a sum of floats.
      const row = sheet.addRow(
        cells.map((value) => (typeof value === 'object' ? Number(formatYuan(value.fen)) : value)),
      );
      cells.forEach((value, index) => {
        if (typeof value === 'object') row.getCell(index + 1).numFmt = '0.00';
      });
    }
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
