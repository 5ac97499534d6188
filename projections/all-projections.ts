import { directoryProjection } from './directory/directory.projection.ts';
import { namesProjection } from './names/names.projection.ts';
import type { Projection } from './runner/projection.ts';
import { salesProjection } from './sales/sales.projection.ts';
import { settlementIndexProjection } from './settlement/settlement-index.projection.ts';
import { decisionInputsProjection } from './simulation/decision-inputs.projection.ts';
import { supervisionProjection } from './supervision/supervision.projection.ts';

/** Every read model the service keeps. */
export const ALL_PROJECTIONS: readonly Projection[] = [
  salesProjection,
  directoryProjection,
  supervisionProjection,
  settlementIndexProjection,
  decisionInputsProjection,
  namesProjection,
];
