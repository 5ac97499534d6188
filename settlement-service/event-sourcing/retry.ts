import { ConcurrencyError } from '../../event-store/errors.ts';

/**
 * Runs `attempt` again when another writer got to a stream first: the attempt reloads the state and
 * decides again. Gives up after `times` attempts with the last conflict.
 */
export async function retryOnConflict<T>(attempt: () => Promise<T>, times = 20): Promise<T> {
  for (let tries = 1; ; tries++) {
    try {
      return await attempt();
    } catch (error) {
      if (!(error instanceof ConcurrencyError) || tries >= times) throw error;
      // A short random pause spreads out writers that collided.
      await new Promise((resolve) => setTimeout(resolve, Math.random() * 5 * tries));
    }
  }
}
