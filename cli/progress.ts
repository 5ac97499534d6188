import { SingleBar } from 'cli-progress';
import type { RebuildProgress } from '../projections/runner/rebuild.ts';

/** A progress bar for a rebuild: events processed of all there are, events per second, time left. */
export function rebuildProgressBar(name: string): {
  update: (progress: RebuildProgress) => void;
  stop: () => void;
} {
  const bar = new SingleBar({
    format: `${name} [{bar}] {percentage}% | {value}/{total} events | {rate} events/s | {eta_formatted} left`,
    etaBuffer: 50,
    noTTYOutput: true,
    notTTYSchedule: 2000,
    hideCursor: true,
  });
  const started = Date.now();
  let first: number | null = null;
  return {
    update(progress) {
      first ??= progress.eventsProcessed;
      const total = progress.eventsProcessed + progress.eventsBehind;
      const seconds = (Date.now() - started) / 1000;
      const rate = seconds > 0 ? Math.round((progress.eventsProcessed - first) / seconds) : 0;
      if (!bar.isActive) bar.start(total, progress.eventsProcessed, { rate });
      bar.setTotal(total);
      bar.update(progress.eventsProcessed, { rate: rate.toLocaleString('en-US') });
    },
    stop: () => bar.stop(),
  };
}
