import { cityMonth } from './bench/supervision.ts';
import { DEFAULT_SUPERVISION_SETTINGS as settings } from './domain/supervision/settings.ts';
import { applySupervisionFact } from './domain/supervision/supervision.ts';
import { TrackedSupervisionState } from './projections/supervision/state-entries.ts';
const scale = Number(process.argv[2] ?? 1);
const tracked = TrackedSupervisionState.initial();
let n = 0; let fold = 0;
for (const { facts } of cityMonth({ canteens: 200 * scale, cards: 20000 * scale, sales: 300000 * scale, seed: 1 })) {
  const t0 = performance.now();
  for (const f of facts) { applySupervisionFact(tracked.state, f, settings); if (++n % 5000 === 0) tracked.takeChanges(); }
  fold += performance.now() - t0;
}
console.log('scale', scale, 'facts', n, 'fold s', (fold / 1000).toFixed(1), 'µs/fact', ((fold * 1000) / n).toFixed(1));
