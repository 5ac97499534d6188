import type { Request, Router } from 'express';
import type { z } from 'zod';
import type { ProblemCode } from '../../domain/problems/problem-catalogue.ts';
import { invalidInputProblem, type RequestPart } from './field-errors.ts';

export const JSON_MEDIA_TYPE = 'application/json';

export type HttpMethod = 'get' | 'post' | 'put' | 'patch' | 'delete';

/** Path parameters and query strings are flat maps of names, so they are described by object schemas. */
export type ObjectSchema = z.ZodObject<z.core.$ZodShape, z.core.$ZodObjectConfig>;

/** Who may call a route (`admin`, `terminal`, `auditor`, ...): documentation only, not enforcement. */
export type Caller = string;

/** Listed among the callers of a route that needs no token. */
export const ANYONE: Caller = 'anyone';

/** The values a handler works with: the parsed (and defaulted) outputs of the route's schemas. */
export interface RouteInput<Params, Query, Body> {
  readonly params: Params;
  readonly query: Query;
  readonly body: Body;
  readonly request: Request;
}

/** A handler's success answer, sent as JSON. */
export interface Reply<Status extends number, Body> {
  readonly status: Status;
  readonly body: Body;
  readonly headers?: Readonly<Record<string, string>>;
}

type Parsed<Schema, Absent> = Schema extends z.ZodType ? z.output<Schema> : Absent;
type NoValues = Record<string, never>;

export interface RouteDefinition<
  Params extends ObjectSchema | undefined,
  Query extends ObjectSchema | undefined,
  Body extends z.ZodType | undefined,
  Response extends z.ZodType,
  Status extends number,
> {
  readonly method: HttpMethod;
  /** An express path: literal segments and `:name` parameters, e.g. `/api/v1/sales/:saleId/void`. */
  readonly path: string;
  /** Defaults to one made from the method and the path. */
  readonly operationId?: string;
  readonly summary: string;
  readonly description?: string;
  readonly tags: readonly string[];
  readonly callers: readonly Caller[];
  /** Required when the path has parameters; its keys must be exactly those parameters. */
  readonly params?: Params;
  readonly query?: Query;
  readonly body?: Body;
  /**
   * `application/json` unless the route takes a document (a statement PDF) as bytes: its schema then
   * checks a `Buffer`, and the body may be as large as `DOCUMENT_BODY_LIMIT_BYTES`.
   */
  readonly bodyMediaType?: string;
  readonly success: {
    /** One status, or several when the same body can come with either (201 created, 200 again). */
    readonly status: Status | readonly Status[];
    readonly schema: Response;
    readonly description?: string;
    /** `application/json` unless the route answers a document (a PDF, a spreadsheet) as bytes. */
    readonly mediaType?: string;
  };
  /**
   * The codes this route answers beyond those every route of its kind can answer: invalid input,
   * media type and size, and 401/403 for routes that need a token are added in the document.
   */
  readonly problems: readonly ProblemCode[];
}

/** What a route accepts and answers, with its types erased: enough to document it. */
export interface RouteDescription {
  readonly method: HttpMethod;
  readonly path: string;
  readonly operationId: string;
  readonly summary: string;
  readonly description: string | undefined;
  readonly tags: readonly string[];
  readonly callers: readonly Caller[];
  readonly params: ObjectSchema | undefined;
  readonly query: ObjectSchema | undefined;
  readonly body: z.ZodType | undefined;
  readonly bodyMediaType: string;
  readonly success: {
    readonly statuses: readonly number[];
    readonly schema: z.ZodType;
    readonly description: string | undefined;
    readonly mediaType: string;
  };
  readonly problems: readonly ProblemCode[];
}

export type RouteHandler<Params, Query, Body, Status extends number, ResponseBody> = (
  input: RouteInput<Params, Query, Body>,
) => Promise<Reply<Status, ResponseBody>>;

/** A declared route; `implement` pairs it with the handler that serves it. */
export interface RouteContract<
  Params extends ObjectSchema | undefined,
  Query extends ObjectSchema | undefined,
  Body extends z.ZodType | undefined,
  Response extends z.ZodType,
  Status extends number,
> extends RouteDescription {
  /*
   * A method on the already-typed contract rather than a property of the definition: TypeScript
   * types the handler's literals ('voided', 201) against the response schema only when no type
   * parameter is still being inferred.
   */
  implement(
    handler: RouteHandler<
      Parsed<Params, NoValues>,
      Parsed<Query, NoValues>,
      Parsed<Body, undefined>,
      Status,
      z.output<Response>
    >,
  ): ImplementedRoute;
}

/** A route ready to be mounted. */
export interface ImplementedRoute extends RouteDescription {
  /** Validates the request against the schemas and runs the handler; a refusal throws a `Problem`. */
  answer(request: Request): Promise<Reply<number, unknown>>;
}

/**
 * Declares an endpoint once: what it accepts and answers, for validation and for the OpenAPI
 * document. Throws when the path and the params schema disagree, so that a mistake shows at
 * startup rather than on the first request.
 */
export function defineRoute<
  Params extends ObjectSchema | undefined = undefined,
  Query extends ObjectSchema | undefined = undefined,
  Body extends z.ZodType | undefined = undefined,
  Response extends z.ZodType = z.ZodType,
  Status extends number = number,
>(
  definition: RouteDefinition<Params, Query, Body, Response, Status>,
): RouteContract<Params, Query, Body, Response, Status> {
  checkPath(definition.method, definition.path, definition.params);
  const { params, query, body, success } = definition;
  const description: RouteDescription = {
    method: definition.method,
    path: definition.path,
    operationId: definition.operationId ?? defaultOperationId(definition.method, definition.path),
    summary: definition.summary,
    description: definition.description,
    tags: definition.tags,
    callers: definition.callers,
    params,
    query,
    body,
    bodyMediaType: definition.bodyMediaType ?? JSON_MEDIA_TYPE,
    success: {
      statuses: typeof success.status === 'number' ? [success.status] : [...success.status],
      schema: success.schema,
      description: success.description,
      mediaType: success.mediaType ?? JSON_MEDIA_TYPE,
    },
    problems: definition.problems,
  };
  return {
    ...description,
    implement: (handler) => ({
      ...description,
      async answer(request) {
        const input = {
          params: params === undefined ? {} : parsePart('params', params, request.params),
          query: query === undefined ? {} : parsePart('query', query, request.query),
          body: body === undefined ? undefined : parsePart('body', body, request.body),
          request,
        };
        // Each value above is its schema's output (or the stand-in for an absent schema), which is
        // what the conditional types of `implement` name; TypeScript cannot follow that through generics.
        return handler(input as Parameters<typeof handler>[0]);
      },
    }),
  };
}

function parsePart(part: RequestPart, schema: z.ZodType, value: unknown): unknown {
  const parsed = schema.safeParse(value);
  if (!parsed.success) throw invalidInputProblem(part, parsed.error);
  return parsed.data;
}

/** Runs before a route validates its input, e.g. to check the caller against the route's `callers`. */
export type RouteGuard = (route: RouteDescription, request: Request) => Promise<void>;

/** Mounts the routes on the router; each answers with its handler's reply as JSON. */
export function mountRoutes(router: Router, routes: readonly ImplementedRoute[], guard?: RouteGuard): Router {
  for (const declared of routes) {
    router[declared.method](declared.path, async (request, response) => {
      // Who may call comes before what was sent: a caller without a token learns nothing about the body.
      await guard?.(declared, request);
      const reply = await declared.answer(request);
      response.status(reply.status);
      if (reply.headers !== undefined) response.set(reply.headers);
      if (declared.success.mediaType === JSON_MEDIA_TYPE) response.json(reply.body);
      else response.type(declared.success.mediaType).send(reply.body);
    });
  }
  return router;
}

/*
 * Only plain segments and `:name` parameters: they mean the same to express and to OpenAPI, while
 * express 5's optional `{...}` groups and `*` wildcards have no OpenAPI equivalent.
 */
const LITERAL_SEGMENT = /^[A-Za-z0-9._~-]+$/;
const PARAMETER_SEGMENT = /^:([A-Za-z_][A-Za-z0-9_]*)$/;

/** The names of the `:name` parameters of an express path, in order. */
export function pathParameterNames(path: string): string[] {
  return path
    .split('/')
    .map((segment) => segment.match(PARAMETER_SEGMENT)?.[1])
    .filter((name) => name !== undefined);
}

function checkPath(method: HttpMethod, path: string, params: ObjectSchema | undefined): void {
  const where = `${method.toUpperCase()} ${path}`;
  const segments = path.split('/');
  if (segments[0] !== '' || segments.length < 2) throw new Error(`${where}: a path starts with /`);
  for (const segment of segments.slice(1)) {
    if (!LITERAL_SEGMENT.test(segment) && !PARAMETER_SEGMENT.test(segment)) {
      throw new Error(`${where}: segment "${segment}" is neither plain nor a :parameter`);
    }
  }
  const inPath = [...pathParameterNames(path)].sort();
  const inSchema = Object.keys(params?.shape ?? {}).sort();
  if (inPath.join() !== inSchema.join()) {
    throw new Error(
      `${where}: the path has parameters [${inPath.join(', ')}] but the params schema [${inSchema.join(', ')}]`,
    );
  }
}

/** `post /api/v1/sales/:saleId/void` → `postSalesSaleIdVoid`. */
function defaultOperationId(method: HttpMethod, path: string): string {
  const words = path
    .split('/')
    .filter((segment) => segment !== '' && segment !== 'api' && !/^v\d+$/.test(segment))
    .flatMap((segment) => segment.replace(/^:/, '').split(/[^A-Za-z0-9]+/))
    .filter((word) => word !== '');
  return [method, ...words.map((word) => word.charAt(0).toUpperCase() + word.slice(1))].join('');
}
