import { z } from 'zod';

export type JsonSchema = z.core.JSONSchema.BaseSchema;

/** Request schemas are described as clients write them (defaults optional), responses as sent. */
export type SchemaSide = 'input' | 'output';

const LOCAL_DEF_PREFIX = '#/$defs/';
const COMPONENT_PREFIX = '#/components/schemas/';

/**
 * Turns zod schemas into JSON Schema (2020-12, the dialect of OpenAPI 3.1) for one document, and
 * collects the subschemas that carry an id (`.meta({ id })`) as shared components.
 *
 * zod writes each conversion's named subschemas into its own `$defs`; they are moved into
 * `components.schemas` and the references rewritten. The same id can describe different JSON on the
 * two sides (a default makes a field optional in requests but present in responses), and two
 * conversions can use the same generated name for different schemas, so a name is reused only for
 * identical JSON (the subschema together with everything it references); otherwise the request side
 * gets `<id>Input`, and any further clash a number.
 */
export class SchemaComponents {
  private readonly components = new Map<string, { readonly schema: JsonSchema; readonly identity: string }>();

  /** The JSON Schema of `schema`, referring to components for its named parts. */
  add(schema: z.ZodType, side: SchemaSide): JsonSchema {
    const {
      $defs: defs = {},
      $schema: _dialect,
      ...root
    } = z.toJSONSchema(schema, {
      target: 'draft-2020-12',
      io: side,
    }) as JsonSchema;
    const names = new Map<string, string>();
    const fresh: string[] = [];
    for (const [localName, def] of Object.entries(defs)) {
      const identity = identityOf(localName, defs);
      const name = this.nameFor(localName, side, identity);
      names.set(localName, name);
      if (!this.components.has(name)) {
        // Claimed now, so that a second subschema of this conversion cannot take the same name.
        this.components.set(name, { schema: def, identity });
        fresh.push(name);
      }
    }
    for (const name of fresh) {
      const claimed = this.components.get(name);
      if (claimed !== undefined) {
        this.components.set(name, { ...claimed, schema: rewriteLocalRefs(claimed.schema, names) });
      }
    }
    return rewriteLocalRefs(root, names);
  }

  /** A component by name, for looking through a `$ref`. */
  get(name: string): JsonSchema | undefined {
    return this.components.get(name)?.schema;
  }

  /** Follows a `$ref` into the components, if the schema is one. */
  resolve(schema: JsonSchema): JsonSchema {
    const ref = schema.$ref;
    if (typeof ref !== 'string' || !ref.startsWith(COMPONENT_PREFIX)) return schema;
    return this.get(ref.slice(COMPONENT_PREFIX.length)) ?? schema;
  }

  toObject(): Record<string, JsonSchema> {
    const entries = [...this.components].map(([name, { schema }]) => [name, schema] as const);
    return Object.fromEntries(entries.sort(([a], [b]) => a.localeCompare(b)));
  }

  private nameFor(localName: string, side: SchemaSide, identity: string): string {
    const base = localName.replace(/[^A-Za-z0-9._-]/g, '_');
    const candidates = side === 'input' ? [base, `${base}Input`] : [base];
    for (let attempt = 0; ; attempt++) {
      const candidate = candidates[attempt] ?? `${base}${attempt - candidates.length + 2}`;
      const existing = this.components.get(candidate);
      if (existing === undefined || existing.identity === identity) return candidate;
    }
  }
}

/** A named subschema together with every subschema it reaches, which is what its JSON means. */
function identityOf(localName: string, defs: Record<string, JsonSchema>): string {
  const reached = new Set<string>();
  const visit = (name: string) => {
    if (reached.has(name)) return;
    reached.add(name);
    const def = defs[name];
    if (def !== undefined) for (const ref of localRefsIn(def)) visit(ref);
  };
  visit(localName);
  return JSON.stringify([...reached].sort().map((name) => [name, defs[name]]));
}

function localRefsIn(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(localRefsIn);
  if (value === null || typeof value !== 'object') return [];
  return Object.entries(value).flatMap(([key, inner]) =>
    key === '$ref' && typeof inner === 'string' && inner.startsWith(LOCAL_DEF_PREFIX)
      ? [inner.slice(LOCAL_DEF_PREFIX.length)]
      : localRefsIn(inner),
  );
}

function rewriteLocalRefs(schema: JsonSchema, names: ReadonlyMap<string, string>): JsonSchema {
  const rewrite = (value: unknown): unknown => {
    if (Array.isArray(value)) return value.map(rewrite);
    if (value === null || typeof value !== 'object') return value;
    return Object.fromEntries(
      Object.entries(value).map(([key, inner]) => {
        if (key === '$ref' && typeof inner === 'string' && inner.startsWith(LOCAL_DEF_PREFIX)) {
          const localName = inner.slice(LOCAL_DEF_PREFIX.length);
          return [key, `${COMPONENT_PREFIX}${names.get(localName) ?? localName}`];
        }
        return [key, rewrite(inner)];
      }),
    );
  };
  return rewrite(schema) as JsonSchema;
}
