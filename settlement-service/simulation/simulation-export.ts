import {
  ruleIdsOf,
  type SimulationFigures,
  type SimulationResult,
  sourcesOf,
} from '../../domain/simulation/policy-simulation.ts';
import type { ExportCell, ExportTable } from '../statements/exports.ts';

/** One proposal's result with the name the bureau gave it. */
export interface LabelledResult {
  readonly label: string;
  readonly result: SimulationResult;
}

const amount = (fen: number): ExportCell => ({ fen });

/** The figures of a figures object, in the order the sheets list them. */
function figureRows(figures: SimulationFigures, sources: readonly string[]): ExportCell[] {
  const bySource = new Map(figures.bySource.map((part) => [part.source, part.fen]));
  return [
    figures.mealsSold,
    figures.subsidisedMeals,
    amount(figures.subsidyFen),
    amount(figures.operatingSubsidyFen),
    amount(figures.reimbursementFen),
    ...sources.map((source) => amount(bySource.get(source) ?? 0)),
  ];
}

function figureLabels(sources: readonly string[], sourceNames: Readonly<Record<string, string>>): string[] {
  return [
    '售餐数',
    '补贴餐数',
    '助餐补贴(元)',
    '运营补贴(元)',
    '应拨付(元)',
    ...sources.map((source) => `资金来源 ${sourceNames[source] ?? source}(元)`),
  ];
}

/** The difference of two cells of the same kind (counts or amounts). */
function difference(after: ExportCell, before: ExportCell): ExportCell {
  if (typeof after === 'number' && typeof before === 'number') return after - before;
  if (typeof after === 'object' && typeof before === 'object') return amount(after.fen - before.fen);
  return '';
}

/**
 * 政策测算 as a workbook: the totals of the month as recorded beside each proposal and its change,
 * then each canteen, each rule, and the elders gaining and losing. Amounts are numbers in yuan.
 */
export function simulationTables(
  month: string,
  results: readonly LabelledResult[],
  canteenNames: ReadonlyMap<string, string>,
  /** The funding sources' registered names, printed in the headers in place of their ids. */
  sourceNames: Readonly<Record<string, string>> = {},
  /** The rules' labels, printed in place of their ids. */
  ruleNames: Readonly<Record<string, string>> = {},
): ExportTable[] {
  const [first] = results;
  if (first === undefined) return [];
  const sources = sourcesOf(results.map(({ result }) => result));
  const labels = figureLabels(sources, sourceNames);
  const baseline = figureRows(first.result.baseline, sources);
  const proposed = results.map(({ result }) => figureRows(result.proposed, sources));
  const totals: ExportTable = {
    title: '总览',
    header: [
      `${month} 项目`,
      '现行(按实际记录)',
      ...results.flatMap(({ label }) => [label, `${label} 增减`]),
    ],
    rows: labels.map((label, row) => [
      label,
      baseline[row] ?? '',
      ...proposed.flatMap((cells) => [cells[row] ?? '', difference(cells[row] ?? '', baseline[row] ?? '')]),
    ]),
  };
  const canteens: ExportTable = {
    title: '食堂',
    header: [
      '食堂编号',
      '食堂名称',
      '现行 应拨付(元)',
      ...results.flatMap(({ label }) => [`${label} 应拨付(元)`, `${label} 增减(元)`]),
    ],
    rows: first.result.canteens.map((canteen) => [
      canteen.canteenId,
      canteenNames.get(canteen.canteenId) ?? canteen.canteenId,
      amount(canteen.baseline.reimbursementFen),
      ...results.flatMap(({ result }) => {
        const fen =
          result.canteens.find((other) => other.canteenId === canteen.canteenId)?.proposed.reimbursementFen ??
          0;
        return [amount(fen), amount(fen - canteen.baseline.reimbursementFen)];
      }),
    ]),
  };
  const ruleIds = ruleIdsOf(results.map(({ result }) => result));
  const rules: ExportTable = {
    title: '补贴规则',
    header: ['规则', '现行(元)', ...results.map(({ label }) => `${label}(元)`)],
    rows: ruleIds.map((ruleId) => [
      ruleNames[ruleId] ?? ruleId,
      amount(first.result.byRule.find((rule) => rule.ruleId === ruleId)?.baselineFen ?? 0),
      ...results.map(({ result }) =>
        amount(result.byRule.find((rule) => rule.ruleId === ruleId)?.proposedFen ?? 0),
      ),
    ]),
  };
  const elders: ExportTable = {
    title: '老人',
    header: ['方案', '补贴增加', '补贴减少', '不变', '受影响合计'],
    rows: results.map(({ label, result }) => [
      label,
      result.elders.gaining,
      result.elders.losing,
      result.elders.unchanged,
      result.elders.affected,
    ]),
  };
  return [totals, canteens, rules, elders];
}
