import { z } from 'zod';

/** One refused input field: `path` like `items[0].qty` (empty for the input as a whole). */
export const fieldErrorSchema = z.object({
  path: z.string(),
  message: z.string(),
});

export type FieldError = z.infer<typeof fieldErrorSchema>;

/** The problem+json body `sendProblem` writes; loose because a problem may carry extension members. */
export const problemSchema = z
  .looseObject({
    type: z.string().describe('URI naming the problem type'),
    title: z.string().describe('short summary, the same for every occurrence of the code'),
    status: z.number().int().min(400).max(599),
    detail: z.string().optional().describe('what happened this time; names the first refused field'),
    code: z.string().describe('stable machine code, e.g. sale-conflict'),
    errors: z
      .array(fieldErrorSchema)
      .optional()
      .describe('the refused fields, for invalid-body, invalid-params and invalid-query'),
  })
  .meta({ id: 'Problem', description: 'RFC 9457 problem details' });
