import os from 'node:os';
import { benchEventStore } from './event-store/event-store.bench.ts';
import { benchHistory } from './history/history.bench.ts';
import { benchLoad } from './load/load.bench.ts';
import { benchProjections } from './projections/projections.bench.ts';
import { benchRosterImport } from './roster/roster-import.bench.ts';
import { benchSales } from './sales/sales.bench.ts';
import { benchSettlement } from './settlement/settlement.bench.ts';
import { benchSettlementYears } from './settlement/settlement-years.bench.ts';
import { benchSimulation } from './simulation/simulation.bench.ts';
import { benchSupervision } from './supervision.ts';
import { benchSupervisionProjection } from './supervision-projection.ts';
import { benchTerminal } from './terminal/terminal.bench.ts';

/**
 * `npm run bench`: prints figures, asserts nothing. Sizes can be lowered for a quick look with
 * ZHUCAN_BENCH_EVENTS (default 1,000,000), ZHUCAN_BENCH_SECONDS (default 5) and
 * ZHUCAN_BENCH_ELDERS_PER_CANTEEN (default 20, over 1,000 canteens), ZHUCAN_BENCH_HISTORY (events
 * for the projection rebuild, default 2,000,000), ZHUCAN_BENCH_MEALS (meals in the settled month,
 * default 1,000,000), ZHUCAN_BENCH_QUEUED (offline sales a terminal syncs at once, default 10,000).
 * The load benchmark runs ZHUCAN_BENCH_SECONDS of mixed traffic (default 600 there) from 200 terminals,
 * each selling once every ZHUCAN_BENCH_LOAD_PACE_MS on average (default 1,000).
 * The supervision benchmark folds a month of ZHUCAN_BENCH_SUPERVISION_SALES sales (default 300,000) at
 * 200 canteens with 20,000 cards through the fraud checks, in memory. The supervision-projection
 * benchmark records such a month as events for a district (20 canteens, 2,000 cards, 30,000 sales) and
 * the city, rebuilds the projection over it and then appends at 20 and 100 sales a second for
 * ZHUCAN_BENCH_LIVE_SECONDS each (default 60) while the runner runs; ZHUCAN_BENCH_SUPERVISION_SIZES
 * (default district,city; also province, five cities' traffic) picks the months.
 * The sales benchmark runs again with ZHUCAN_BENCH_HISTORY_ELDERS_PER_CANTEEN elders a canteen (default 2)
 * who each have ZHUCAN_BENCH_HISTORY_MEALS earlier meals (default 365).
 * The history benchmark gives one elder ZHUCAN_BENCH_ELDER_MEALS recorded meals (default 3,650: five years of
 * lunch and dinner) and times that elder's sales, quotes and counter taps beside a new elder's.
 * The settlement-years benchmark settles a month of ZHUCAN_BENCH_MONTH_MEALS meals (default 50,000) in a store
 * of that month alone and in one of ZHUCAN_BENCH_MONTHS such months (default 36).
 * The simulation benchmark decides a district month of ZHUCAN_BENCH_DISTRICT_MEALS meals (default 30,000) again under a
 * proposal, alone and among ZHUCAN_BENCH_SIMULATION_MONTHS such months (default 12), and a city month of
 * ZHUCAN_BENCH_CITY_MEALS meals (default 1,000,000).
 * ZHUCAN_BENCH_ONLY=event-store, =projections, =sales, =settlement, =settlement-years, =simulation, =terminal,
 * =history, =load, =supervision, =supervision-projection or =roster-import runs one part.
 * The roster-import benchmark imports an XLSX roster of ZHUCAN_BENCH_ROSTER_ROWS elders (default 10,000)
 * through the HTTP API.
 */
const events = Number(process.env.ZHUCAN_BENCH_EVENTS ?? 1_000_000);
const seconds = Number(process.env.ZHUCAN_BENCH_SECONDS ?? 5);
const log = (line: string) => console.error(line);

const machine = `${os.cpus().length} × ${os.cpus()[0]?.model ?? 'cpu'}, ${Math.round(os.totalmem() / 2 ** 30)} GiB, node ${process.version}`;
console.log(
  `# 助餐通 benchmarks\n\nMachine: ${machine}. PostgreSQL: embedded, durable defaults (fsync and synchronous commit on).\n`,
);
const only = process.env.ZHUCAN_BENCH_ONLY;
if (!only || only === 'event-store') {
  console.log(`## Event store\n\n${await benchEventStore({ events, seconds, log })}\n`);
}
if (!only || only === 'projections') {
  const history = Number(process.env.ZHUCAN_BENCH_HISTORY ?? 2_000_000);
  console.log(`## Projections\n\n${await benchProjections({ events: history, log })}\n`);
}
if (!only || only === 'sales') {
  const eldersPerCanteen = Number(process.env.ZHUCAN_BENCH_ELDERS_PER_CANTEEN ?? 20);
  const sales = await benchSales({
    canteens: 1000,
    eldersPerCanteen,
    terminals: 50,
    seconds: seconds * 4,
    log,
  });
  console.log(`## Sales API\n\n${sales}\n`);
  const historyMeals = Number(process.env.ZHUCAN_BENCH_HISTORY_MEALS ?? 365);
  const withHistory = await benchSales({
    canteens: 1000,
    eldersPerCanteen: Number(process.env.ZHUCAN_BENCH_HISTORY_ELDERS_PER_CANTEEN ?? 2),
    historyMeals,
    terminals: 50,
    seconds: seconds * 4,
    log,
  });
  console.log(`### Sales API with elders who have eaten here a year\n\n${withHistory}\n`);
}
if (!only || only === 'settlement') {
  const meals = Number(process.env.ZHUCAN_BENCH_MEALS ?? 1_000_000);
  console.log(`## Monthly settlement\n\n${await benchSettlement({ meals, log })}\n`);
}
if (!only || only === 'settlement-years') {
  const years = await benchSettlementYears({
    mealsPerMonth: Number(process.env.ZHUCAN_BENCH_MONTH_MEALS ?? 50_000),
    months: Number(process.env.ZHUCAN_BENCH_MONTHS ?? 36),
    log,
  });
  console.log(`## Settlement over years of history\n\n${years}\n`);
}
if (!only || only === 'simulation') {
  const simulation = await benchSimulation({
    districtMeals: Number(process.env.ZHUCAN_BENCH_DISTRICT_MEALS ?? 30_000),
    cityMeals: Number(process.env.ZHUCAN_BENCH_CITY_MEALS ?? 1_000_000),
    months: Number(process.env.ZHUCAN_BENCH_SIMULATION_MONTHS ?? 12),
    log,
  });
  console.log(`## Policy simulation\n\n${simulation}\n`);
}
if (!only || only === 'terminal') {
  const queued = Number(process.env.ZHUCAN_BENCH_QUEUED ?? 10_000);
  console.log(`## Counter terminal\n\n${await benchTerminal({ sales: 300, queued, elders: 300, log })}\n`);
}
if (!only || only === 'history') {
  const meals = Number(process.env.ZHUCAN_BENCH_ELDER_MEALS ?? 3650);
  const history = await benchHistory({ meals, interleaved: 500, queued: 1000, log });
  console.log(`## Years of one elder's history\n\n${history}\n`);
}
if (!only || only === 'supervision') {
  const supervision = benchSupervision({
    canteens: 200,
    cards: 20_000,
    sales: Number(process.env.ZHUCAN_BENCH_SUPERVISION_SALES ?? 300_000),
    seed: 1,
    log,
  });
  console.log(`## Supervision checks\n\n${supervision}\n`);
}
if (!only || only === 'supervision-projection') {
  const sizes = [
    { name: 'district', canteens: 20, cards: 2000, sales: 30_000, seed: 1 },
    { name: 'city', canteens: 200, cards: 20_000, sales: 300_000, seed: 1 },
    { name: 'province', canteens: 1000, cards: 100_000, sales: 1_500_000, seed: 1 },
  ];
  const picked = (process.env.ZHUCAN_BENCH_SUPERVISION_SIZES ?? 'district,city').split(',');
  const projection = await benchSupervisionProjection({
    sizes: sizes.filter((size) => picked.includes(size.name)),
    rates: [20, 100],
    liveSeconds: Number(process.env.ZHUCAN_BENCH_LIVE_SECONDS ?? 60),
    log,
  });
  console.log(`## Supervision projection\n\n${projection}\n`);
}
if (!only || only === 'roster-import') {
  const rows = Number(process.env.ZHUCAN_BENCH_ROSTER_ROWS ?? 10_000);
  console.log(`## Roster import\n\n${await benchRosterImport({ rows, log })}\n`);
}
if (!only || only === 'load') {
  const load = await benchLoad({
    seconds: Number(process.env.ZHUCAN_BENCH_SECONDS ?? 600),
    terminals: 200,
    canteens: 20,
    elders: 2000,
    paceMs: Number(process.env.ZHUCAN_BENCH_LOAD_PACE_MS ?? 1000),
    log,
  });
  console.log(`## Load: mixed traffic\n\n${load}\n`);
}
