import { chartIn, escapeHtml, FONT } from './charts.js';
import { axisMoney } from './i18n.js';
import { money } from './simulation-policy.js';

export { resizeCharts } from './charts.js';

/** The month as recorded in grey, the proposals in the dashboard's first colours. */
export const RECORDED_COLOR = '#8a8f98';
export const PROPOSAL_COLORS = ['#1d6fb8', '#e07a1f', '#2e9d5b'];

/** Axis labels in whole yuan where they are whole (ticks step by whole yuan), thousands apart. */
const moneyTick = (fen) => axisMoney(fen, { grouped: true });

/**
 * Grouped bars: one group per category (a funding source, a canteen), one bar per series (the month
 * as recorded, then each proposal). Values are fen. `horizontal` lays the categories down the side,
 * for long lists of canteens.
 */
export function drawComparison(element, { categories, series, horizontal = false }) {
  const colors = [RECORDED_COLOR, ...PROPOSAL_COLORS];
  const valueAxis = {
    type: 'value',
    minInterval: 100,
    axisLabel: { ...FONT, formatter: moneyTick },
  };
  const categoryAxis = {
    type: 'category',
    data: categories,
    inverse: horizontal,
    axisLabel: { ...FONT, interval: 0, width: horizontal ? 150 : 120, overflow: 'truncate' },
  };
  chartIn(element).setOption(
    {
      color: colors,
      textStyle: FONT,
      animationDuration: 300,
      grid: horizontal
        ? { left: 8, right: 32, top: 40, bottom: 8, containLabel: true }
        : { left: 8, right: 16, top: 40, bottom: 8, containLabel: true },
      legend: { top: 0, textStyle: FONT, type: 'scroll' },
      tooltip: {
        textStyle: FONT,
        trigger: 'axis',
        axisPointer: { type: 'shadow' },
        formatter: (items) =>
          [items[0]?.name ?? '', ...items.map((item) => `${item.seriesName}  ${money(item.value)}`)]
            .map(escapeHtml)
            .join('<br>'),
      },
      xAxis: horizontal ? valueAxis : categoryAxis,
      yAxis: horizontal ? categoryAxis : valueAxis,
      series: series.map(({ name, data }) => ({
        name,
        type: 'bar',
        data,
        barMaxWidth: 28,
        emphasis: { focus: 'series' },
      })),
    },
    true,
  );
}
