import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../../lib/adapters/memory/memoryLedger';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../../lib/domain/keepAlive';
import { LEAVE_ALONE, MIN, SweepWorld } from '../../support/sweepWorld';

/** SageMaker's lifetime cap, short enough for the chains below to reach it. */
const limits = { ...DEFAULT_KEEP_ALIVE_LIMITS, lifetimeCapSeconds: 20 * 60 };

describe("a pool's predicted end when its chain's birth is learnt after its end was written", () => {
  let world: SweepWorld | undefined;
  afterEach(async () => world?.stop());

  /** SageMaker's predicted end of `name`'s pool. */
  const truthOf = (w: SweepWorld, name: string) => {
    const poolId = w.emulator.model.inspectJob(name)?.poolId;
    return poolId === undefined ? undefined : w.emulator.model.inspectPool(poolId)?.expiresAtMs;
  };

  it("a late end event of the pool's giver links the reuse and brings the taker's end within the chain's cap", async () => {
    const ledger = new MemoryLedger();
    const w = await new SweepWorld({ ledger, policy: LEAVE_ALONE, limits }).start();
    world = w;
    w.submit('giver', 3600, 30, 60);
    w.advance(5 * MIN);
    // giver's end event is held back: the ledger does not know its pool when taker takes it.
    const held = w.events.splice(0);
    const giverEnd = held.find((e) => e.detail.TrainingJobStatus === 'Completed');
    if (!giverEnd) throw new Error('no end');
    for (const e of held) if (e !== giverEnd) await w.deliverEvent(e);
    w.submit('taker', 3600, 30, 60);
    w.advance(5 * MIN);
    await w.deliver();
    expect(w.emulator.model.inspectJob('taker')?.reusedPoolOf).toBe('giver');
    // Its own pool, as far as the ledger knows: born at its end, so its cap comes later.
    expect((await ledger.getJob('taker'))?.reusedPoolOf).toBeUndefined();

    await w.deliverEvent(giverEnd);
    const taker = (await ledger.getJob('taker'))?.pool;
    expect(taker).toMatchObject({ status: 'Available', poolId: 'giver' });
    expect(taker?.expiresAtMs).toBe(truthOf(w, 'taker'));
  });
});
