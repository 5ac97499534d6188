import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import express, { Router } from 'express';

const PAGES = path.join(path.dirname(fileURLToPath(import.meta.url)), 'pages');
const require = createRequire(import.meta.url);

/** Files of packages the page loads as they are published: no build step. */
const PACKAGE_ASSETS: Record<string, { readonly file: string; readonly type: string }> = {
  'echarts.min.js': { file: require.resolve('echarts/dist/echarts.min.js'), type: 'text/javascript' },
  'noto-sans-sc-400.ttf': {
    file: require.resolve('@expo-google-fonts/noto-sans-sc/400Regular/NotoSansSC_400Regular.ttf'),
    type: 'font/ttf',
  },
  'noto-sans-sc-700.ttf': {
    file: require.resolve('@expo-google-fonts/noto-sans-sc/700Bold/NotoSansSC_700Bold.ttf'),
    type: 'font/ttf',
  },
};

/** Each page of the bureau's, by its address; the registry pages share one shell (`registry.js` picks the page). */
const PAGE_FILES: Record<string, string> = {
  '/dashboard': 'dashboard.html',
  '/dashboard/simulation': 'simulation.html',
  '/dashboard/import': 'import.html',
  '/dashboard/settlement': 'settlement.html',
  '/dashboard/elders': 'registry.html',
  '/dashboard/canteens': 'registry.html',
  '/dashboard/terminals': 'registry.html',
  '/dashboard/funding-sources': 'registry.html',
};

/**
 * 监管看板 page: static HTML, scripts and styles (`/dashboard`, `/dashboard/assets/…`). The page
 * itself holds no data and needs no token; it signs in and reads `GET /api/v1/dashboard`. Its
 * 政策测算 page (`/dashboard/simulation`) signs in the same way and posts to `/api/v1/simulations`;
 * its 名单导入 page (`/dashboard/import`) posts rosters to `/api/v1/elders/import`;
 * its 月结办理 page (`/dashboard/settlement?month=`) reads a month and takes its steps; so do the
 * registry pages (`/dashboard/elders`, `…/canteens`, `…/terminals`, `…/funding-sources`).
 */
export function dashboardPages(): Router {
  const router = Router();
  const bar = readFileSync(path.join(PAGES, 'bar.html'), 'utf8');
  const pages = new Map<string, string>();
  for (const file of new Set(Object.values(PAGE_FILES)))
    pages.set(file, withBar(readFileSync(path.join(PAGES, file), 'utf8'), bar));
  // Whoever opens the service's address in a browser is a person: show them the dashboard.
  router.get('/', (_request, response) => response.redirect(302, '/dashboard'));
  for (const [route, file] of Object.entries(PAGE_FILES)) {
    router.get(route, (_request, response) => response.type('html').send(pages.get(file)));
  }
  router.get('/dashboard/assets/:file', (request, response, next) => {
    const asset = PACKAGE_ASSETS[request.params.file];
    if (!asset) return next();
    response.set('cache-control', 'public, max-age=86400').type(asset.type).sendFile(asset.file);
  });
  router.use('/dashboard/assets', express.static(PAGES, { index: false }));
  return router;
}

/**
 * Every page's header bar (title, navigation, viewer, language, sign-out) and sign-in form come from
 * `bar.html`: a page marks where with `<zhucan-bar title="…">`, whose content is the page's own tools,
 * put before the shared ones. The page's words fill in its titles as it starts.
 */
export function withBar(page: string, bar: string): string {
  return page.replace(
    /^ *<zhucan-bar title="([^"]*)">(?:\n([\s\S]*?) *)?<\/zhucan-bar>\n/m,
    (_whole, title: string, tools?: string) =>
      bar.replace('<!--title-->', title).replace('<!--tools-->', tools ?? ''),
  );
}
