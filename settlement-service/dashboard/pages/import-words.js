import { applyWords as applyDashboardWords, WORDS as DASHBOARD_WORDS, language } from './i18n.js';

/** The template's columns, as the service names them (the header row of 老人名单模板.xlsx). */
export const COLUMNS = ['姓名', '身份证号', '区', '街镇', '签约食堂', '类别', '起始日期', '截止日期', '卡号'];

/** Words of the 名单导入 page, Chinese first; sign-in, roles and refusals are the dashboard's own. */
const PAGE_WORDS = {
  'zh-CN': {
    title: '名单导入',
    signInTitle: '名单导入登录',
    adminOnlyTitle: '只有管理员可以导入名单',
    adminOnly:
      '老人名单的导入会登记老人并绑定卡片，只有管理员账号可以操作。您可以在监管看板查看数据；需要导入名单时，请联系本局的系统管理员。',
    stepTemplate: '① 下载模板',
    templateHint: `模板第一行为表头：${COLUMNS.join('、')}。身份证号与卡号请按文本填写；签约食堂填食堂编号(见“食堂”页)；类别可写 低保、特困、低收入、失能、半失能、残疾 等(失能与残疾是不同类别)，多个用逗号分隔。`,
    template: '下载模板',
    templateFile: '老人名单模板.xlsx',
    templateSaved: (name) => `已下载 ${name}`,
    stepFile: '② 选择名单文件',
    fileLabel: '名单文件(Excel .xlsx)',
    chooseFile: '选择文件…',
    noFile: '尚未选择文件',
    chosen: (name, size) => `已选择：${name}(${size})`,
    emptyFile: '所选文件是空的，请重新选择',
    stepRun: '③ 检查并导入',
    runHint: '“检查”只核对名单、不写入任何记录；检查过的同一文件才能“导入”。同一文件重复导入不会重复登记。',
    check: '检查',
    import: '导入',
    checking: '正在检查名单…',
    importing: '正在导入名单…',
    chooseFirst: '请先选择名单文件',
    checkFirst: '请先检查此文件',
    willImport: (created, updated, refused) =>
      `检查完成：将新建 ${created} 位、更新 ${updated} 位老人${refused > 0 ? `；${refused} 行被拒绝，不会导入，请改正后再检查` : ''}。`,
    allUnchanged: (refused) =>
      `检查完成：名单与已登记的信息一致，导入不会改变任何记录${refused > 0 ? `；${refused} 行被拒绝，不会导入` : ''}。`,
    nothingToImport: '检查完成：没有可以导入的行，请按下表原因改正名单后再检查。',
    imported: (created, updated, unchanged, refused) =>
      `导入完成：新建 ${created} 位、更新 ${updated} 位、未变 ${unchanged} 位老人${refused > 0 ? `；${refused} 行被拒绝，未导入` : ''}。`,
    reportDryRun: '检查结果(尚未写入任何记录)',
    reportImported: '导入结果',
    reportFile: (name) => `文件：${name}`,
    outcomes: { created: '新建', updated: '更新', unchanged: '未变', refused: '拒绝' },
    filterAll: '全部',
    filterLabel: '筛选',
    columns: ['行号', '身份证号', '老人编号', '结果', '原因'],
    noRows: '名单中没有数据行(表头之下为空)',
    noneOfKind: '没有此类行',
    shownFirst: (shown, total) => `共 ${total} 行，仅显示前 ${shown} 行；请用筛选查看其余行。`,
    refusedFirst: '拒绝的行排在最前。',
    fileRefused: '整份文件未被接受，未写入任何记录：',
    notWorkbook: '文件不是 Excel 工作簿(.xlsx)。旧版 .xls、CSV 或 WPS 文件请先用 Excel“另存为”.xlsx 格式。',
    noSheet: '工作簿中没有工作表。',
    emptySheet: '第一张工作表是空的：第一行应为表头，请使用模板。',
    missingColumns: (columns) =>
      `表头缺少以下列：${columns.join('、')}。请使用模板的表头(列的顺序可以不同)。`,
    tooManyRows: (rows) => `一份名单最多 ${rows} 行，请拆分为几份文件分别导入。`,
    badFile: '文件内容有误，无法读取。',
    tooLarge: '文件过大，服务拒绝接收。请拆分为几份较小的文件分别导入。',
    wrongType: '不支持的文件格式，请选择 Excel(.xlsx)文件。',
    notAllowed: '您的账号无权导入名单：需要管理员账号。',
    serviceSays: '服务说明：',
  },
  en: {
    title: 'Roster import',
    signInTitle: 'Roster import sign-in',
    adminOnlyTitle: 'Only an admin imports rosters',
    adminOnly:
      "Importing a roster registers elders and binds their cards, so only an admin account may do it. You can read the figures on the dashboard; to import a roster, ask your bureau's system administrator.",
    stepTemplate: '1. Download the template',
    templateHint: `The first row is the header: ${COLUMNS.join(', ')}. Write ID numbers and card numbers as text; 签约食堂 takes the canteen's id (see the Canteens page); categories such as 低保, 特困, 低收入, 失能 (unable to care for oneself), 残疾 (disability), several separated by commas.`,
    template: 'Download template',
    templateFile: '老人名单模板.xlsx',
    templateSaved: (name) => `Downloaded ${name}`,
    stepFile: '2. Choose the roster file',
    fileLabel: 'Roster file (Excel .xlsx)',
    chooseFile: 'Choose file…',
    noFile: 'No file chosen yet',
    chosen: (name, size) => `Chosen: ${name} (${size})`,
    emptyFile: 'The file chosen is empty; please choose another',
    stepRun: '3. Check, then import',
    runHint:
      'Check reads the roster and writes nothing; only a file that was checked can be imported. Importing the same file again registers nothing twice.',
    check: 'Check',
    import: 'Import',
    checking: 'Checking the roster…',
    importing: 'Importing the roster…',
    chooseFirst: 'Please choose a roster file first',
    checkFirst: 'Please check this file first',
    willImport: (created, updated, refused) =>
      `Checked: ${created} elder${created === 1 ? '' : 's'} to create, ${updated} to update${refused > 0 ? `; ${refused} row${refused === 1 ? '' : 's'} refused will not be imported (correct them and check again)` : ''}.`,
    allUnchanged: (refused) =>
      `Checked: the roster matches what is registered; importing it changes nothing${refused > 0 ? `; ${refused} row${refused === 1 ? '' : 's'} refused will not be imported` : ''}.`,
    nothingToImport: 'Checked: no row can be imported; correct the roster as the table says and check again.',
    imported: (created, updated, unchanged, refused) =>
      `Imported: ${created} elder${created === 1 ? '' : 's'} created, ${updated} updated, ${unchanged} unchanged${refused > 0 ? `; ${refused} row${refused === 1 ? '' : 's'} refused, not imported` : ''}.`,
    reportDryRun: 'Check report (nothing written yet)',
    reportImported: 'Import report',
    reportFile: (name) => `File: ${name}`,
    outcomes: { created: 'Created', updated: 'Updated', unchanged: 'Unchanged', refused: 'Refused' },
    filterAll: 'All',
    filterLabel: 'Show',
    columns: ['Row', 'ID number', 'Elder id', 'Outcome', 'Reasons'],
    noRows: 'The roster holds no data rows (nothing under the header)',
    noneOfKind: 'No such rows',
    shownFirst: (shown, total) =>
      `${total} rows; the first ${shown} are shown. Use the filter to see the rest.`,
    refusedFirst: 'Refused rows come first.',
    fileRefused: 'The whole file was refused; nothing was written: ',
    notWorkbook:
      'The file is not an Excel workbook (.xlsx). Save an .xls, CSV or WPS file as .xlsx in Excel first.',
    noSheet: 'The workbook has no sheet.',
    emptySheet: 'The first sheet is empty: its first row must be the header; please use the template.',
    missingColumns: (columns) =>
      `The header lacks the column(s) ${columns.join(', ')}. Please use the template's header (any order).`,
    tooManyRows: (rows) => `A roster holds at most ${rows} rows; split it into several files.`,
    badFile: 'The file cannot be read.',
    tooLarge: 'The file is too large for the service. Split it into smaller files.',
    wrongType: 'This file type is not accepted; please choose an Excel (.xlsx) file.',
    notAllowed: 'Your account may not import rosters: an admin account is needed.',
    serviceSays: 'The service says: ',
  },
};

/** The page's words with the dashboard's (sign-in, refusals, roles) underneath. */
export function words() {
  const lang = language();
  return { ...DASHBOARD_WORDS[lang], ...PAGE_WORDS[lang] };
}

/** Fills the page's marked elements with the page's words (see the dashboard's `applyWords`). */
export function applyWords(root = document) {
  applyDashboardWords(root, words());
}

/** A size as people read it: 812 B, 34.5 KB, 2.1 MB. */
export function sizeText(bytes) {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${(bytes / 1024).toFixed(1)} KB`;
  return `${(bytes / 1024 / 1024).toFixed(1)} MB`;
}

/**
 * Why the service refused a whole file (problem+json 400, 413, 415), in the page's words: the
 * service's English detail read for what it names (a missing column, too many rows, not a workbook).
 * `null` for any other answer (the dashboard's refusal words say those).
 */
export function fileRefusal(status, problem) {
  const w = words();
  if (status === 413) return { text: w.tooLarge, original: null };
  if (status === 415) return { text: w.wrongType, original: null };
  if (status !== 400) return null;
  const detail = typeof problem?.detail === 'string' ? problem.detail : '';
  const missing = (problem?.errors ?? [])
    .filter((error) => /column missing/.test(error.message ?? ''))
    .map((error) => error.path);
  const rows = /at most (\d+) rows/.exec(detail);
  const text =
    missing.length > 0
      ? w.missingColumns(missing)
      : /not an XLSX workbook/.test(detail)
        ? w.notWorkbook
        : /has no sheet/.test(detail)
          ? w.noSheet
          : /sheet is empty/.test(detail)
            ? w.emptySheet
            : rows
              ? w.tooManyRows(rows[1])
              : w.badFile;
  // The service's own (English) words only where the page has none of its own for the refusal.
  const own = text !== w.badFile;
  return { text, original: detail && !own ? detail : null };
}
