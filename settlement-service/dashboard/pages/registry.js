import { $ } from './dom.js';
import { applyWords, refusalText, switchLanguage } from './i18n.js';
import { api, whenSignedOut } from './registry-kit.js';
import { words } from './registry-words.js';
import { sayAtSignIn, showSignedIn, showSignInForm, showViewer, token, wireSignIn } from './session.js';

/** The registry pages, by the last part of their address (/dashboard/elders …). */
const PAGES = {
  elders: () => import('./registry-elders.js'),
  canteens: () => import('./registry-canteens.js'),
  terminals: () => import('./registry-terminals.js'),
  'funding-sources': () => import('./registry-funding.js'),
};
const pageId = location.pathname.split('/').pop();

/** The page's module once loaded, and the dashboard's answer: who is signed in, today, canteens, terminals. */
let page = null;
const session = { viewer: null, today: null, month: null, canteens: [], terminals: [], offlineAfterHours: 1 };

function pageWords() {
  const w = words();
  return { ...w, title: w.titles[pageId] ?? '' };
}

function showSignIn(message = '') {
  session.viewer = null;
  $('workspace').hidden = true;
  $('viewer').textContent = '';
  showSignInForm(message);
}
whenSignedOut(showSignIn);

/** Reads the dashboard's answer again (terminals and canteens change as the clerk registers them). */
export async function refreshSession() {
  const answer = await api('GET', '/api/v1/dashboard');
  Object.assign(session, {
    viewer: answer.viewer,
    today: answer.date,
    month: answer.month,
    canteens: answer.canteens,
    terminals: answer.terminals,
    offlineAfterHours: answer.offlineAfterHours,
  });
  return session;
}

async function signedIn() {
  try {
    await refreshSession();
  } catch (error) {
    if (error.status === 401) return;
    if (error.status === 403) return showSignIn(refusalText(error, words()));
    return sayAtSignIn(refusalText(error, words()));
  }
  showSignedIn();
  $('workspace').hidden = false;
  $('read-only').hidden = session.viewer.role === 'admin';
  drawViewer();
  page ??= (await PAGES[pageId]()).mount($('page'), {
    session,
    refreshSession,
    canAct: () => session.viewer?.role === 'admin',
    message: (text) => {
      $('page-message').textContent = text;
    },
  });
  page.draw();
}

function drawViewer() {
  const viewer = session.viewer;
  if (!viewer) return;
  showViewer(viewer, words().roles);
}

function drawWords() {
  applyWords(document, pageWords());
  $('lang').textContent = document.documentElement.lang === 'en' ? '中文' : 'EN';
  drawViewer();
}

wireSignIn({ words, signIn: signedIn, signOut: showSignIn });
$('lang').addEventListener('click', () => {
  switchLanguage();
  drawWords();
  page?.draw();
});

drawWords();
if (token()) signedIn();
else showSignIn();
