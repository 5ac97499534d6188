import { axisMoney, formatMoney, sourceName, words } from './i18n.js';

/* global echarts: loaded from /dashboard/assets/echarts.min.js before this module. */

export const FONT = { fontFamily: '"Noto Sans SC", sans-serif', fontSize: 15, color: '#1f2a37' };
const COLORS = ['#1d6fb8', '#e07a1f', '#2e9d5b', '#b8412f', '#7a5bb5', '#8a8f98'];

/*
 * Tooltips are plain text joined by <br>: ECharts' own tooltip markup carries inline style
 * attributes (its coloured markers), which the page's Content-Security-Policy (style-src 'self')
 * refuses; ECharts styles the tooltip box itself through the DOM, which the policy allows.
 */
const TOOLTIP = { textStyle: { ...FONT, fontSize: 15 } };

export function escapeHtml(text) {
  return String(text).replace(/[&<>"']/g, (character) => `&#${character.charCodeAt(0)};`);
}

function tooltipLines(...lines) {
  return lines.map(escapeHtml).join('<br>');
}

const charts = new Map();

/** The chart drawn in an element, made on first use. */
export function chartIn(element) {
  let chart = charts.get(element);
  if (!chart) {
    chart = echarts.init(element, null, { renderer: 'canvas' });
    charts.set(element, chart);
  }
  return chart;
}

/** Fits every chart to its element; a chart whose element left the page is let go. */
export function resizeCharts() {
  for (const [element, chart] of charts) {
    if (element.isConnected) chart.resize();
    else {
      chart.dispose();
      charts.delete(element);
    }
  }
}

/** The month's reimbursable subsidy by funding source, as a ring. */
export function drawSources(element, bySource) {
  const fenOf = new Map(bySource.map((part) => [sourceName(part.source, part), part.fen]));
  chartIn(element).setOption(
    {
      color: COLORS,
      textStyle: FONT,
      tooltip: {
        ...TOOLTIP,
        trigger: 'item',
        formatter: (item) => `${item.name}\n${formatMoney(item.value)}`,
      },
      // The amounts stand in the legend, where they have room; the ring says each part's share.
      legend: {
        orient: 'vertical',
        bottom: 0,
        textStyle: FONT,
        formatter: (name) => `${name}  ${formatMoney(fenOf.get(name) ?? 0)}`,
      },
      series: [
        {
          type: 'pie',
          radius: ['36%', '62%'],
          center: ['50%', '40%'],
          label: { ...FONT, formatter: '{d}%' },
          data: [...fenOf].map(([name, value]) => ({ name, value })),
        },
      ],
    },
    true,
  );
}

/**
 * Meals per day as bars, subsidy per day (in fen, labelled in whole yuan) as a line on its own
 * axis. Counts step by whole meals, money by whole yuan; a month without meals keeps 0–5 and
 * ￥0–￥5, so that it looks empty rather than scaled up to one meal and one fen.
 */
export function drawTrend(element, trend) {
  const w = words();
  const atLeast = (least) => (extent) => (extent.max > 0 ? null : least);
  chartIn(element).setOption(
    {
      color: COLORS,
      textStyle: FONT,
      grid: { left: 56, right: 84, top: 48, bottom: 36 },
      tooltip: {
        ...TOOLTIP,
        trigger: 'axis',
        formatter: (items) =>
          tooltipLines(
            `${trend[items[0]?.dataIndex ?? 0]?.date ?? ''}`,
            ...items.map((item) =>
              item.seriesIndex === 2
                ? `${item.seriesName} ${formatMoney(item.value)}`
                : `${item.seriesName} ${item.value}`,
            ),
          ),
      },
      legend: { top: 0, textStyle: FONT },
      xAxis: {
        type: 'category',
        data: trend.map((day) => day.date.slice(8)),
        axisLabel: FONT,
      },
      yAxis: [
        { type: 'value', minInterval: 1, max: atLeast(5), axisLabel: FONT },
        {
          type: 'value',
          minInterval: 100,
          max: atLeast(500),
          splitLine: { show: false },
          axisLabel: { ...FONT, formatter: (fen) => axisMoney(fen) },
        },
      ],
      series: [
        { name: w.trendMeals, type: 'bar', data: trend.map((day) => day.meals) },
        { name: w.trendSubsidised, type: 'bar', data: trend.map((day) => day.subsidisedMeals) },
        {
          name: w.trendSubsidy,
          type: 'line',
          yAxisIndex: 1,
          symbolSize: 8,
          data: trend.map((day) => day.subsidyFen),
        },
      ],
    },
    true,
  );
}

/**
 * Where each canteen's name goes: right of its dot, else left, else below, wherever it covers no
 * other dot (names are CJK, about a font size wide a character). Names that still meet another
 * are hidden by ECharts; the tooltip always has the name.
 */
function labelPositions(chart, places, sizeOf) {
  const dots = places.map((place) => {
    const [x, y] = chart.convertToPixel({ seriesIndex: 0 }, [place.lng, place.lat]);
    return { x, y, r: sizeOf(place) / 2, width: place.name.length * FONT.fontSize };
  });
  const half = FONT.fontSize * 0.75;
  const boxes = ({ x, y, r, width }) => ({
    right: [x + r, x + r + 5 + width, y - half, y + half],
    left: [x - r - 5 - width, x - r, y - half, y + half],
    bottom: [x - width / 2, x + width / 2, y + r, y + r + 5 + 2 * half],
  });
  const covers = ([left, right, top, bottom], dot) =>
    Math.hypot(
      dot.x - Math.max(left, Math.min(dot.x, right)),
      dot.y - Math.max(top, Math.min(dot.y, bottom)),
    ) < dot.r;
  return dots.map((dot) => {
    const others = dots.filter((other) => other !== dot);
    const free = Object.entries(boxes(dot)).find(([, box]) => !others.some((other) => covers(box, other)));
    return free ? free[0] : 'right';
  });
}

/** Canteens placed by longitude and latitude, sized by this month's meals: no map tiles. */
export function drawMap(element, places) {
  const lngs = places.map((place) => place.lng);
  const lats = places.map((place) => place.lat);
  const margin = 0.02;
  const most = Math.max(1, ...places.map((place) => place.meals));
  const sizeOf = (place) => 14 + Math.round((place.meals * 26) / most);
  const data = (positions) =>
    places.map((place, index) => ({
      value: [place.lng, place.lat],
      name: place.name,
      meals: place.meals,
      ...(positions ? { label: { position: positions[index] } } : {}),
    }));
  const chart = chartIn(element);
  chart.setOption(
    {
      color: COLORS,
      textStyle: FONT,
      grid: { left: 96, right: 96, top: 24, bottom: 36 },
      tooltip: {
        ...TOOLTIP,
        trigger: 'item',
        formatter: (item) => tooltipLines(item.data.name, `${words().meals} ${item.data.meals}`),
      },
      xAxis: {
        type: 'value',
        min: Math.min(...lngs) - margin,
        max: Math.max(...lngs) + margin,
        show: false,
      },
      yAxis: { type: 'value', min: Math.min(...lats) - margin, max: Math.max(...lats) + margin, show: false },
      series: [
        {
          type: 'scatter',
          symbolSize: (_value, item) => sizeOf(item.data),
          label: { show: true, position: 'right', ...FONT, formatter: (item) => item.data.name },
          labelLayout: { hideOverlap: true },
          data: data(),
        },
      ],
    },
    true,
  );
  // The names are placed once the axes know their pixels.
  chart.setOption({ series: [{ data: data(labelPositions(chart, places, sizeOf)) }] });
}
