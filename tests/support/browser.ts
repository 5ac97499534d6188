import path from 'node:path';
import { type Browser, type BrowserContextOptions, chromium, type Page } from 'playwright-core';

/** Where browser tests leave their screenshots, to be looked at. */
export const SCREENSHOTS = path.resolve('.tmp/screenshots');

/** Debian's Chromium, headless, with the flags this network needs. */
export function launchChromium(): Promise<Browser> {
  return chromium.launch({
    executablePath: process.env.ZHUCAN_CHROMIUM ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/**
 * Collects console errors, uncaught exceptions, refused requests (status 400 and above) and what the
 * Content-Security-Policy refused, so that a test can require none.
 */
export function watchProblems(page: Page, into: string[]): void {
  void page.addInitScript({
    content: `document.addEventListener('securitypolicyviolation', (event) =>
      console.error('CSP violation: ' + event.violatedDirective + ' ' + event.blockedURI));`,
  });
  page.on('console', (message) => {
    if (message.type() === 'error' || /Content Security Policy/i.test(message.text()))
      into.push(message.text());
  });
  page.on('pageerror', (error) => into.push(`page error: ${error.message}`));
  page.on('response', (response) => {
    if (response.status() >= 400) into.push(`${response.status()} ${new URL(response.url()).pathname}`);
  });
}

/**
 * A page as the bureau's clerks see it (1280×900, Chinese, downloads kept), whose problems go into
 * `problems` (`watchProblems`); `options` change what a test needs otherwise.
 */
export async function watchedPage(
  browser: Browser,
  problems: string[],
  options: BrowserContextOptions = {},
): Promise<Page> {
  const page = await browser.newPage({
    viewport: { width: 1280, height: 900 },
    locale: 'zh-CN',
    acceptDownloads: true,
    ...options,
  });
  watchProblems(page, problems);
  return page;
}
