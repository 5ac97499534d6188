import type { Request } from 'express';
import { z } from 'zod';
import { actorOf, principalOf } from '../auth/authenticate.ts';
import { defineRoute, type ImplementedRoute } from '../http/route.ts';
import type { RosterImport } from './roster-import.ts';
import { readRoster, rosterTemplate, XLSX_MEDIA_TYPE } from './roster-xlsx.ts';

const reasonSchema = z.object({ code: z.string(), zh: z.string(), en: z.string() });
const outcomeSchema = z.enum(['created', 'updated', 'unchanged', 'refused']);

const reportSchema = z.object({
  dryRun: z.boolean(),
  summary: z.object({ created: z.number(), updated: z.number(), unchanged: z.number(), refused: z.number() }),
  rows: z.array(
    z.object({
      row: z.number().describe('the row in the sheet; the header is row 1'),
      idNumberMasked: z.string(),
      elderId: z.string().nullable(),
      outcome: outcomeSchema,
      reasons: z.array(reasonSchema),
    }),
  ),
});

/** 花名册导入 (docs/api.en.md, "Importing a roster"): a district's elders and cards from a workbook. */
export function rosterRoutes(rosterImport: RosterImport): ImplementedRoute[] {
  return [
    defineRoute({
      method: 'post',
      path: '/api/v1/elders/import',
      summary:
        'Register elders and their cards from an XLSX roster; every row is checked before any is written, and answered row by row',
      description:
        'Columns 姓名, 身份证号, 区, 街镇, 签约食堂, 类别, 起始日期, 截止日期, 卡号 (GET /api/v1/elders/import/template.xlsx). ' +
        'dryRun=true checks and reports without writing. The same file again changes nothing.',
      tags: ['elders'],
      callers: ['admin'],
      query: z.object({
        dryRun: z
          .enum(['true', 'false'])
          .default('false')
          .transform((value) => value === 'true'),
      }),
      body: z.custom<Buffer>((value) => Buffer.isBuffer(value), 'an XLSX workbook'),
      bodyMediaType: XLSX_MEDIA_TYPE,
      success: { status: 200, schema: reportSchema },
      problems: [],
    }).implement(async ({ query, body, request }) => {
      const rows = await readRoster(body);
      const report = await rosterImport.run(rows, query.dryRun, contextOf(request));
      return { status: 200, body: report };
    }),

    defineRoute({
      method: 'get',
      path: '/api/v1/elders/import/template.xlsx',
      summary: 'The roster template: the header row and one example row',
      tags: ['elders'],
      callers: ['admin'],
      success: { status: 200, schema: z.custom<Buffer>(), mediaType: XLSX_MEDIA_TYPE },
      problems: [],
    }).implement(async () => ({
      status: 200,
      body: await rosterTemplate(),
      headers: { 'Content-Disposition': 'attachment; filename="roster-template.xlsx"' },
    })),
  ];
}

function contextOf(request: Request) {
  return {
    actor: actorOf(principalOf(request)),
    correlationId: request.get('x-request-id') ?? crypto.randomUUID(),
  };
}
