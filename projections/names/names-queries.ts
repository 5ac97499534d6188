import { type Kysely, sql } from 'kysely';
import { canteenNames } from '../directory/directory-queries.ts';

/** A funding source as the bureau reads it: its name (null until named) and the policies using it. */
export interface FundingSourceListing {
  readonly sourceId: string;
  readonly name: string | null;
  readonly nameEn: string | null;
  readonly policies: string[];
  /** The policies' names by id, where they have one. */
  readonly policyNames: Readonly<Record<string, string>>;
}

/** Every funding source named or used by a registered policy's rules, by id. */
export async function listFundingSources(db: Kysely<unknown>): Promise<FundingSourceListing[]> {
  const { rows } = await sql<{
    source_id: string;
    name: string | null;
    name_en: string | null;
    policies: string[];
    policy_names: Record<string, string>;
  }>`
    WITH ids AS (
      SELECT source_id FROM read_models.funding_source_names
      UNION SELECT source_id FROM read_models.policy_funding_sources)
    SELECT ids.source_id, n.name, n.name_en,
      COALESCE((SELECT array_agg(u.policy_id ORDER BY u.policy_id) FROM read_models.policy_funding_sources AS u
        WHERE u.source_id = ids.source_id), '{}') AS policies,
      COALESCE((SELECT json_object_agg(p.policy_id, p.name) FROM read_models.policy_funding_sources AS u
        JOIN read_models.policy_names AS p USING (policy_id)
        WHERE u.source_id = ids.source_id AND p.name IS NOT NULL), '{}') AS policy_names
      FROM ids LEFT JOIN read_models.funding_source_names AS n USING (source_id)
      ORDER BY ids.source_id`.execute(db);
  return rows.map((row) => ({
    sourceId: row.source_id,
    name: row.name,
    nameEn: row.name_en,
    policies: row.policies,
    policyNames: row.policy_names,
  }));
}

/**
 * 打印用名称: the names printed in place of ids. A rule's label is the one of the latest policy (by
 * its effective date) that gave the rule one; an id without a name is absent.
 */
export interface PrintedNames {
  readonly sources: Readonly<Record<string, string>>;
  readonly sourcesEn: Readonly<Record<string, string>>;
  readonly rules: Readonly<Record<string, string>>;
  readonly policies: Readonly<Record<string, string>>;
  readonly canteens: Readonly<Record<string, string>>;
}

export async function printedNames(db: Kysely<unknown>): Promise<PrintedNames> {
  // Before the runner has first built the read models, there is nothing to print but ids.
  const { rows: built } = await sql<{ names: boolean; directory: boolean }>`
    SELECT to_regclass('read_models.policy_funding_sources') IS NOT NULL AS names,
      to_regclass('read_models.canteens') IS NOT NULL AS directory`.execute(db);
  const ready = built[0] ?? { names: false, directory: false };
  const none = { rows: [] };
  const [sources, rules, policies, canteens] = await Promise.all([
    ready.names
      ? sql<{ source_id: string; name: string; name_en: string | null }>`
          SELECT source_id, name, name_en FROM read_models.funding_source_names`.execute(db)
      : none,
    ready.names
      ? sql<{ rule_id: string; label: string }>`
          SELECT DISTINCT ON (l.rule_id) l.rule_id, l.label
            FROM read_models.policy_rule_labels AS l JOIN read_models.policy_names AS p USING (policy_id)
            ORDER BY l.rule_id, p.effective_from DESC, p.policy_id DESC`.execute(db)
      : none,
    ready.names
      ? sql<{
          policy_id: string;
          name: string;
        }>`SELECT policy_id, name FROM read_models.policy_names`.execute(db)
      : none,
    ready.directory ? canteenNames(db) : new Map<string, string>(),
  ]);
  const record = <Row>(rows: readonly Row[], key: (row: Row) => string, value: (row: Row) => string | null) =>
    Object.fromEntries(
      rows.flatMap((row) => {
        const text = value(row);
        return text ? [[key(row), text]] : [];
      }),
    );
  return {
    sources: record(
      sources.rows,
      (row) => row.source_id,
      (row) => row.name,
    ),
    sourcesEn: record(
      sources.rows,
      (row) => row.source_id,
      (row) => row.name_en,
    ),
    rules: record(
      rules.rows,
      (row) => row.rule_id,
      (row) => row.label,
    ),
    policies: record(
      policies.rows,
      (row) => row.policy_id,
      (row) => row.name,
    ),
    canteens: Object.fromEntries(canteens),
  };
}

/** No names at all: every id printed as it is. */
export const NO_NAMES: PrintedNames = { sources: {}, sourcesEn: {}, rules: {}, policies: {}, canteens: {} };
