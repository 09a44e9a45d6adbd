import { namedErrorMessage } from '../domain/errorMessage';
import type { SweepWakes } from '../ports/sweepWakes';
import type { Telemetry } from '../ports/telemetry';

/** Counted once per wake that could not be set (the dashboard's alarm on the backstop alone). */
export const WAKES_NOT_SCHEDULED_METRIC = 'WakesNotScheduled';

/**
 * Asks for wakes on behalf of one container, never failing its handler: a wake that cannot be
 * set is logged and counted, and the backstop schedule sweeps within its period instead. The
 * wakes it has set are remembered until they pass, so that a container asks once per minute
 * (many sweeps name the same reconcile or staleness instant).
 */
export class WakeAsker {
  private readonly set = new Set<number>();

  constructor(
    private readonly wakes: SweepWakes,
    private readonly telemetry: Telemetry,
  ) {}

  async ask(instants: readonly number[], nowMs: number): Promise<void> {
    for (const atMs of this.set) if (atMs <= nowMs) this.set.delete(atMs);
    const asked = instants.filter((atMs) => !this.set.has(atMs));
    await Promise.all(
      asked.map(async (atMs) => {
        try {
          await this.wakes.wakeAt(atMs);
          this.set.add(atMs);
        } catch (error) {
          this.telemetry.error('could not schedule a sweep; the backstop schedule sweeps instead', {
            at: new Date(atMs).toISOString(),
            error: namedErrorMessage(error),
          });
          this.telemetry.count(WAKES_NOT_SCHEDULED_METRIC);
        }
      }),
    );
  }
}
