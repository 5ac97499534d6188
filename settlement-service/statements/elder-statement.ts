import { maskName } from '../../domain/identity/national-id.ts';
import { formatYuan } from '../../domain/money.ts';
import { lastDayOfMonth } from '../../domain/time/calendar.ts';
import type { ElderLedgerMonth } from '../../projections/sales/elder-ledger.ts';
import { createDocument, heading, LEFT, numberPages, table, toBuffer } from './pdf-layout.ts';

const PERIODS: Record<string, string> = { breakfast: '早餐', lunch: '午餐', dinner: '晚餐' };

/** 老人月度账单: an elder's meals of a month for the elder or the family, name and ID number masked. */
export function renderElderStatement(
  ledger: ElderLedgerMonth,
  elder: { readonly name: string; readonly maskedIdNumber: string },
  bureauName: string,
  canteenNames: ReadonlyMap<string, string> = new Map(),
): Promise<Buffer> {
  const doc = createDocument({
    Title: `${ledger.month} 助餐账单`,
    Author: bureauName,
    CreationDate: new Date(`${lastDayOfMonth(ledger.month)}T16:00:00Z`),
  });
  doc.fontSize(16).text('老年助餐月度账单', { align: 'center' });
  doc.moveDown(0.3).fontSize(11);
  doc.text(`${maskName(elder.name)}    身份证号:${elder.maskedIdNumber}    月份:${ledger.month}`);

  heading(doc, '本月合计');
  const { totals } = ledger;
  table(
    doc,
    [180, 120],
    [
      ['就餐次数', String(totals.meals)],
      ['享受补贴次数', String(totals.subsidisedMeals)],
      ['政府补贴(元)', formatYuan(totals.subsidyFen)],
      ['本人支付(元)', formatYuan(totals.elderPaidFen)],
    ],
  );

  heading(doc, '就餐明细');
  table(
    doc,
    [72, 40, 140, 58, 58, 58, 64],
    [
      ['日期', '餐次', '食堂', '餐费', '补贴', '本人付', '备注'],
      ...ledger.meals.map((meal) => [
        meal.businessDate,
        PERIODS[meal.period ?? ''] ?? '—',
        canteenNames.get(meal.canteenId) ?? meal.canteenId,
        formatYuan(meal.totalFen),
        formatYuan(meal.subsidyFen),
        formatYuan(meal.elderPaysFen),
        meal.voided ? '已作废' : meal.offline ? '脱机' : '',
      ]),
    ],
  );
  doc.moveDown(1).fontSize(9).text(`${bureauName} · 如有疑问请联系就餐食堂或社区。`, LEFT);
  numberPages(doc);
  return toBuffer(doc);
}
