import { Help } from 'commander';

/**
 * The command line speaks Chinese unless asked for English: `ZHUCAN_LANG=en` (or `zh`) decides;
 * without it a locale (`LC_ALL`, `LC_MESSAGES`, `LANG`) that starts with `en` means English.
 */
export type CliLanguage = 'zh' | 'en';

export function cliLanguage(env: NodeJS.ProcessEnv = process.env): CliLanguage {
  const chosen = env.ZHUCAN_LANG?.toLowerCase();
  if (chosen?.startsWith('en')) return 'en';
  if (chosen?.startsWith('zh')) return 'zh';
  const locale = env.LC_ALL || env.LC_MESSAGES || env.LANG || '';
  return locale.toLowerCase().startsWith('en') ? 'en' : 'zh';
}

const LANGUAGE = cliLanguage();

/** The words in the command line's language. */
export function say(zh: string, en: string): string {
  return LANGUAGE === 'zh' ? zh : en;
}

/** What the service is asked to answer refusals in. */
export const ACCEPT_LANGUAGE = LANGUAGE === 'zh' ? 'zh-CN' : 'en';

/** The error line: `错误：…` in Chinese, `zhucan: …` in English. */
export function errorLine(message: string): string {
  return `${say('错误：', 'zhucan: ')}${message}`;
}

/** Commander's own headings (Usage, Options, …) in the command line's language. */
const HEADINGS: readonly (readonly [RegExp, string])[] = [
  [/^Usage:/gm, '用法：'],
  [/^Options:/gm, '选项：'],
  [/^Commands:/gm, '命令：'],
  [/^Arguments:/gm, '参数：'],
  [/\(default: /g, '(默认：'],
];

export function helpSettings(): Partial<Help> {
  if (LANGUAGE === 'en') return {};
  return {
    formatHelp(command, helper) {
      let text = Help.prototype.formatHelp.call(helper, command, helper);
      for (const [pattern, words] of HEADINGS) text = text.replace(pattern, words);
      return text;
    },
  };
}

/** Commander's own error lines (`error: unknown option '--x'` …) in the command line's language. */
const COMMANDER_ERRORS: readonly (readonly [RegExp, string])[] = [
  [/^error: unknown option '(.*)'/, "未知选项 '$1'"],
  [/^error: unknown command '(.*)'/, "未知命令 '$1'"],
  [/^error: missing required argument '(.*)'/, "缺少参数 '$1'"],
  [/^error: required option '(.*)' not specified/, "缺少必需的选项 '$1'"],
  [/^error: option '(.*)' argument missing/, "选项 '$1' 缺少取值"],
  [/^error: option '(.*)' argument '(.*)' is invalid\. (.*)/, "选项 '$1' 的取值 '$2' 无效：$3"],
  [
    /^error: too many arguments(?: for '(.*)')?\. Expected (\d+) arguments? but got (\d+)\./,
    '参数过多：应为 $2 个，收到 $3 个',
  ],
  [/^error: (.*)/, '$1'],
];

export function commanderError(text: string): string {
  if (LANGUAGE === 'en') return text;
  const [firstLine = '', ...rest] = text.split('\n');
  for (const [pattern, words] of COMMANDER_ERRORS) {
    if (!pattern.test(firstLine)) continue;
    const hints = rest.map((line) => line.replace(/^\(Did you mean (.*)\?\)$/, '(是否想输入 $1？)'));
    return [errorLine(firstLine.replace(pattern, words)), ...hints].join('\n');
  }
  return text;
}
