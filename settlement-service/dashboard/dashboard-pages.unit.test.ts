import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { withBar } from './dashboard-pages.ts';

const pages = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pages');
const read = (file: string) => readFileSync(path.join(pages, file), 'utf8');

describe('the pages’ shared header bar and sign-in', () => {
  const bar = read('bar.html');
  const files = readdirSync(pages).filter((file) => file.endsWith('.html') && file !== 'bar.html');

  it('is put once into every page, with its title, and the page’s own tools before the shared ones', () => {
    expect(files.length).toBeGreaterThanOrEqual(5);
    for (const file of files) {
      const page = withBar(read(file), bar);
      expect(page, file).not.toContain('zhucan-bar');
      expect(page, file).not.toMatch(/<!--(title|tools)-->/);
      expect(page.match(/ id="sign-in-form"/g), file).toHaveLength(1);
      expect(page.match(/ id="viewer"/g), file).toHaveLength(1);
    }
    const dashboard = withBar(read('dashboard.html'), bar);
    expect(dashboard).toContain('data-i18n="title">监管看板</span>');
    expect(dashboard.indexOf(' id="date-pick"')).toBeGreaterThan(dashboard.indexOf('<div class="tools">'));
    expect(dashboard.indexOf(' id="date-pick"')).toBeLessThan(dashboard.indexOf(' id="viewer"'));
  });
});
