import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { DEFAULT_KEEP_ALIVE_LIMITS, lifetimeEndMs } from '../../lib/domain/keepAlive';
import { MIN, RECONCILE_EVERY_MS, STOP_AFTER_5M, SweepWorld } from '../support/sweepWorld';

describe('a released presumption whose policy act fails', () => {
  let world: SweepWorld;
  afterEach(async () => world.stop());

  it('its reuse-withdrawn fact is told (at least once, eventually)', async () => {
    let throttled = false;
    let failBegin = false;
    const ledger = new (class extends MemoryLedger {
      override async beginAction(...args: Parameters<MemoryLedger['beginAction']>) {
        if (failBegin) throw new Error('ProvisionedThroughputExceededException');
        return super.beginAction(...args);
      }
    })();
    world = await new SweepWorld({
      ledger,
      policy: STOP_AFTER_5M,
      presumeReuse: true,
      throttle: (op) => throttled && op === 'UpdateTrainingJob',
    }).start();
    world.submit('giver', 3600);
    while (world.warmPoolStatus('giver') !== 'Available') world.advance(30_000);
    await world.deliver();
    await world.sweep();
    // A wrong presumption: 'cold' (another volume size: another key in truth) marked as its taker.
    world.submit('cold', 3600, 50, 3600);
    world.advance(30_000);
    await world.deliver();
    const createdAtMs = (await ledger.getJob('cold'))?.job?.createdAtMs ?? 0;
    await ledger.linkReuse(
      'giver',
      'cold',
      { poolId: 'giver', bornAtMs: createdAtMs },
      lifetimeEndMs(createdAtMs, DEFAULT_KEEP_ALIVE_LIMITS),
    );
    expect(await ledger.presumeReuse('giver', 'cold', createdAtMs)).toBe(true);
    // The next reconcile's listing shows giver still Available: released; the policy's stop is throttled.
    throttled = true;
    failBegin = true;
    const end = world.clock.now() + RECONCILE_EVERY_MS + MIN;
    while (world.clock.now() < end) {
      world.advance(MIN);
      await world.sweep();
    }
    throttled = false;
    failBegin = false;
    for (let i = 0; i < 5; i++) {
      world.advance(MIN);
      await world.sweep();
    }
    const giver = await ledger.getJob('giver');
    expect(giver?.pool?.presumedTakenBy).toBeUndefined();
    expect(world.told.some((f) => f.kind === 'reuse-withdrawn')).toBe(true);
  });
});
