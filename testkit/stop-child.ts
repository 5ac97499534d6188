import type { ChildProcess } from 'node:child_process';
import { once } from 'node:events';

/**
 * Stops a child process and waits for it to exit: with `signal`, then SIGKILL when it has not gone
 * after `graceMs`. A process that has already exited, by its own hand or by a signal, is left as it is.
 */
export async function stopChild(
  child: ChildProcess,
  signal: NodeJS.Signals = 'SIGTERM',
  graceMs = 30_000,
): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill(signal);
  const escalation = setTimeout(() => child.kill('SIGKILL'), graceMs);
  try {
    await exited;
  } finally {
    clearTimeout(escalation);
  }
}
