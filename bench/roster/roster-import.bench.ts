import ExcelJS from 'exceljs';
import { connect } from '../../database/connect.ts';
import { migrateToLatest } from '../../database/migrations.ts';
import { ROSTER_COLUMNS } from '../../domain/elders/roster.ts';
import { createApp } from '../../settlement-service/app.ts';
import { serve } from '../../testkit/http.ts';
import { idNumber } from '../../testkit/id-numbers.ts';
import { startDurableServer } from '../durable-server.ts';
import { perSecond } from '../measure.ts';
import { serviceDependencies } from '../service-dependencies.ts';

export interface RosterImportBenchOptions {
  /** Rows in the roster (default 10,000). */
  readonly rows: number;
  readonly log: (line: string) => void;
}

const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet';
const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';
const GIVEN = '秀英桂兰建国志强淑珍玉梅文华明德春芳凤霞海涛';

/** A district's roster: every elder with a card, a home canteen and a category. */
async function rosterOf(rows: number): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet('花名册');
  sheet.addRow([...ROSTER_COLUMNS]);
  for (let index = 0; index < rows; index++) {
    const year = 1930 + (index % 35);
    const birth = `${year}-${String(1 + (index % 12)).padStart(2, '0')}-${String(1 + (index % 28)).padStart(2, '0')}`;
    const name = `${SURNAMES[index % SURNAMES.length]}${GIVEN[(index * 7) % GIVEN.length]}${GIVEN[(index * 3) % GIVEN.length]}`;
    sheet.addRow([
      name,
      idNumber(birth, String(index % 1000).padStart(3, '0'), String(110101 + Math.floor(index / 1000))),
      '东城区',
      `街道${index % 17}`,
      `c${index % 20}`,
      index % 3 === 0 ? '低保,残疾' : index % 3 === 1 ? '特困' : '',
      index % 3 === 2 ? '' : '2026-01-01',
      '',
      `RC${String(index).padStart(6, '0')}`,
    ]);
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

/** A roster of `rows` elders imported through the HTTP API on the durable embedded default. */
export async function benchRosterImport(options: RosterImportBenchOptions): Promise<string> {
  const server = await startDurableServer();
  try {
    const connection = connect(await server.database('bench_roster'), 30);
    await migrateToLatest(connection.db);
    const deps = serviceDependencies(connection, options.log);
    const _store = deps.eventStore;
    const app = await serve(createApp(deps));
    const send = async (path: string, body?: Buffer) => {
      const started = performance.now();
      const response = await fetch(`${app.url}${path}`, {
        method: body ? 'POST' : 'PUT',
        headers: {
          authorization: `Bearer ${deps.adminToken}`,
          'content-type': body ? XLSX : 'application/json',
        },
        body: body ? new Uint8Array(body) : JSON.stringify(CANTEEN),
      });
      const answer = (await response.json()) as { summary?: Record<string, number> };
      if (response.status !== 200) throw new Error(`${path}: ${response.status} ${JSON.stringify(answer)}`);
      return { summary: answer.summary, seconds: (performance.now() - started) / 1000 };
    };
    for (let canteen = 0; canteen < 20; canteen++) await send(`/api/v1/canteens/c${canteen}`);
    options.log(`roster-import: writing a roster of ${options.rows} rows`);
    const roster = await rosterOf(options.rows);
    options.log(`roster-import: dry run`);
    const dry = await send('/api/v1/elders/import?dryRun=true', roster);
    options.log(`roster-import: importing`);
    const imported = await send('/api/v1/elders/import', roster);
    options.log(`roster-import: importing again`);
    const again = await send('/api/v1/elders/import', roster);
    await app.close();
    await connection.db.destroy();
    const line = (label: string, run: { seconds: number; summary?: Record<string, number> }, target = '') =>
      `| ${label} | ${run.seconds.toFixed(1)} s (${perSecond(options.rows / run.seconds)} rows) | ${JSON.stringify(run.summary)} | ${target} |`;
    return [
      `Roster of ${options.rows.toLocaleString('en-US')} rows (${(roster.length / 2 ** 20).toFixed(1)} MiB), every elder with a card, 20 canteens.`,
      '',
      '| request | time (rows/s) | summary | target |',
      '|---|---:|---|---:|',
      line('dry run (checks every row, writes nothing)', dry),
      line('import (registers elders and binds cards)', imported, '< 60 s'),
      line('the same file again (all unchanged)', again),
    ].join('\n');
  } finally {
    await server.stop();
  }
}

const CANTEEN = {
  name: '食堂',
  district: '东城区',
  town: '街道0',
  periods: { lunch: { from: '11:00', to: '13:30' } },
  menu: [{ itemId: 'set-a', name: '荤素套餐', priceFen: 1200 }],
};
