import { formatYuan } from '../../domain/money.ts';
import { formatShanghaiReadable } from '../../domain/time/shanghai-time.ts';
import type { SettlementView } from '../settlement/settlement-service.ts';
import { statusText } from './canteen-statement.ts';
import { createDocument, heading, LEFT, numberPages, table, toBuffer } from './pdf-layout.ts';
import { namer, type PrintedNames } from './printed-names.ts';

/** 全市汇总表: every canteen's month on a few pages, with totals, sources and the month's digest. */
export function renderBureauSummary(
  view: SettlementView,
  bureauName: string,
  names: PrintedNames,
): Promise<Buffer> {
  const name = namer(names);
  const doc = createDocument({
    Title: `${bureauName} ${view.month} 助餐补贴结算汇总表`,
    Author: bureauName,
    CreationDate: new Date(view.cutoff.at),
  });
  doc.fontSize(16).text(`${bureauName} 老年助餐补贴结算汇总表`, { align: 'center' });
  doc.moveDown(0.3).fontSize(10);
  doc.text(`结算月份:${view.month}    状态:${statusText(view.status)}`);
  doc.text(`截止 ${formatShanghaiReadable(view.cutoff.at)}`);

  const { totals } = view;
  heading(doc, '一、全市合计');
  table(
    doc,
    [180, 120],
    [
      ['食堂数', String(totals.canteens)],
      ['售餐份数', String(totals.mealsSold)],
      ['补贴餐次', String(totals.subsidisedMeals)],
      ['食堂垫付补贴(元)', formatYuan(totals.subsidyFen)],
      ['不予报销(元)', formatYuan(-totals.excludedFen)],
      ['运营补贴(元)', formatYuan(totals.operatingSubsidyFen)],
      ['以前月份调整(元)', formatYuan(totals.adjustmentsFen)],
      ['应拨付合计(元)', formatYuan(totals.reimbursementFen)],
    ],
  );
  heading(doc, '二、按资金来源');
  table(
    doc,
    [240, 120],
    [
      ['资金来源', '金额(元)'],
      ...totals.bySource.map((part) => [name.source(part.source), formatYuan(part.fen)]),
    ],
  );

  heading(doc, '三、各食堂');
  table(
    doc,
    [200, 50, 55, 70, 70, 70],
    [
      ['食堂', '售餐', '补贴餐', '可报销', '运营补贴', '应拨付'],
      ...view.canteens.map((canteen) => [
        name.canteen(canteen.canteenId),
        String(canteen.mealsSold),
        String(canteen.subsidisedMeals),
        formatYuan(canteen.subsidyFen - canteen.excludedFen),
        formatYuan(canteen.operatingSubsidyFen),
        formatYuan(canteen.reimbursementFen),
      ]),
    ],
  );

  heading(doc, '四、数据摘要');
  doc.fontSize(8).text(`全月摘要 SHA-256:${view.digest}`, LEFT);
  doc.text(`截止事件位置:${view.cutoff.position}`);
  doc.text('各食堂摘要见其结算单;全月摘要为各食堂摘要按编号排序所成哈希树的根。');
  numberPages(doc);
  return toBuffer(doc);
}
