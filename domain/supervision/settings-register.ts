import { canonicalJson } from '../canonical-json.ts';
import type { Decider } from '../decider.ts';
import { DomainError } from '../domain-error.ts';
import type { BureauUser } from '../settlement/settlement.ts';
import type { EpochMs } from '../time/shanghai-time.ts';
import {
  DEFAULT_SUPERVISION_SETTINGS,
  parseSupervisionSettings,
  type SupervisionSettings,
} from './settings.ts';

/** The one stream of the bureau's supervision thresholds. */
export const SUPERVISION_SETTINGS_STREAM = 'supervision-settings';

export interface ChangeSupervisionSettings {
  /**
   * The thresholds to change: a field left out keeps its value, a check given as null goes back to
   * its defaults.
   */
  readonly settings: unknown;
  readonly by: BureauUser;
  readonly at: EpochMs;
}

export type SupervisionSettingsEvent = {
  readonly type: 'SupervisionSettingsChanged';
  readonly data: { readonly settings: SupervisionSettings; readonly by: BureauUser; readonly at: EpochMs };
};

/**
 * 监管阈值登记: the thresholds in force from the moment they are recorded, every default filled in
 * so that the events say exactly what the checks used. The same thresholds again record nothing.
 */
export const supervisionSettingsRegister: Decider<
  ChangeSupervisionSettings,
  SupervisionSettingsEvent,
  SupervisionSettings
> = {
  initialState: DEFAULT_SUPERVISION_SETTINGS,
  decide(command, state) {
    const parsed = parseSupervisionSettings(changedSettings(state, command.settings));
    if (!parsed.ok) {
      const [issue] = parsed.issues;
      throw new DomainError(
        'invalid',
        'invalid-body',
        issue ? { en: issue.message, zh: issue.messageZh } : { en: 'invalid settings', zh: '监管阈值有误' },
        issue?.path,
      );
    }
    if (canonicalJson(parsed.settings) === canonicalJson(state)) return [];
    return [
      {
        type: 'SupervisionSettingsChanged',
        data: { settings: parsed.settings, by: command.by, at: command.at },
      },
    ];
  },
  evolve: (_state, event) => event.data.settings,
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The current thresholds with the change laid over them, check by check; what the change holds
 * that is no setting stays in, so that parsing refuses it.
 */
function changedSettings(current: SupervisionSettings, change: unknown): unknown {
  if (!isRecord(change)) return change;
  const merged: Record<string, unknown> = { ...current };
  for (const [key, value] of Object.entries(change)) {
    const before = merged[key];
    if (value === null) delete merged[key];
    else merged[key] = isRecord(value) && isRecord(before) ? { ...before, ...value } : value;
  }
  return merged;
}
