import type { Kysely } from 'kysely';
import { DomainError } from '../../domain/domain-error.ts';
import type { BureauUser } from '../../domain/settlement/settlement.ts';
import { type Alert, alertStream } from '../../domain/supervision/alert.ts';
import { type AlertState, alertLifecycle } from '../../domain/supervision/alert-lifecycle.ts';
import { formatShanghaiInstant } from '../../domain/time/shanghai-time.ts';
import { type AlertView, alertById } from '../../projections/supervision/alert-queries.ts';
import type { AggregateRepository, EventContext } from '../event-sourcing/aggregate-repository.ts';
import { retryOnConflict } from '../event-sourcing/retry.ts';

export type AlertDecision = 'confirm' | 'dismiss';

/**
 * 预警处理: the bureau confirms or dismisses an alert. The first decision records the alert itself
 * (`AlertRaised`, with its evidence as the read model shows it) together with the decision, so the
 * alert's stream alone says what was decided on; settlement reads the confirmation's exclusion.
 */
export class AlertService {
  constructor(
    private readonly repository: AggregateRepository,
    private readonly db: Kysely<unknown>,
    private readonly now: () => number,
  ) {}

  async decide(
    alertId: string,
    decision: AlertDecision,
    by: BureauUser,
    reason: string,
    context: EventContext,
  ): Promise<AlertView> {
    return retryOnConflict(async () => {
      const stream = alertStream(alertId);
      const { state, expectedRevision } = await this.repository.load(stream, alertLifecycle);
      const listed = await alertById(this.db, alertId);
      const at = this.now();
      let current: AlertState = state;
      const events = [];
      if (current.status === 'none') {
        if (listed === null)
          throw new DomainError('not-found', 'not-found', {
            en: `no alert ${alertId}`,
            zh: `没有预警 ${alertId}`,
          });
        const raised = alertLifecycle.decide(
          { type: 'RaiseAlert', alert: alertOf(listed), at: Date.parse(listed.raisedAt) },
          current,
        );
        events.push(...raised);
        current = raised.reduce(alertLifecycle.evolve, current);
      }
      const decided = alertLifecycle.decide(
        decision === 'confirm'
          ? { type: 'ConfirmAlert', alertId, by, reason, at }
          : { type: 'DismissAlert', alertId, by, reason, at },
        current,
      );
      events.push(...decided);
      current = decided.reduce(alertLifecycle.evolve, current);
      if (events.length > 0) await this.repository.append(stream, events, expectedRevision, context);
      return viewOf(current, listed);
    });
  }
}

/** The alert as a check raised it, without what the read model adds. */
function alertOf(view: AlertView): Alert {
  const { elderId: _elder, status: _status, raisedAt: _raised, decision: _decision, ...alert } = view;
  return alert;
}

/** The decided alert as answered: from its events, since the read model may not have caught up yet. */
function viewOf(state: AlertState, listed: AlertView | null): AlertView {
  if (state.status === 'none' || state.status === 'open') throw new Error('the alert was just decided');
  return {
    ...state.alert,
    elderId: listed?.elderId ?? null,
    status: state.status,
    raisedAt: formatShanghaiInstant(state.raisedAt),
    decision: {
      by: state.decision.by,
      reason: state.decision.reason,
      at: formatShanghaiInstant(state.decision.at),
    },
  };
}
