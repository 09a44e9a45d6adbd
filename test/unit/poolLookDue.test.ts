import { describe, expect, it } from 'vitest';
import { PENDING_ACTION_LEASE_MS } from '../../lib/app/applyPoolAction';
import { poolLookDueAtMs } from '../../lib/app/poolLookDue';
import type { JobRecord, PendingAction, PoolState } from '../../lib/domain/jobRecord';

const MIN = 60_000;
const NOW = Date.parse('2026-03-02T12:00:00Z');
const PERIOD = 15 * MIN;
const listed = { listed: true, reconcileEveryMs: PERIOD };
const unlisted = { listed: false, reconcileEveryMs: PERIOD };

const pool = (state: Omit<PoolState, 'status'>, pendingAction?: PendingAction): JobRecord => ({
  name: 'a',
  pool: { status: 'Available', ...state },
  ...(pendingAction ? { pendingAction } : {}),
});

const intent = (atMs: number, unknownSinceMs?: number): PendingAction => ({
  dedupeKey: 'k',
  action: 'stop',
  keepAliveSeconds: 0,
  actor: 'policy',
  reason: 'idle',
  atMs,
  ...(unknownSinceMs !== undefined ? { unknownSinceMs } : {}),
});

describe('when the sweep looks at a pool unasked (poolLookDue.ts)', () => {
  it('at its predicted end, unless it was looked at since', () => {
    expect(poolLookDueAtMs(pool({ observedAtMs: NOW, expiresAtMs: NOW + 20 * MIN }), listed)).toBe(
      NOW + 20 * MIN,
    );
    expect(poolLookDueAtMs(pool({ observedAtMs: NOW + 21 * MIN, expiresAtMs: NOW + 20 * MIN }), listed)).toBe(
      Number.POSITIVE_INFINITY,
    );
    // Looked at in the very instant of its end: done, but a stop's end is made after that look.
    expect(poolLookDueAtMs(pool({ observedAtMs: NOW, expiresAtMs: NOW }), listed)).toBe(
      Number.POSITIVE_INFINITY,
    );
    expect(poolLookDueAtMs(pool({ observedAtMs: NOW, expiresAtMs: NOW, stoppedBy: 'policy' }), listed)).toBe(
      NOW + 1,
    );
  });

  it('with no predicted end, at any instant after its last look', () => {
    expect(poolLookDueAtMs(pool({ observedAtMs: NOW }), listed)).toBe(NOW + 1);
  });

  it('once a reconcile period after its last look only when no listing names the pools to describe', () => {
    const quiet = pool({ observedAtMs: NOW, expiresAtMs: NOW + 60 * MIN });
    expect(poolLookDueAtMs(quiet, listed)).toBe(NOW + 60 * MIN);
    expect(poolLookDueAtMs(quiet, unlisted)).toBe(NOW + PERIOD);
    expect(poolLookDueAtMs(quiet, { ...unlisted, forceReconcile: true })).toBe(Number.NEGATIVE_INFINITY);
  });

  it('an action left pending: once its lease is over, or at once when its outcome is unknown', () => {
    const state = { observedAtMs: NOW, expiresAtMs: NOW + 60 * MIN };
    expect(poolLookDueAtMs(pool(state, intent(NOW)), listed)).toBe(NOW + PENDING_ACTION_LEASE_MS + 1);
    expect(poolLookDueAtMs(pool(state, intent(NOW, NOW + MIN)), listed)).toBe(Number.NEGATIVE_INFINITY);
  });
});
