import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { LEAVE_ALONE, MIN, RECONCILE_EVERY_MS, SweepWorld } from '../support/sweepWorld';

/**
 * A quiet sweep names the next instant a sweep could act (sweepWake.ts); the local stack's
 * next-event timing sleeps until then. With a reconciler, a pool is described when its listing
 * says so, at the reconcile the schedule keeps anyway: a pool last looked at more than a period
 * ago is no reason to wake every minute.
 */
describe('the next instant a quiet sweep names (emulator, the sweep with its reconciler)', () => {
  let world: SweepWorld;
  afterEach(async () => world.stop());

  it('a pool not described for longer than the reconcile period wakes no sweep before its end or the look-ahead', async () => {
    world = await new SweepWorld({ ledger: new MemoryLedger(), policy: LEAVE_ALONE }).start();
    world.submit('long-keep', 3600);
    world.advance(10 * MIN);
    await world.deliver();
    expect(world.warmPoolStatus('long-keep')).toBe('Available');
    const firstLook = (await world.ledger.getJob('long-keep'))?.pool?.observedAtMs ?? 0;

    // Sweeps every minute past a reconcile period and more: the listing shows the pool Available,
    // which needs no describe, so its last look stays where it was.
    for (let minute = 0; minute < RECONCILE_EVERY_MS / MIN + 3; minute++) {
      await world.sweep();
      world.advance(MIN);
    }
    const pool = (await world.ledger.getJob('long-keep'))?.pool;
    const nowMs = world.clock.now();
    expect(nowMs - (pool?.observedAtMs ?? 0)).toBeGreaterThan(RECONCILE_EVERY_MS);
    expect(pool?.observedAtMs).toBe(firstLook);

    const report = await world.sweep();
    expect(report).toMatchObject({ listed: false, availablePools: 1, actions: {} });
    // Nothing changes before the look-ahead's end (its statistics are read again then).
    expect(report.nextChangeAtMs).toBe(nowMs + world.sweepDeps.lookAheadMs);
  });

  it('the look-ahead stops where the statistics its container holds first go stale, and the report says when', async () => {
    world = await new SweepWorld({ ledger: new MemoryLedger(), policy: LEAVE_ALONE }).start();
    world.submit('kept', 3600);
    world.advance(10 * MIN);
    await world.deliver();
    await world.sweep();
    world.advance(MIN);
    const nowMs = world.clock.now();
    const staleAtMs = nowMs + 2 * MIN + 30_000;
    const report = await world.sweep({ statsFreshUntilMs: () => staleAtMs });
    expect(report).toMatchObject({ availablePools: 1, actions: {}, statsFreshUntilMs: staleAtMs });
    // The first scheduled instant at or after it: a sweep every minute reads them again there.
    expect(report.nextChangeAtMs).toBe(nowMs + 3 * MIN);
    // Never further than the look-ahead, however long they stay fresh.
    const later = await world.sweep({ statsFreshUntilMs: () => nowMs + 60 * MIN });
    expect(later.nextChangeAtMs).toBe(nowMs + world.sweepDeps.lookAheadMs);
  });
});
