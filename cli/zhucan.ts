/**
 * zhucan: the operator's command line. `zhucan projections status`, `zhucan projections rebuild [name]`,
 * `zhucan projections abandon <name>`, `zhucan verify <statement.pdf>`,
 * `zhucan settlement show|close|review|approve|pay <month>` (through the service's API),
 * `zhucan simulate --month <YYYY-MM> <proposal.json…>` (政策测算),
 * `zhucan backup <file>` and `zhucan restore <file>` (the embedded database's data folder).
 * It opens the same database and event store as the service (DATABASE_URL, KURRENTDB_URL,
 * ZHUCAN_DATA_DIR) and may run while the service runs.
 */
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { Command, CommanderError } from 'commander';
import { BackupRefused, type BackupSummary, backupDataDir, restoreDataDir } from '../database/backup.ts';
import { openDatabase } from '../database/connect.ts';
import { storageFromEnvironment } from '../database/storage-config.ts';
import { hashPin } from '../domain/identity/pin-hash.ts';
import { formatYuan } from '../domain/money.ts';
import type { PolicyDocument } from '../domain/policy/policy-types.ts';
import type { SettlementStatus } from '../domain/settlement/settlement.ts';
import { SETTLEMENT_STATUS_WORDS } from '../domain/settlement/status-words.ts';
import { parseProposal } from '../domain/simulation/proposal.ts';
import { isMonthKey } from '../domain/time/calendar.ts';
import { openEventStore } from '../event-store/open-event-store.ts';
import { ALL_PROJECTIONS } from '../projections/all-projections.ts';
import { canteenNamesOf } from '../projections/directory/directory-queries.ts';
import { abandonBuilding } from '../projections/runner/generations.ts';
import { ProjectionRunner } from '../projections/runner/projection-runner.ts';
import { rebuildProjection } from '../projections/runner/rebuild.ts';
import { namedSimulation } from '../projections/simulation/named-simulation.ts';
import { simulateProposals } from '../projections/simulation/simulate-month.ts';
import { ACCEPT_LANGUAGE, commanderError, errorLine, helpSettings, say } from './language.ts';
import { rebuildProgressBar } from './progress.ts';
import { describeSimulation, simulationProgressBar } from './simulate.ts';

async function withStore<T>(
  work: (
    store: ReturnType<typeof openEventStore>,
    database: Awaited<ReturnType<typeof openDatabase>>,
  ) => Promise<T>,
): Promise<T> {
  const config = storageFromEnvironment();
  const database = await openDatabase({
    databaseUrl: config.databaseUrl,
    dataDir: config.dataDir,
    poolSize: 4,
  });
  const store = openEventStore({ kurrentDbUrl: config.kurrentDbUrl, database });
  try {
    return await work(store, database);
  } finally {
    await store.close();
    await database.close();
  }
}

const program = new Command('zhucan')
  .description(
    say('助餐通 运维命令行(ZHUCAN_LANG=en 显示英文)', '助餐通 operations (ZHUCAN_LANG=zh for Chinese)'),
  )
  .configureHelp(helpSettings())
  .helpOption('-h, --help', say('显示帮助', 'display help for command'))
  .helpCommand('help [command]', say('显示某个命令的帮助', 'display help for command'))
  .configureOutput({ outputError: (text, write) => write(commanderError(text)) })
  .exitOverride();
const projections = program
  .command('projections')
  .description(say('读模型：由事件构建的查询表', 'read models built from the events'));

projections
  .command('status')
  .description(
    say(
      '各读模型的代次、已处理事件数和落后多少',
      'each projection: generation, events processed, how far behind',
    ),
  )
  .action(() =>
    withStore(async (store, database) => {
      const statuses = await new ProjectionRunner(store, database.db, ALL_PROJECTIONS).status();
      for (const status of statuses) {
        const generation = status.generation ?? '-';
        const seconds = status.secondsBehind.toFixed(1);
        const building = status.building?.generation;
        console.log(
          say(
            `${status.name}：第 ${generation} 代，已处理 ${status.eventsProcessed} 个事件，落后 ${status.eventsBehind} 个(${seconds} 秒)` +
              (building === undefined ? '' : `，正在构建第 ${building} 代`),
            `${status.name}: generation ${generation}, ${status.eventsProcessed} events processed, ` +
              `${status.eventsBehind} behind (${seconds} s)` +
              (building === undefined ? '' : `, building generation ${building}`),
          ) + (status.failure ? `\n  ${say('已停止', 'FAILED')}: ${status.failure}` : ''),
        );
      }
    }),
  );

projections
  .command('rebuild')
  .argument(
    '[name]',
    say(
      `${ALL_PROJECTIONS.map((projection) => projection.name).join('、')} 之一；不写则全部重建`,
      `one of ${ALL_PROJECTIONS.map((projection) => projection.name).join(', ')}; all when left out`,
    ),
  )
  .description(
    say(
      '重建到新表，追上后切换；重建期间查询照常',
      'rebuild into fresh tables and switch over when caught up; queries keep answering meanwhile',
    ),
  )
  .option(
    '--batch-size <events>',
    say('每个事务处理的事件数', 'events per transaction'),
    (value) => positiveInteger(value),
    5000,
  )
  .action((name: string | undefined, options: { batchSize: number }) => {
    const chosen = name === undefined ? ALL_PROJECTIONS : [projectionCalled(name)];
    return withStore(async (store, database) => {
      for (const projection of chosen) {
        const bar = rebuildProgressBar(projection.name);
        const started = Date.now();
        const generation = await rebuildProjection(store, database.db, projection, {
          batchSize: options.batchSize,
          onProgress: bar.update,
        }).finally(bar.stop);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        console.log(
          say(
            `${projection.name}：第 ${generation} 代已启用(${seconds} 秒)`,
            `${projection.name}: generation ${generation} is active (${seconds} s)`,
          ),
        );
      }
    });
  });

projections
  .command('abandon')
  .argument('<name>', say('要放弃重建的读模型', 'the projection whose rebuild to give up'))
  .description(
    say(
      '放弃正在构建的代次(删除其表；当前代次照常查询)',
      'give up a generation being built (its tables are dropped; the active one keeps answering)',
    ),
  )
  .action((name: string) => {
    const projection = projectionCalled(name);
    return withStore(async (_store, database) => {
      const abandoned = await abandonBuilding(database.db, projection.name);
      console.log(
        abandoned.length === 0
          ? say(`${projection.name}：没有正在构建的代次`, `${projection.name}: no generation is being built`)
          : say(
              `${projection.name}：已放弃第 ${abandoned.join('、')} 代`,
              `${projection.name}: gave up generation ${abandoned.join(', ')}`,
            ),
      );
    });
  });

program
  .command('verify')
  .argument('<statement.pdf>', say('民政局出具的食堂对账单', 'a canteen statement as the bureau issued it'))
  .description(
    say(
      '请服务按事件重新核算对账单(ZHUCAN_URL；ZHUCAN_TOKEN 为审计员、审核员或管理员的令牌)，输出 "matches"(一致)或第一笔不一致的销售',
      'have the service recompute a statement from the events (ZHUCAN_URL, ZHUCAN_TOKEN of an auditor, reviewer or admin) and report "matches" or the first sale that differs',
    ),
  )
  .action(async (file: string) => {
    const answer = (await askService('POST', '/api/v1/statements/verify', {
      type: 'application/pdf',
      bytes: await readFile(file),
    })) as { verifications: Verification[] };
    const [result] = answer.verifications;
    if (!result) throw new Error(say('服务没有核验任何内容', 'nothing was verified'));
    const where = `${result.month} ${result.canteenId}, digest ${result.claimedDigest}`;
    if (result.matches && result.figuresMatch) {
      console.log(`matches: ${where}`);
      return;
    }
    const difference = result.firstDifference;
    throw new StatementDiffers(
      difference
        ? `differs: ${where}; first differing event #${difference.index + 1}, sale ${difference.saleId ?? '(missing from the store)'}`
        : `differs: ${where}; the events match but the figures do not`,
    );
  });

/** What the service answers for each statement verified. */
interface Verification {
  readonly month: string;
  readonly canteenId: string;
  readonly matches: boolean;
  readonly figuresMatch: boolean;
  readonly claimedDigest: string;
  readonly firstDifference: { readonly index: number; readonly saleId: string | null } | null;
}

program
  .command('simulate')
  .argument(
    '<proposal.json...>',
    say(
      '最多三个拟议政策文件(政策语言；编号和日期可省略)',
      'up to three proposed policy documents (the policy language; id and dates may be left out)',
    ),
  )
  .requiredOption(
    '--month <YYYY-MM>',
    say('按哪个月已记录的就餐重新测算', 'the business month whose recorded meals are decided again'),
  )
  .option(
    '--json',
    say(
      '按 API 的格式输出结果(每个方案一份)',
      'print the results as the API answers them (one per proposal)',
    ),
  )
  .description(
    say(
      '政策测算：各方案在该月会补贴多少，与实际记录对照(不记录任何内容)',
      '政策测算: what each proposal would have paid for the month, beside the month as recorded (nothing is recorded)',
    ),
  )
  .action((files: string[], options: { month: string; json?: boolean }) => {
    if (!isMonthKey(options.month))
      throw new Error(
        say(
          `--month 应为 YYYY-MM，收到的是 ${options.month}`,
          `--month: expected YYYY-MM, got ${options.month}`,
        ),
      );
    if (files.length > 3)
      throw new Error(say('一次最多对照三个方案', 'at most three proposals are compared at once'));
    return withStore(async (store, database) => {
      const proposals: PolicyDocument[] = [];
      for (const file of files) {
        let document: unknown;
        try {
          document = JSON.parse(await readFile(file, 'utf8'));
        } catch (error) {
          const why = error instanceof Error ? error.message : String(error);
          throw new Error(say(`${file}：不是 JSON(${why})`, `${file}: not JSON (${why})`));
        }
        const parsed = parseProposal(options.month, document);
        if (!parsed.ok)
          throw new Error(
            `${file}: 政策文件有误 the policy was refused:\n${parsed.issues.map((issue) => `  ${issue.path || '(document)'}: ${issue.message}`).join('\n')}`,
          );
        proposals.push(parsed.policy);
      }
      const bar = simulationProgressBar(options.month);
      const results = await simulateProposals(store, database.db, options.month, proposals, {
        timeoutMs: 3_600_000,
        onProgress: bar.update,
      }).finally(bar.stop);
      if (options.json) {
        const named = await Promise.all(
          results.map((result, index) =>
            namedSimulation(database.db, result, proposals[index] as PolicyDocument),
          ),
        );
        console.log(JSON.stringify(named, null, 2));
        return;
      }
      const names = await canteenNamesOf(
        database.db,
        (results[0]?.canteens ?? []).map((canteen) => canteen.canteenId),
      );
      const named = results.map((result, index) => ({
        name: path.basename(files[index] ?? '', '.json'),
        result,
      }));
      console.log(describeSimulation(options.month, named, names));
    });
  });

program
  .command('terminal')
  .description(say('柜台终端', 'counter terminals'))
  .command('hash-pin')
  .argument(
    '[pin]',
    say(
      'PIN 码；不写则从标准输入读取(不留在命令历史里)',
      'the PIN; read from standard input when not given (keeps it out of the shell history)',
    ),
  )
  .description(
    say(
      '收银员 PIN 码在终端设置文件中的保存形式(scrypt 加盐)',
      "a cashier PIN as a terminal's settings file keeps it (scrypt, salted)",
    ),
  )
  .action(async (pin: string | undefined) => {
    const given = (pin ?? (await readStandardInput())).trim();
    if (!/^\d{4,12}$/.test(given))
      throw new Error(say('PIN 码应为 4 到 12 位数字', 'a PIN is 4 to 12 digits'));
    console.log(hashPin(given));
  });

async function readStandardInput(): Promise<string> {
  let text = '';
  for await (const chunk of process.stdin) text += chunk;
  return text;
}

const settlements = program
  .command('settlement')
  .description(
    say(
      '通过服务办理月结(ZHUCAN_URL，默认 http://localhost:8080；ZHUCAN_TOKEN)',
      'monthly settlement through the service (ZHUCAN_URL, default http://localhost:8080; ZHUCAN_TOKEN)',
    ),
  );
for (const [name, description] of [
  [
    'show',
    say('查看该月各食堂的数字(未关账时为暂定数)', 'the month’s figures per canteen (provisional while open)'),
  ],
  ['close', say('关账：关闭已结束的月份', 'close an ended month')],
  ['review', say('审核：登记已关账月份的审核', 'record the review of a closed month')],
  [
    'approve',
    say('批准：批准已审核的月份(关账人不能批准)', 'approve a reviewed month (not by whoever closed it)'),
  ],
  ['pay', say('拨付：登记已批准月份的拨付', 'record the payment of an approved month')],
] as const) {
  settlements
    .command(name)
    .argument('<month>', 'YYYY-MM')
    .option('--note <text>', say('随这一步记录的备注', 'a note recorded with the step'))
    .description(description)
    .action(async (month: string, options: { note?: string }) => {
      const path = `/api/v1/settlements/${encodeURIComponent(month)}${name === 'show' ? '' : `/${name}`}`;
      const note = options.note
        ? { type: 'application/json', bytes: Buffer.from(JSON.stringify({ note: options.note })) }
        : undefined;
      const answer = await askService(name === 'show' ? 'GET' : 'POST', path, note);
      console.log(describeMonth(answer as MonthAnswer));
    });
}

/** What the month's answer carries that the command line prints. */
interface MonthAnswer {
  readonly month: string;
  readonly status: SettlementStatus;
  readonly digest: string;
  readonly canteens: readonly {
    readonly canteenId: string;
    readonly name: string | null;
    readonly mealsSold: number;
    readonly reimbursementFen: number;
  }[];
  readonly totals: { readonly reimbursementFen: number };
}

/** A month as people read it: its state in words, each canteen by name (its id where none was given). */
function describeMonth(view: MonthAnswer): string {
  const status = SETTLEMENT_STATUS_WORDS[view.status];
  const lines = [
    say(
      `${view.month}：${status.zh}，摘要 ${view.digest}`,
      `${view.month}: ${status.en}, digest ${view.digest}`,
    ),
  ];
  for (const canteen of view.canteens) {
    const name = canteen.name ?? canteen.canteenId;
    const yuan = formatYuan(canteen.reimbursementFen);
    lines.push(
      say(
        `  ${name}(${canteen.canteenId})：${canteen.mealsSold} 餐，应拨付 ${yuan} 元`,
        `  ${name} (${canteen.canteenId}): ${canteen.mealsSold} meals, reimbursement ${yuan} yuan`,
      ),
    );
  }
  const total = formatYuan(view.totals.reimbursementFen);
  lines.push(say(`  合计应拨付 ${total} 元`, `  total reimbursement ${total} yuan`));
  return lines.join('\n');
}

/**
 * A request to the running service as the user of `ZHUCAN_TOKEN` (`ZHUCAN_URL`, default
 * http://localhost:8080): its JSON answer, or an error with the problem's code and detail.
 */
async function askService(
  method: 'GET' | 'POST',
  pathname: string,
  body?: { readonly type: string; readonly bytes: Uint8Array },
): Promise<unknown> {
  const base = process.env.ZHUCAN_URL ?? `http://localhost:${process.env.PORT ?? 8080}`;
  const token = process.env.ZHUCAN_TOKEN;
  if (!token)
    throw new Error(say('请把 ZHUCAN_TOKEN 设为您的用户令牌', 'set ZHUCAN_TOKEN to your user token'));
  const response = await fetch(new URL(pathname, base), {
    method,
    headers: {
      authorization: `Bearer ${token}`,
      'accept-language': ACCEPT_LANGUAGE,
      ...(body ? { 'content-type': body.type } : {}),
    },
    ...(body ? { body: body.bytes } : {}),
  }).catch((error: unknown) => {
    // fetch says only "fetch failed": the address tried and the cause are what the operator needs.
    const cause =
      error instanceof Error && error.cause instanceof Error ? error.cause.message : String(error);
    throw new Error(
      say(
        `连不上服务 ${base}(ZHUCAN_URL)：${cause}`,
        `cannot reach the service at ${base} (ZHUCAN_URL): ${cause}`,
      ),
    );
  });
  const answer = (await response.json()) as Record<string, unknown>;
  if (!response.ok)
    throw new Error(`${answer.code ?? response.status}: ${answer.detail ?? answer.title ?? ''}`);
  return answer;
}

/** Backups copy the embedded database's folder; an external server or store has its own tools. */
function embeddedDataDir(): string {
  const config = storageFromEnvironment();
  if (config.databaseUrl)
    throw new Error(
      say(
        '已设置 DATABASE_URL：请用该 PostgreSQL 服务器自己的 pg_dump 备份(docs/operations.md)',
        'DATABASE_URL is set: back up that PostgreSQL server with its own pg_dump (docs/operations.md)',
      ),
    );
  if (config.kurrentDbUrl)
    throw new Error(
      say(
        '已设置 KURRENTDB_URL：请按 deploy/README.md 备份 KurrentDB(docs/operations.md)',
        'KURRENTDB_URL is set: back up KurrentDB as deploy/README.md says (docs/operations.md)',
      ),
    );
  return config.dataDir;
}

function describeSummary(summary: BackupSummary): string {
  const projections = summary.projections.map((projection) =>
    say(
      `${projection.name} 第 ${projection.generation} 代，位置 ${projection.position}`,
      `${projection.name} generation ${projection.generation} at ${projection.position}`,
    ),
  );
  const last = summary.lastEventAt;
  return [
    say(
      `  ${summary.events} 个事件${last ? `，最后一个记录于 ${last}` : ''}`,
      `  ${summary.events} events${last ? `, the last recorded ${last}` : ''}`,
    ),
    say(
      `  已关账月份：${summary.closedMonths.join('、') || '无'}`,
      `  closed months: ${summary.closedMonths.join(', ') || 'none'}`,
    ),
    say(
      `  读模型：${projections.join('；') || '尚无'}`,
      `  read models: ${projections.join(', ') || 'none yet'}`,
    ),
  ].join('\n');
}

program
  .command('backup')
  .argument(
    '<file>',
    say(
      '要写入的备份文件，例如 zhucan-2026-11-30.tar.gz(放在数据目录之外)',
      'the backup to write, e.g. zhucan-2026-11-30.tar.gz (outside the data folder)',
    ),
  )
  .description(
    say(
      '把 ZHUCAN_DATA_DIR 中的内置数据库和密钥备份到一个文件；须先停止服务',
      'copy the embedded database and the keys of ZHUCAN_DATA_DIR into one file; the service must be stopped',
    ),
  )
  .action(async (file: string) => {
    const dataDir = embeddedDataDir();
    const { summary, bytes } = await backupDataDir(dataDir, file).catch(explainRefusal);
    const megabytes = (bytes / 1_048_576).toFixed(1);
    console.log(
      say(
        `已把 ${dataDir} 备份到 ${file}(${megabytes} MB)：`,
        `backed up ${dataDir} to ${file} (${megabytes} MB):`,
      ),
    );
    console.log(describeSummary(summary));
    console.log(
      say(
        '  备份里有 pii-key 和 token-secret：请像保管数据目录本身一样保管它',
        '  it holds pii-key and token-secret: keep it as safe as the data folder itself',
      ),
    );
  });

program
  .command('restore')
  .argument('<file>', say('由 zhucan backup 写出的备份', 'a backup written by zhucan backup'))
  .description(
    say(
      '把备份解压到 ZHUCAN_DATA_DIR(须为空或不存在)，然后启动服务',
      'unpack a backup into ZHUCAN_DATA_DIR, which must be empty or not exist; then start the service',
    ),
  )
  .action(async (file: string) => {
    const dataDir = embeddedDataDir();
    const summary = await restoreDataDir(file, dataDir).catch(explainRefusal);
    console.log(say(`已把 ${file} 恢复到 ${dataDir}：`, `restored ${file} into ${dataDir}:`));
    console.log(describeSummary(summary));
    console.log(
      say(`  用 ZHUCAN_DATA_DIR=${dataDir} 启动服务`, `  start the service with ZHUCAN_DATA_DIR=${dataDir}`),
    );
  });

/** A backup or restore the data folder refused, in the command line's words. */
function explainRefusal(error: unknown): never {
  if (!(error instanceof BackupRefused)) throw error;
  const { folder } = error;
  const words: Record<BackupRefused['reason'], [string, string]> = {
    'inside-data-folder': [
      `备份文件必须放在数据目录 ${folder} 之外`,
      `the backup file must lie outside the data folder ${folder}`,
    ],
    'service-running': [
      `服务正在使用 ${folder}：请先停止服务(期间柜台照常脱机售餐)，再备份`,
      `the service is running on ${folder}: stop it first (counters keep selling offline meanwhile), then back up`,
    ],
    'no-database': [
      `${folder} 中没有内置数据库(ZHUCAN_DATA_DIR)`,
      `no embedded database in ${folder} (ZHUCAN_DATA_DIR)`,
    ],
    'not-empty': [
      `${folder} 不是空的：请恢复到一个新目录(先把旧目录移开)`,
      `${folder} is not empty: restore into a new folder (move the old one aside first)`,
    ],
    'not-a-backup': [
      `${folder} 不是助餐通的备份(其中没有 postgres/PG_VERSION)`,
      `${folder} is not a zhucan backup (it holds no postgres/PG_VERSION)`,
    ],
  };
  const [zh, en] = words[error.reason];
  throw new Error(say(zh, en));
}

/** A projection by the name the operator typed. */
function projectionCalled(name: string) {
  const found = ALL_PROJECTIONS.find((projection) => projection.name === name);
  if (found) return found;
  const known = ALL_PROJECTIONS.map((projection) => projection.name);
  throw new Error(
    say(
      `没有名为 ${name} 的读模型；可选：${known.join('、')}`,
      `no projection named ${name}; known: ${known.join(', ')}`,
    ),
  );
}

/** A verification that ran and found a difference: reported on stdout, exit code 1. */
class StatementDiffers extends Error {}

function positiveInteger(value: string): number {
  const parsed = Number(value);
  if (!Number.isInteger(parsed) || parsed < 1)
    throw new Error(say(`应为正整数，收到的是 ${value}`, `expected a positive whole number, got ${value}`));
  return parsed;
}

try {
  await program.parseAsync(process.argv);
} catch (error) {
  if (error instanceof CommanderError) process.exit(error.exitCode);
  if (error instanceof StatementDiffers) {
    console.log(error.message);
    process.exit(1);
  }
  console.error(errorLine(error instanceof Error ? error.message : String(error)));
  process.exit(2);
}
