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

export function projectionNamed(name: string): Projection {
  const found = ALL_PROJECTIONS.find((projection) => projection.name === name);
  if (!found)
    throw new Error(
      `no projection named ${name}; known: ${ALL_PROJECTIONS.map((known) => known.name).join(', ')}`,
    );
  return found;
}
