import { sql } from 'kysely';
import type { FundingSourceEvent } from '../../domain/funding-sources/funding-source.ts';
import type { PolicyRegisterEvent } from '../../domain/policies/policy-register.ts';
import type { RecordedEvent } from '../../event-store/port.ts';
import type { Projection } from '../runner/projection.ts';
import { createNamesTables } from './names.tables.ts';

type NamesEvent = FundingSourceEvent | PolicyRegisterEvent;

/**
 * The names people read instead of ids: funding sources as the bureau named them, policies' names,
 * rules' labels (where a rule was given one) and the sources each policy's rules draw on. Every write
 * is an upsert or an insert-if-absent, so applying a page twice changes nothing.
 */
export const namesProjection: Projection = {
  name: 'names',
  version: 1,
  eventTypes: ['FundingSourceNamed', 'PolicyRegistered'],
  tables: ['funding_source_names', 'policy_names', 'policy_rule_labels', 'policy_funding_sources'],
  createTables: createNamesTables,
  async apply(trx, schema, events) {
    const table = (name: string) => sql.id(schema, name);
    const json = (rows: readonly object[]) => JSON.stringify(rows);
    const sources = new Map<string, object>();
    const policies: object[] = [];
    const labels: object[] = [];
    const uses: object[] = [];
    for (const recorded of events as readonly RecordedEvent[]) {
      const event = { type: recorded.type, data: recorded.data } as unknown as NamesEvent;
      switch (event.type) {
        case 'FundingSourceNamed':
          sources.set(event.data.sourceId, {
            source_id: event.data.sourceId,
            name: event.data.name,
            name_en: event.data.nameEn,
            named_at: recorded.recordedAt,
          });
          break;
        case 'PolicyRegistered': {
          const { policy } = event.data;
          policies.push({
            policy_id: policy.policyId,
            name: policy.name,
            effective_from: policy.effectiveFrom,
          });
          for (const rule of policy.rules) {
            // A rule without a label is labelled with its id: nothing to print in its place.
            if (rule.label && rule.label !== rule.ruleId)
              labels.push({ policy_id: policy.policyId, rule_id: rule.ruleId, label: rule.label });
            for (const part of rule.funding.parts)
              uses.push({ policy_id: policy.policyId, source_id: part.source });
          }
          break;
        }
        default:
          break;
      }
    }
    if (sources.size > 0)
      await sql`
        INSERT INTO ${table('funding_source_names')} (source_id, name, name_en, named_at)
        SELECT * FROM json_to_recordset(${json([...sources.values()])}::json)
          AS s(source_id text, name text, name_en text, named_at timestamptz)
        ON CONFLICT (source_id) DO UPDATE SET name = excluded.name, name_en = excluded.name_en,
          named_at = excluded.named_at`.execute(trx);
    if (policies.length > 0)
      await sql`
        INSERT INTO ${table('policy_names')} (policy_id, name, effective_from)
        SELECT * FROM json_to_recordset(${json(policies)}::json) AS p(policy_id text, name text, effective_from date)
        ON CONFLICT (policy_id) DO NOTHING`.execute(trx);
    if (labels.length > 0)
      await sql`
        INSERT INTO ${table('policy_rule_labels')} (policy_id, rule_id, label)
        SELECT * FROM json_to_recordset(${json(labels)}::json) AS l(policy_id text, rule_id text, label text)
        ON CONFLICT (policy_id, rule_id) DO NOTHING`.execute(trx);
    if (uses.length > 0)
      await sql`
        INSERT INTO ${table('policy_funding_sources')} (policy_id, source_id)
        SELECT DISTINCT * FROM json_to_recordset(${json(uses)}::json) AS u(policy_id text, source_id text)
        ON CONFLICT (policy_id, source_id) DO NOTHING`.execute(trx);
  },
};
