import type { RequestHandler } from 'express';

/**
 * What a browser may do with the service's answers. Apart from the dashboard page, the service
 * answers JSON, CSV, XLSX and PDF only, so an answer may load nothing and be framed nowhere. A PDF
 * statement opened in a browser keeps only `frame-ancestors`, because browsers render PDFs with a
 * viewer of their own that a stricter policy can keep from loading.
 */
const API_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const PDF_POLICY = "frame-ancestors 'none'";
/**
 * The bureau's dashboard page (`/dashboard`): its own scripts, style sheet and fonts, charts drawn
 * on canvas (`data:` images are ECharts' own exports), and fetches to this service only.
 */
const DASHBOARD_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "font-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

function policyFor(path: string): string {
  if (path === '/dashboard' || path.startsWith('/dashboard/')) return DASHBOARD_POLICY;
  return path.endsWith('.pdf') ? PDF_POLICY : API_POLICY;
}

/**
 * Security headers on every answer, refusals included. Answers carry personal data (ledgers,
 * statements, offline copies) and are never to be kept by a browser or a proxy: `no-store`.
 */
export const securityHeaders: RequestHandler = (request, response, next) => {
  response.set({
    'content-security-policy': policyFor(request.path),
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
  });
  next();
};
