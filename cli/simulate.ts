import { SingleBar } from 'cli-progress';
import { formatYuan } from '../domain/money.ts';
import {
  ruleIdsOf,
  type SimulationFigures,
  type SimulationResult,
  sourcesOf,
} from '../domain/simulation/policy-simulation.ts';
import type { SimulationProgress } from '../projections/simulation/simulate-month.ts';

/** One proposal's result with the file it came from. */
export interface NamedResult {
  readonly name: string;
  readonly result: SimulationResult;
}

const signed = (value: number, format: (value: number) => string) =>
  value > 0 ? `+${format(value)}` : format(value);

/** A progress bar over the month's changes read (on standard error). */
export function simulationProgressBar(month: string): {
  update: (progress: SimulationProgress) => void;
  stop: () => void;
} {
  const bar = new SingleBar({
    format: `测算 ${month} [{bar}] {percentage}% | {value}/{total} 笔变动 | {eta_formatted}`,
    noTTYOutput: true,
    notTTYSchedule: 2000,
    hideCursor: true,
  });
  return {
    update(progress) {
      if (!bar.isActive) bar.start(progress.changesTotal, 0);
      bar.setTotal(progress.changesTotal);
      bar.update(progress.changesRead);
    },
    stop: () => bar.stop(),
  };
}

/**
 * The comparison as text: the month as recorded beside each proposal and its change (totals and
 * funding sources), then each canteen's reimbursement, each rule, and the elders gaining and losing.
 */
export function describeSimulation(
  month: string,
  results: readonly NamedResult[],
  canteenNames: ReadonlyMap<string, string>,
): string {
  const [first] = results;
  if (first === undefined) return '';
  const lines: string[][] = [['', '现行 recorded', ...results.flatMap(({ name }) => [name, '增减 change'])]];
  const sources = sourcesOf(results.map(({ result }) => result));
  const row = (
    label: string,
    value: (figures: SimulationFigures) => number,
    format: (n: number) => string,
  ) => {
    const before = value(first.result.baseline);
    lines.push([
      label,
      format(before),
      ...results.flatMap(({ result }) => {
        const after = value(result.proposed);
        return [format(after), signed(after - before, format)];
      }),
    ]);
  };
  const count = (n: number) => String(n);
  row('售餐数 meals', (f) => f.mealsSold, count);
  row('补贴餐数 subsidised', (f) => f.subsidisedMeals, count);
  row('助餐补贴(元) subsidy', (f) => f.subsidyFen, formatYuan);
  row('运营补贴(元) operating', (f) => f.operatingSubsidyFen, formatYuan);
  row('应拨付(元) reimbursement', (f) => f.reimbursementFen, formatYuan);
  for (const source of sources)
    row(`  ${source}(元)`, (f) => f.bySource.find((part) => part.source === source)?.fen ?? 0, formatYuan);
  lines.push(['食堂 canteens (应拨付 元)']);
  for (const canteen of first.result.canteens) {
    const before = canteen.baseline.reimbursementFen;
    lines.push([
      `  ${canteenNames.get(canteen.canteenId) ?? canteen.canteenId} (${canteen.canteenId})`,
      formatYuan(before),
      ...results.flatMap(({ result }) => {
        const after =
          result.canteens.find((other) => other.canteenId === canteen.canteenId)?.proposed.reimbursementFen ??
          0;
        return [formatYuan(after), signed(after - before, formatYuan)];
      }),
    ]);
  }
  lines.push(['规则 rules (元)']);
  const ruleIds = ruleIdsOf(results.map(({ result }) => result));
  for (const ruleId of ruleIds) {
    const before = first.result.byRule.find((rule) => rule.ruleId === ruleId)?.baselineFen ?? 0;
    lines.push([
      `  ${ruleId}`,
      formatYuan(before),
      ...results.flatMap(({ result }) => {
        const after = result.byRule.find((rule) => rule.ruleId === ruleId)?.proposedFen ?? 0;
        return [formatYuan(after), signed(after - before, formatYuan)];
      }),
    ]);
  }
  const widths =
    lines[0]?.map((_, column) => Math.max(...lines.map((line) => displayWidth(line[column] ?? '')))) ?? [];
  const table = lines.map((line) =>
    line
      .map((cell, column) =>
        column === 0 ? pad(cell, widths[0] ?? 0, 'end') : pad(cell, widths[column] ?? 0, 'start'),
      )
      .join('  ')
      .trimEnd(),
  );
  const elders = results.map(
    ({ name, result: { elders } }) =>
      `老人 elders, ${name}: 补贴增加 gaining ${elders.gaining}, 减少 losing ${elders.losing}, 不变 unchanged ${elders.unchanged}`,
  );
  return [`政策测算 policy simulation ${month}`, ...table, ...elders].join('\n');
}

/** Columns a terminal gives the text: Chinese characters take two. */
function displayWidth(text: string): number {
  let width = 0;
  for (const character of text) width += /[\u2E80-\uFFEF]/.test(character) ? 2 : 1;
  return width;
}

function pad(text: string, width: number, side: 'start' | 'end'): string {
  const fill = ' '.repeat(Math.max(0, width - displayWidth(text)));
  return side === 'start' ? fill + text : text + fill;
}
