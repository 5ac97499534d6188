import { formatYuan } from '../../domain/money.ts';
import type {
  BureauUser,
  Cutoff,
  SettlementStatus,
  SettlementSteps,
} from '../../domain/settlement/settlement.ts';
import type { Adjustment, CanteenSettlement } from '../../domain/settlement/settlement-types.ts';
import { settlementStatusText } from '../../domain/settlement/status-words.ts';
import type { MonthKey } from '../../domain/time/calendar.ts';
import { formatShanghaiReadable } from '../../domain/time/shanghai-time.ts';
import { createDocument, ensureSpace, heading, LEFT, numberPages, table, toBuffer } from './pdf-layout.ts';
import { namer, type PrintedNames } from './printed-names.ts';

/** Name of the figures embedded in every statement, for `zhucan verify` and the bureau's systems. */
export const STATEMENT_ATTACHMENT = 'settlement.json';

/** What a canteen statement claims, embedded as JSON: enough to recompute and compare it. */
export interface StatementFigures {
  readonly month: MonthKey;
  readonly status: SettlementStatus;
  readonly cutoff: Cutoff;
  readonly canteen: CanteenSettlement;
}

export interface CanteenStatementInput extends StatementFigures {
  readonly bureauName: string;
  readonly canteenName: string;
  readonly closedBy: BureauUser | null;
  readonly steps: SettlementSteps;
  /** The names printed for funding sources, rules and policies (their ids without it). */
  readonly names?: PrintedNames;
}

const REASONS: Record<string, string> = {
  'offline-mismatch': '脱机补贴高于应得',
  'offline-over-cap': '脱机补贴超出次数上限',
};
const ADJUSTMENT_KINDS: Record<Adjustment['kind'], string> = {
  'late-sale': '补录售餐',
  'late-void': '补录作废',
  'late-exclusion': '核实不予结算',
};
const OPERATING_KINDS: Record<string, string> = {
  perSubsidisedMeal: '按补贴餐次',
  perElderDay: '按老人就餐人天',
  perDinerByAge: '按年龄段人天',
  flatMonthly: '每月定额',
  minMealsPerDay: '日最低餐数',
};

/**
 * 食堂月度结算单: one canteen's month as a PDF (A4, Chinese), with the figures embedded as JSON.
 * The same input gives the same bytes: dates come from the closing, not the clock.
 */
export function renderCanteenStatement(input: CanteenStatementInput): Promise<Buffer> {
  const { canteen } = input;
  const name = namer(input.names);
  const doc = createDocument({
    Title: `${input.canteenName} ${input.month} 结算单`,
    Author: input.bureauName,
    CreationDate: new Date(input.cutoff.at),
  });

  doc.fontSize(16).text(`${input.bureauName} 老年助餐补贴结算单`, { align: 'center' });
  doc.moveDown(0.3).fontSize(10);
  doc.text(`食堂:${input.canteenName}    结算月份:${input.month}`);
  doc.text(`状态:${statusText(input.status)}    截止 ${formatShanghaiReadable(input.cutoff.at)}`);

  heading(doc, '一、汇总');
  table(
    doc,
    [180, 120],
    [
      ['售餐份数(含非补贴)', String(canteen.mealsSold)],
      ['补贴餐次', String(canteen.subsidisedMeals)],
      ['食堂垫付补贴(元)', formatYuan(canteen.subsidyFen)],
      ['不予报销(元)', formatYuan(-canteen.excludedFen)],
      ['运营补贴(元)', formatYuan(canteen.operatingSubsidyFen)],
      ['以前月份调整(元)', formatYuan(canteen.adjustmentsFen)],
      ['应拨付金额(元)', formatYuan(canteen.reimbursementFen)],
    ],
  );

  heading(doc, '二、补贴资金来源');
  table(
    doc,
    [240, 120],
    [
      ['资金来源', '金额(元)'],
      ...canteen.bySource.map((part) => [name.source(part.source), formatYuan(part.fen)]),
    ],
  );
  table(
    doc,
    [240, 120],
    [
      ['补贴规则', '金额(元)'],
      ...canteen.byRule.map((rule) => [name.rule(rule.ruleId), formatYuan(rule.fen)]),
    ],
  );

  heading(doc, '三、运营补贴及依据');
  const { policyId } = canteen.operatingSubsidy;
  doc.text(`依据政策:${policyId === null ? '无' : name.policy(policyId)}`);
  table(
    doc,
    [140, 220, 100],
    [
      ['项目', '依据', '金额(元)'],
      ...canteen.operatingSubsidy.lines.map((line) => [
        OPERATING_KINDS[line.kind] ?? line.kind,
        basisText(line),
        formatYuan(line.fen),
      ]),
    ],
  );

  heading(doc, '四、每日明细');
  table(
    doc,
    [90, 60, 60, 90, 90, 70],
    [
      ['日期', '售餐', '补贴餐', '垫付补贴', '可报销', '就餐人数'],
      ...canteen.days.map((day) => [
        day.date,
        String(day.meals),
        String(day.subsidisedMeals),
        formatYuan(day.subsidyFen),
        formatYuan(day.reimbursableFen),
        String(day.elderDays),
      ]),
    ],
  );

  heading(doc, '五、老人明细');
  table(
    doc,
    [70, 150, 50, 60, 80, 80],
    [
      ['姓名', '身份证号', '餐次', '补贴餐', '垫付补贴', '可报销'],
      ...canteen.elders.map((elder) => [
        elder.maskedName,
        elder.maskedIdNumber,
        String(elder.meals),
        String(elder.subsidisedMeals),
        formatYuan(elder.subsidyFen),
        formatYuan(elder.reimbursableFen),
      ]),
    ],
  );

  heading(doc, '六、不予报销、作废与调整');
  // A confirmed alert's reason is long: the tables name the alert by number, the reasons follow them.
  const notes = new Map<string, string>();
  for (const entry of [...canteen.excluded, ...canteen.adjustments])
    if (entry.alertId && !notes.has(entry.alertId)) notes.set(entry.alertId, entry.note ?? '');
  const alerts = [...notes.keys()];
  const alertNumber = (alertId: string) => `预警 ${alerts.indexOf(alertId) + 1}`;
  table(
    doc,
    [250, 150, 80],
    [
      ['不予报销(售餐编号)', '原因', '金额(元)'],
      ...canteen.excluded.map((entry) => [
        entry.saleId,
        entry.alertId
          ? `核实不予结算(${alertNumber(entry.alertId)})`
          : (REASONS[entry.reason] ?? entry.reason),
        formatYuan(entry.fen),
      ]),
    ],
  );
  table(
    doc,
    [250, 150, 80],
    [
      ['当月作废(售餐编号)', '作废原因', '补贴(元)'],
      ...canteen.voided.map((entry) => [entry.saleId, entry.reason, formatYuan(entry.subsidyFen)]),
    ],
  );
  table(
    doc,
    [250, 70, 80, 80],
    [
      ['调整(售餐编号)', '所属月份', '类型', '金额(元)'],
      ...canteen.adjustments.map((entry) => [
        entry.saleId,
        entry.month,
        entry.alertId ? `核实(${alertNumber(entry.alertId)})` : ADJUSTMENT_KINDS[entry.kind],
        formatYuan(entry.fen),
      ]),
    ],
  );
  for (const [alertId, note] of notes) {
    ensureSpace(doc, 30);
    doc.fontSize(9).text(`${alertNumber(alertId)}(${alertId}):${note}`, LEFT, doc.y, { width: 480 });
    doc.moveDown(0.3);
  }

  heading(doc, '七、数据摘要(可由审计复核)');
  doc.fontSize(8).text(`摘要 SHA-256:${canteen.digest}`);
  doc.text(`截止事件位置:${input.cutoff.position}`);
  doc.text(`所含事件:${canteen.eventCount} 条。核验:zhucan verify <本文件>`);
  doc.fontSize(10);

  ensureSpace(doc, 60);
  doc.moveDown(2);
  const y = doc.y;
  const names = [input.closedBy?.name, input.steps.reviewed?.by.name, input.steps.approved?.by.name];
  ['经办人', '审核人', '负责人'].forEach((role, index) => {
    doc.text(`${role}:${names[index] ?? '________'}`, LEFT + index * 170, y, { lineBreak: false });
  });

  const figures: StatementFigures = {
    month: input.month,
    status: input.status,
    cutoff: input.cutoff,
    canteen,
  };
  doc.file(Buffer.from(JSON.stringify(figures), 'utf8'), {
    name: STATEMENT_ATTACHMENT,
    type: 'application/json',
    description: '结算数据',
    creationDate: new Date(input.cutoff.at),
    modifiedDate: new Date(input.cutoff.at),
  });

  numberPages(doc);
  return toBuffer(doc);
}

/** The month's state as statements print it: the one word per state (`domain/settlement/status-words.ts`). */
export function statusText(status: SettlementStatus): string {
  return settlementStatusText(status);
}

function basisText(line: CanteenSettlement['operatingSubsidy']['lines'][number]): string {
  switch (line.kind) {
    case 'perSubsidisedMeal':
      return `${line.subsidisedMeals} 餐 × ${formatYuan(line.rateFen)} 元`;
    case 'perElderDay':
      return `${line.elderDays} 人天 × ${formatYuan(line.rateFen)} 元`;
    case 'perDinerByAge':
      return line.bands
        .map((band) => `${band.minAge}岁起 ${band.elderDays} 人天 × ${formatYuan(band.fen)}`)
        .join(';');
    case 'flatMonthly':
      return `当月售餐 ${line.mealsSold} 份`;
    case 'minMealsPerDay':
      return `每日至少 ${line.minMeals} 份;未达标 ${line.daysBelowMinimum.length} 天`;
  }
}
