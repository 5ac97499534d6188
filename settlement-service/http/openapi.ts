import { STATUS_CODES } from 'node:http';
import type { RequestHandler } from 'express';
import { PROBLEM_CATALOGUE, type ProblemCode } from '../../domain/problems/problem-catalogue.ts';
import { problemSchema } from './problem-catalogue.ts';
import {
  ANYONE,
  type HttpMethod,
  JSON_MEDIA_TYPE,
  type ObjectSchema,
  pathParameterNames,
  type RouteDescription,
} from './route.ts';
import { type JsonSchema, SchemaComponents } from './schema-components.ts';

export const OPENAPI_DOCUMENT_PATH = '/api/v1/openapi.json';

const SECURITY_SCHEME = 'bearerAuth';

export interface OpenApiInfo {
  readonly title?: string;
  readonly version?: string;
  readonly description?: string;
}

interface MediaContent {
  readonly [mediaType: string]: { readonly schema: JsonSchema };
}

export interface OpenApiParameter {
  readonly name: string;
  readonly in: 'path' | 'query';
  readonly required: boolean;
  readonly description?: string;
  readonly schema: JsonSchema | boolean;
}

export interface OpenApiResponse {
  readonly description: string;
  readonly headers?: Record<string, { readonly description: string; readonly schema: JsonSchema }>;
  readonly content?: MediaContent;
}

export interface OpenApiOperation {
  readonly operationId: string;
  readonly summary: string;
  readonly description: string;
  readonly tags: readonly string[];
  /** The callers as declared, for tools; authorization itself is enforced elsewhere. */
  readonly 'x-callers': readonly string[];
  readonly security: readonly Record<string, readonly string[]>[];
  readonly parameters?: readonly OpenApiParameter[];
  readonly requestBody?: { readonly required: boolean; readonly content: MediaContent };
  readonly responses: Readonly<Record<string, OpenApiResponse>>;
}

export interface OpenApiDocument {
  readonly openapi: '3.1.0';
  readonly info: { readonly title: string; readonly version: string; readonly description?: string };
  readonly tags: readonly { readonly name: string }[];
  readonly paths: Readonly<Record<string, Partial<Record<HttpMethod, OpenApiOperation>>>>;
  readonly components: {
    readonly schemas: Readonly<Record<string, JsonSchema>>;
    readonly securitySchemes: Readonly<Record<string, { readonly type: 'http'; readonly scheme: 'bearer' }>>;
  };
}

/** `/api/v1/sales/:saleId/void` → `/api/v1/sales/{saleId}/void`. */
export function openApiPath(expressPath: string): string {
  return expressPath.replace(/:([A-Za-z_][A-Za-z0-9_]*)/g, '{$1}');
}

/**
 * The OpenAPI 3.1 document of the declared routes (and of the document's own path). Throws on two
 * routes with the same method and path or the same operationId, and on a schema with no JSON Schema
 * form, so build it at startup.
 */
export function buildOpenApiDocument(
  routes: readonly RouteDescription[],
  info: OpenApiInfo = {},
): OpenApiDocument {
  checkDistinct(routes);
  const components = new SchemaComponents();
  const problem = components.add(problemSchema, 'output');
  // Answers before requests: a component name both sides use goes to the answer's form.
  const answers = routes.map((declared) =>
    declared.success.mediaType === JSON_MEDIA_TYPE
      ? components.add(declared.success.schema, 'output')
      : ({ type: 'string', contentMediaType: declared.success.mediaType } as const),
  );

  const paths: Record<string, Partial<Record<HttpMethod, OpenApiOperation>>> = {
    [OPENAPI_DOCUMENT_PATH]: { get: documentOperation() },
  };
  routes.forEach((declared, index) => {
    const path = openApiPath(declared.path);
    const operation = operationOf(declared, answers[index] ?? {}, problem, components);
    paths[path] = { ...paths[path], [declared.method]: operation };
  });

  const tagNames = [...new Set(routes.flatMap((declared) => declared.tags))];
  return {
    openapi: '3.1.0',
    info: {
      title: info.title ?? '助餐通 API',
      version: info.version ?? '1.0.0',
      ...(info.description === undefined ? {} : { description: info.description }),
    },
    tags: tagNames.map((name) => ({ name })),
    paths,
    components: {
      schemas: components.toObject(),
      securitySchemes: { [SECURITY_SCHEME]: { type: 'http', scheme: 'bearer' } },
    },
  };
}

/** The handler for `GET /api/v1/openapi.json`; the document is built once, when this is called. */
export function openApiDocumentHandler(
  routes: readonly RouteDescription[],
  info?: OpenApiInfo,
): RequestHandler {
  const document = JSON.stringify(buildOpenApiDocument(routes, info));
  return (_request, response) => {
    response.type('application/json').send(document);
  };
}

function operationOf(
  declared: RouteDescription,
  answer: JsonSchema,
  problem: JsonSchema,
  components: SchemaComponents,
): OpenApiOperation {
  const isPublic = declared.callers.includes(ANYONE);
  const parameters = [
    ...parametersOf(declared.params, 'path', components, pathParameterNames(declared.path)),
    ...parametersOf(declared.query, 'query', components),
  ];
  const successResponses = Object.fromEntries(
    declared.success.statuses.map((status) => [
      String(status),
      {
        description: declared.success.description ?? STATUS_CODES[status] ?? 'Success',
        content: { [declared.success.mediaType]: { schema: answer } },
      },
    ]),
  );
  return {
    operationId: declared.operationId,
    summary: declared.summary,
    description: [declared.description, `Callers: ${declared.callers.join(', ')}.`]
      .filter((part) => part !== undefined)
      .join('\n\n'),
    tags: declared.tags,
    'x-callers': declared.callers,
    security: isPublic ? [] : [{ [SECURITY_SCHEME]: [] }],
    ...(parameters.length > 0 ? { parameters } : {}),
    ...(declared.body === undefined
      ? {}
      : {
          requestBody: {
            required: !declared.body.isOptional(),
            content: {
              [declared.bodyMediaType]: {
                schema:
                  declared.bodyMediaType === JSON_MEDIA_TYPE
                    ? components.add(declared.body, 'input')
                    : { type: 'string', contentMediaType: declared.bodyMediaType },
              },
            },
          },
        }),
    responses: { ...successResponses, ...problemResponses(problemCodesOf(declared, isPublic), problem) },
  };
}

function parametersOf(
  schema: ObjectSchema | undefined,
  location: 'path' | 'query',
  components: SchemaComponents,
  order?: readonly string[],
): OpenApiParameter[] {
  if (schema === undefined) return [];
  const object = components.resolve(components.add(schema, 'input'));
  const properties = object.properties ?? {};
  const required = new Set(object.required ?? []);
  const names = order ?? Object.keys(properties);
  return names.map((name) => {
    const property = properties[name] ?? {};
    const description = typeof property === 'object' ? property.description : undefined;
    return {
      name,
      in: location,
      // OpenAPI requires path parameters to be required; express never matches a path without them.
      required: location === 'path' || required.has(name),
      ...(description === undefined ? {} : { description }),
      schema: property,
    };
  });
}

/** The declared codes plus those that follow from what the route accepts and who may call it. */
function problemCodesOf(declared: RouteDescription, isPublic: boolean): ProblemCode[] {
  const implied: ProblemCode[] = [
    ...(declared.params === undefined ? [] : (['invalid-params'] as const)),
    ...(declared.query === undefined ? [] : (['invalid-query'] as const)),
    ...(declared.body === undefined
      ? []
      : (['invalid-body', 'body-timeout', 'body-too-large', 'unsupported-media-type'] as const)),
    ...(isPublic ? [] : (['unauthenticated', 'forbidden', 'too-many-attempts'] as const)),
    // Every route reads or writes the store: while the database is away it answers 503.
    'unavailable',
  ];
  return [...new Set([...implied, ...declared.problems])];
}

/** Refusals that say when to try again, in `Retry-After` and in `retryAfterSeconds`. */
const RETRY_LATER_STATUSES = new Set([429, 503]);
const RETRY_AFTER_HEADER: NonNullable<OpenApiResponse['headers']> = {
  'Retry-After': { description: 'seconds to wait before sending again', schema: { type: 'integer' } },
};

function problemResponses(
  codes: readonly ProblemCode[],
  problem: JsonSchema,
): Record<string, OpenApiResponse> {
  const byStatus = new Map<number, ProblemCode[]>();
  for (const code of codes) {
    const { status } = PROBLEM_CATALOGUE[code];
    byStatus.set(status, [...(byStatus.get(status) ?? []), code]);
  }
  const statuses = [...byStatus.keys()].sort((a, b) => a - b);
  return Object.fromEntries(
    statuses.map((status) => {
      const sameStatus = byStatus.get(status) ?? [];
      return [
        String(status),
        {
          description: sameStatus.map((code) => `${code}: ${PROBLEM_CATALOGUE[code].title}`).join('; '),
          ...(RETRY_LATER_STATUSES.has(status) ? { headers: RETRY_AFTER_HEADER } : {}),
          content: {
            'application/problem+json': {
              schema: { allOf: [problem, { properties: { code: { enum: sameStatus } } }] },
            },
          },
        },
      ];
    }),
  );
}

function documentOperation(): OpenApiOperation {
  return {
    operationId: 'getOpenApiDocument',
    summary: 'This OpenAPI document',
    description: `Callers: ${ANYONE}.`,
    tags: [],
    'x-callers': [ANYONE],
    security: [],
    responses: {
      '200': {
        description: 'The OpenAPI 3.1 document of the API',
        content: { 'application/json': { schema: { type: 'object' } } },
      },
    },
  };
}

function checkDistinct(routes: readonly RouteDescription[]): void {
  const endpoints = new Set<string>([`get ${OPENAPI_DOCUMENT_PATH}`]);
  const operationIds = new Set<string>(['getOpenApiDocument']);
  for (const declared of routes) {
    const endpoint = `${declared.method} ${openApiPath(declared.path)}`;
    if (endpoints.has(endpoint)) throw new Error(`${endpoint} is declared twice`);
    if (operationIds.has(declared.operationId)) {
      throw new Error(`operationId ${declared.operationId} is used twice (${endpoint})`);
    }
    endpoints.add(endpoint);
    operationIds.add(declared.operationId);
  }
}
