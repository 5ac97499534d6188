import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ALL_PROJECTIONS } from '../projections/all-projections.ts';
import { createGeneration, generationsOf, schemaOf } from '../projections/runner/generations.ts';
import { readModelSnapshot } from '../projections/runner/testing/read-model-snapshot.ts';
import { salesProjection } from '../projections/sales/sales.projection.ts';
import { freePort } from '../testkit/service-process.ts';
import { sellMany, setUpBureau } from '../tests/support/bureau.ts';
import { zhucan } from '../tests/support/cli.ts';
import { BEIJING_LIKE, TIANJIN_LIKE } from '../tests/support/example-policies.ts';
import { startTestService, type TestService } from '../tests/support/service.ts';

describe('zhucan projections (CLI)', () => {
  let service: TestService;
  beforeAll(async () => {
    service = await startTestService();
    const { tokens } = await setUpBureau(service);
    await sellMany(service, tokens, 30);
    await service.projections.catchUp();
  });
  afterAll(async () => {
    await service?.close();
  });

  it('rebuilds every projection with a progress bar and switches to the same rows', async () => {
    const before = await readModelSnapshot(service.database.db, ALL_PROJECTIONS);
    const { code, out, err } = await zhucan(['projections', 'rebuild'], service.database.connectionString);
    expect(code, err).toBe(0);
    expect(out).toMatch(/^sales：第 2 代已启用\(\d+\.\d 秒\)$/m);
    expect(out).toMatch(/^directory：第 2 代已启用/m);
    expect(err).toMatch(/sales \[=+\] 100% \| \d+\/\d+ events \| [\d,]+ events\/s \| 0s left/);
    expect(await readModelSnapshot(service.database.db, ALL_PROJECTIONS)).toEqual(before);
  });

  it('tells each projection’s generation and lag', async () => {
    const { code, out } = await zhucan(['projections', 'status'], service.database.connectionString);
    expect(code).toBe(0);
    expect(out).toMatch(/^sales：第 2 代，已处理 \d+ 个事件，落后 0 个\(0\.0 秒\)$/m);
    const english = await zhucan(['projections', 'status'], service.database.connectionString, {
      ZHUCAN_LANG: 'en',
    });
    expect(english.out).toMatch(/^sales: generation 2, \d+ events processed, 0 behind \(0\.0 s\)$/m);
  });

  it('gives up a generation being built, dropping its tables and keeping the active one', async () => {
    const db = service.database.db;
    const building = await createGeneration(db, salesProjection);
    expect(building.state).toBe('building');
    const { code, out } = await zhucan(
      ['projections', 'abandon', 'sales'],
      service.database.connectionString,
    );
    expect(code).toBe(0);
    expect(out).toContain(`sales：已放弃第 ${building.generation} 代`);
    const { rows } =
      await sql`SELECT 1 FROM pg_namespace WHERE nspname = ${schemaOf('sales', building.generation)}`.execute(
        db,
      );
    expect(rows).toHaveLength(0);
    expect((await generationsOf(db, 'sales')).map((generation) => generation.state)).toEqual(['active']);
    const again = await zhucan(['projections', 'abandon', 'sales'], service.database.connectionString);
    expect(again.out).toContain('sales：没有正在构建的代次');
  });

  it('refuses an unknown projection by name, listing the known ones', async () => {
    const { code, err } = await zhucan(['projections', 'rebuild', 'nope'], service.database.connectionString);
    expect(code).toBe(2);
    expect(err).toContain('错误：没有名为 nope 的读模型；可选：sales、directory');
  });

  it('simulates proposals over a month with a progress bar, as the API answers them', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'zhucan-simulate-'));
    const tianjin = path.join(folder, 'tianjin.json');
    const beijing = path.join(folder, 'beijing.json');
    await writeFile(tianjin, JSON.stringify(TIANJIN_LIKE));
    await writeFile(beijing, JSON.stringify(BEIJING_LIKE));
    const asJson = await zhucan(
      ['simulate', '--month', '2026-10', '--json', tianjin, beijing],
      service.database.connectionString,
    );
    expect(asJson.code, asJson.err).toBe(0);
    expect(asJson.err).toMatch(/测算 2026-10 \[=+\] 100% \| \d+\/\d+ 笔变动/);
    const results = JSON.parse(asJson.out);
    for (const [index, policy] of [TIANJIN_LIKE, BEIJING_LIKE].entries()) {
      const answer = await service.call('POST', '/api/v1/simulations', service.adminToken, {
        month: '2026-10',
        policy,
      });
      expect(results[index]).toEqual(answer.body);
    }
    const { code, out } = await zhucan(
      ['simulate', '--month', '2026-10', tianjin],
      service.database.connectionString,
    );
    expect(code).toBe(0);
    const reimbursement = (results[0].proposed.reimbursementFen / 100).toFixed(2);
    expect(out).toContain('政策测算 policy simulation 2026-10');
    expect(out).toMatch(
      new RegExp(`^应拨付\\(元\\) reimbursement .* ${reimbursement.replace('.', '\\.')}  `, 'm'),
    );
    expect(out).toContain('西城区食堂 (c1)');
    expect(out).toMatch(/^老人 elders, tianjin: 补贴增加 gaining \d+, 减少 losing \d+, 不变 unchanged \d+$/m);
  });

  it('refuses a proposal the policy endpoint would refuse, naming the field', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'zhucan-simulate-'));
    const broken = path.join(folder, 'broken.json');
    await writeFile(broken, JSON.stringify({ ...TIANJIN_LIKE, scope: 'everywhere' }));
    const { code, err } = await zhucan(
      ['simulate', '--month', '2026-10', broken],
      service.database.connectionString,
    );
    expect(code).toBe(2);
    expect(err).toContain('政策文件有误');
    expect(err).toMatch(/^\s+scope: /m);
    const badMonth = await zhucan(
      ['simulate', '--month', '2026-13', broken],
      service.database.connectionString,
    );
    expect(badMonth.code).toBe(2);
    expect(badMonth.err).toContain('错误：--month 应为 YYYY-MM，收到的是 2026-13');
  });
});

describe('zhucan in Chinese and English (CLI)', () => {
  // Help needs no database; the URL is never opened.
  const offline = 'postgres://nobody@127.0.0.1:1/none';

  it('helps in Chinese by default', async () => {
    const { code, out } = await zhucan(['--help'], offline, { ZHUCAN_LANG: '', LANG: 'C.UTF-8', LC_ALL: '' });
    expect(code).toBe(0);
    expect(out).toMatch(/^用法： zhucan/m);
    expect(out).toMatch(/^命令：$/m);
    expect(out).toMatch(/settlement +通过服务办理月结/);
    expect(out).toMatch(/-h, --help +显示帮助/);
    const approve = await zhucan(['settlement', 'approve', '--help'], offline, { ZHUCAN_LANG: 'zh' });
    expect(approve.out).toContain('批准：批准已审核的月份(关账人不能批准)');
    expect(approve.out).toMatch(/--note <text> +随这一步记录的备注/);
  });

  it('helps in English with ZHUCAN_LANG=en or an English locale', async () => {
    const englishes: Record<string, string>[] = [
      { ZHUCAN_LANG: 'en' },
      { ZHUCAN_LANG: '', LC_ALL: '', LANG: 'en_US.UTF-8' },
    ];
    for (const env of englishes) {
      const { code, out } = await zhucan(['settlement', '--help'], offline, env);
      expect(code).toBe(0);
      expect(out).toMatch(/^Usage: zhucan settlement/m);
      expect(out).toMatch(/approve \[options\] <month> +approve a reviewed month/);
    }
  });

  it('says what went wrong in the chosen language, with the same exit code', async () => {
    const zh = await zhucan(['settlement', 'show', '2026-10'], offline, {
      ZHUCAN_LANG: 'zh',
      ZHUCAN_TOKEN: '',
    });
    expect(zh.code).toBe(2);
    expect(zh.err.trim()).toBe('错误：请把 ZHUCAN_TOKEN 设为您的用户令牌');
    const en = await zhucan(['settlement', 'show', '2026-10'], offline, {
      ZHUCAN_LANG: 'en',
      ZHUCAN_TOKEN: '',
    });
    expect(en.code).toBe(2);
    expect(en.err.trim()).toBe('zhucan: set ZHUCAN_TOKEN to your user token');
  });

  it('names the address it could not reach, and words commander’s own errors', async () => {
    const nobody = `http://127.0.0.1:${await freePort()}`;
    const away = await zhucan(['settlement', 'show', '2026-10'], offline, {
      ZHUCAN_TOKEN: 'zu_x.nobody',
      ZHUCAN_URL: nobody,
    });
    expect(away.code).toBe(2);
    expect(away.err.trim()).toMatch(
      new RegExp(`^错误：连不上服务 ${nobody}\\(ZHUCAN_URL\\)：.*ECONNREFUSED`),
    );
    const unknown = await zhucan(['projections', 'status', '--bogus'], offline);
    expect(unknown.code).not.toBe(0);
    expect(unknown.err.trim()).toBe("错误：未知选项 '--bogus'");
    const english = await zhucan(['projections', 'status', '--bogus'], offline, { ZHUCAN_LANG: 'en' });
    expect(english.err.trim()).toBe("error: unknown option '--bogus'");
    const typo = await zhucan(['projections', 'statuss'], offline);
    expect(typo.err.trim()).toBe("错误：未知命令 'statuss'\n(是否想输入 status？)");
    const missing = await zhucan(['verify'], offline);
    expect(missing.err.trim()).toBe("错误：缺少参数 'statement.pdf'");
  });
});
