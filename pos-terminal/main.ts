import { redactSecrets } from '../domain/identity/redaction.ts';
import { loadTerminalSettings } from './settings.ts';
import { startTerminal } from './terminal.ts';

/** `npm run terminal -- <settings.json>` (or ZHUCAN_TERMINAL_SETTINGS): one counter terminal. */
const file = process.argv[2] ?? process.env.ZHUCAN_TERMINAL_SETTINGS;
if (!file) {
  console.error('usage: npm run terminal -- <settings.json>   (see pos-terminal/README.md)');
  process.exit(2);
}
try {
  const terminal = await startTerminal(loadTerminalSettings(file));
  console.log(`[terminal] 收银台 cashier page: ${terminal.url}/`);
  console.log(`[terminal] 顾客显示屏 elder display: ${terminal.url}/display`);
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      void terminal.close().then(() => process.exit(0));
    });
  }
} catch (error) {
  console.error(`[terminal] ${redactSecrets(error instanceof Error ? error.message : String(error))}`);
  process.exit(1);
}
