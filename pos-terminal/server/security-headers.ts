import type { RequestHandler } from 'express';

/**
 * The cashier page and the elder display load only their own scripts (modules), style sheet and
 * font, and talk to this server by fetch and server-sent events: nothing inline, nothing from
 * elsewhere, no frames. `img-src data:` is for images the pages draw themselves.
 */
export const PAGE_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'self'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * Security headers on every answer of the terminal's local server. Its API answers hold masked
 * names and the day's sales: `no-store`. The pages and their assets say their own caching (they
 * are revalidated, the fonts kept a year).
 */
export const securityHeaders: RequestHandler = (_request, response, next) => {
  response.set({
    'content-security-policy': PAGE_POLICY,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-opener-policy': 'same-origin',
    'cross-origin-resource-policy': 'same-origin',
    'permissions-policy': 'camera=(), microphone=(), geolocation=(), payment=(), usb=(), serial=(), hid=()',
    'cache-control': 'no-store',
  });
  next();
};
