import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
/** Folders that are made, not kept: installed packages, data, reports. */
const NOT_KEPT = new Set(['node_modules', 'data', 'coverage']);

function topLevelFolders(): string[] {
  return readdirSync(root)
    .filter((name) => !name.startsWith('.') && !NOT_KEPT.has(name))
    .filter((name) => statSync(path.join(root, name)).isDirectory())
    .sort();
}

/** Every text file the project keeps, as paths relative to its root. */
function keptTextFiles(dir = root): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    if (entry.name.startsWith('.') || NOT_KEPT.has(entry.name)) return [];
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return keptTextFiles(full);
    return /\.(md|ts|js|mjs|cjs|html)$/.test(entry.name) ? [path.relative(root, full)] : [];
  });
}

describe('the project holds what it cites', () => {
  it("lists every top-level folder in the README's layout table, and no other", () => {
    const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
    const layout = readme.slice(readme.indexOf('## Layout'), readme.indexOf('## Configuration'));
    const listed = [...layout.matchAll(/^\| `([^`/]+)\/`/gm)].map((match) => match[1]).sort();
    expect(listed).toEqual(topLevelFolders());
  });

  it('cites only documents that are in the repository', () => {
    const missing: string[] = [];
    for (const file of keptTextFiles()) {
      const text = readFileSync(path.join(root, file), 'utf8');
      // Markdown documents, from the root, the citing file's folder or docs/: `docs/api.md`, (api.en.md).
      for (const [cited] of text.matchAll(/(?<![\w/.-])[\w./-]*[A-Za-z0-9_-]+\.md\b/g)) {
        const candidates = [root, path.join(root, path.dirname(file)), path.join(root, 'docs')].map((base) =>
          path.join(base, cited),
        );
        if (!candidates.some((candidate) => existsSync(candidate))) missing.push(`${file}: ${cited}`);
      }
    }
    expect(missing).toEqual([]);
  });
});
