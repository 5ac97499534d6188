import type { RequestHandler } from 'express';

/**
 * What a browser may do with the service's answers. The service serves no pages: JSON, CSV, XLSX
 * and PDF only, so an answer may load nothing and be framed nowhere. A PDF statement opened in a
 * browser keeps only `frame-ancestors`, because browsers render PDFs with a viewer of their own
 * that a stricter policy can keep from loading.
 */
const API_POLICY = "default-src 'none'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const PDF_POLICY = "frame-ancestors 'none'";

/**
 * Security headers on every answer, refusals included. Answers carry personal data (ledgers,
 * statements, offline copies) and are never to be kept by a browser or a proxy: `no-store`.
 */
export const securityHeaders: RequestHandler = (request, response, next) => {
  response.set({
    'content-security-policy': request.path.endsWith('.pdf') ? PDF_POLICY : API_POLICY,
    'x-content-type-options': 'nosniff',
    'x-frame-options': 'DENY',
    'referrer-policy': 'no-referrer',
    'cross-origin-resource-policy': 'same-origin',
    'cache-control': 'no-store',
  });
  next();
};
