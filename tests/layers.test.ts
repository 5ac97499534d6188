import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';

const run = promisify(execFile);
const root = path.resolve(import.meta.dirname, '..');
const depcruise = path.join(root, 'node_modules', '.bin', 'depcruise');
const config = path.join(root, '.dependency-cruiser.cjs');

/** Runs the project's layer check over a tree of files; answers the names of the rules broken. */
async function rulesBrokenIn(files: Record<string, string>): Promise<string[]> {
  const tree = await mkdtemp(path.join(tmpdir(), 'zhucan-layers-'));
  try {
    await writeFile(path.join(tree, 'tsconfig.json'), JSON.stringify({ compilerOptions: { strict: true } }));
    for (const [file, text] of Object.entries(files)) {
      await mkdir(path.dirname(path.join(tree, file)), { recursive: true });
      await writeFile(path.join(tree, file), text);
    }
    const folders = [...new Set(Object.keys(files).map((file) => file.split('/')[0] ?? ''))];
    const { stdout } = await run(depcruise, ['--config', config, '--output-type', 'json', ...folders], {
      cwd: tree,
    }).catch((error: { stdout?: string }) => ({ stdout: error.stdout ?? '' }));
    const report = JSON.parse(stdout) as { summary: { violations: { rule: { name: string } }[] } };
    return [...new Set(report.summary.violations.map((violation) => violation.rule.name))].sort();
  } finally {
    await rm(tree, { recursive: true, force: true });
  }
}

describe('the layer check (npm run layers)', () => {
  it('finds no crossing and no cycle in the project', async () => {
    const { stdout } = await run('npm', ['run', '--silent', 'layers'], { cwd: root });
    expect(stdout).toMatch(/no dependency violations found/);
  });

  it('refuses the terminal importing the service, even from a test', async () => {
    expect(
      await rulesBrokenIn({
        'pos-terminal/a.ts': "import { b } from '../settlement-service/b.ts';\nexport const a = b;\n",
        'pos-terminal/c.test.ts': "import { b } from '../settlement-service/b.ts';\nexport const c = b;\n",
        'settlement-service/b.ts': 'export const b = 1;\n',
      }),
    ).toEqual(['pos-terminal-imports-only-domain', 'terminal-tests-stay-on-the-terminal-side']);
  });

  it('refuses a lower layer importing a higher one, and the CLI importing the service', async () => {
    expect(
      await rulesBrokenIn({
        'database/a.ts': "import { b } from '../event-store/b.ts';\nexport const a = b;\n",
        'event-store/b.ts': 'export const b = 1;\n',
        'cli/c.ts': "import { d } from '../settlement-service/d.ts';\nexport const c = d;\n",
        'settlement-service/d.ts': 'export const d = 1;\n',
        'domain/e.ts': "import { b } from '../event-store/b.ts';\nexport const e = b;\n",
      }),
    ).toEqual([
      'cli-imports-only-projections-event-store-database-domain',
      'database-imports-only-domain',
      'domain-imports-only-itself',
    ]);
  });

  it('refuses modules that import each other', async () => {
    expect(
      await rulesBrokenIn({
        'domain/a.ts': "import { b } from './b.ts';\nexport const a = () => b;\n",
        'domain/b.ts': "import { a } from './a.ts';\nexport const b = () => a;\n",
      }),
    ).toEqual(['no-circular']);
  });
});
