import { language } from './i18n.js';

/** The bureau's pages, in the order the navigation lists them. */
const PAGES = [
  { id: 'dashboard', href: '/dashboard', zh: '监管看板', en: 'Dashboard' },
  { id: 'settlement', href: '/dashboard/settlement', zh: '月结办理', en: 'Monthly settlement' },
  { id: 'simulation', href: '/dashboard/simulation', zh: '政策测算', en: 'Simulation' },
  { id: 'elders', href: '/dashboard/elders', zh: '老人', en: 'Elders' },
  { id: 'import', href: '/dashboard/import', zh: '名单导入', en: 'Roster import' },
  { id: 'canteens', href: '/dashboard/canteens', zh: '食堂', en: 'Canteens' },
  { id: 'terminals', href: '/dashboard/terminals', zh: '终端', en: 'Terminals' },
  { id: 'funding-sources', href: '/dashboard/funding-sources', zh: '资金来源', en: 'Funding sources' },
];

/**
 * The one navigation of the bureau's pages: fills `<nav id="site-nav">` (the page shown marked, by its address) and follows
 * the page's language (every page's `applyWords` sets `<html lang>`).
 */
function renderNav() {
  const nav = document.getElementById('site-nav');
  if (!nav) return;
  const english = language() === 'en';
  const current = nav.dataset.current ?? PAGES.find((page) => page.href === location.pathname)?.id;
  nav.setAttribute('aria-label', english ? 'Pages' : '页面');
  nav.replaceChildren(
    ...PAGES.map((page) => {
      const link = document.createElement('a');
      link.href = page.href;
      link.textContent = english ? page.en : page.zh;
      link.dataset.testid = `to-${page.id}`;
      if (page.id === current) link.setAttribute('aria-current', 'page');
      return link;
    }),
  );
}

renderNav();
new MutationObserver(renderNav).observe(document.documentElement, {
  attributes: true,
  attributeFilter: ['lang'],
});
