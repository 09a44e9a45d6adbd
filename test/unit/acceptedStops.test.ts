import { describe, expect, it } from 'vitest';
import { AcceptedStops } from '../../lib/app/acceptedStops';
import { poolAfterAcceptedStop } from '../../lib/domain/acceptedStop';
import type { JobRecord } from '../../lib/domain/jobRecord';
import { sampleAvailablePool } from '../support/sampleCriteria';

const T0 = Date.parse('2026-03-02T12:00:00Z');

/** The pool as the ledger holds it after a stop recorded applied at `atMs`. */
const stopped = (name: string, atMs: number): JobRecord => {
  const record = sampleAvailablePool(name, T0);
  return {
    ...record,
    pool: {
      ...record.pool,
      status: 'Available',
      observedAtMs: T0,
      keepAliveSeconds: 0,
      expiresAtMs: atMs,
      stoppedBy: 'policy:defaults',
    },
  };
};

describe('a stop SageMaker accepted', () => {
  it('tells the end a describe would: Terminated, the whole seconds Available since the job ended', () => {
    expect(poolAfterAcceptedStop(T0, T0 + 361_999)).toEqual({ status: 'Terminated', billableSeconds: 361 });
    expect(poolAfterAcceptedStop(T0, T0 - 5)).toEqual({ status: 'Terminated', billableSeconds: 0 });
    expect(poolAfterAcceptedStop(undefined, T0)).toBeUndefined();
  });

  it('is read from the container memory only for the very stop the ledger holds, once', () => {
    const stops = new AcceptedStops();
    stops.note('a', T0 + 600_000);
    expect(stops.endOf(stopped('a', T0 + 600_000))).toMatchObject({
      name: 'a',
      status: 'Completed',
      warmPool: { status: 'Terminated', billableSeconds: 600 },
    });
    expect(stops.endOf(stopped('a', T0 + 600_000))).toBeUndefined();
  });

  it('is not taken for another stop of the pool, a pool with an action in flight, or one never stopped here', () => {
    const stops = new AcceptedStops();
    stops.note('other-instant', T0 + 600_000);
    expect(stops.endOf(stopped('other-instant', T0 + 660_000))).toBeUndefined();
    stops.note('in-flight', T0 + 600_000);
    const inFlight = stopped('in-flight', T0 + 600_000);
    expect(
      stops.endOf({
        ...inFlight,
        pendingAction: {
          dedupeKey: 'k',
          action: 'extend',
          keepAliveSeconds: 600,
          actor: 'slack:U1',
          reason: 'r',
          atMs: T0,
        },
      }),
    ).toBeUndefined();
    expect(stops.endOf(stopped('never', T0 + 600_000))).toBeUndefined();
  });
});
