import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { LEAVE_ALONE, MIN, SweepWorld } from '../support/sweepWorld';

describe('a wrong presumption taken back by the reconcile that adopts its taker', () => {
  let world: SweepWorld | undefined;
  afterEach(async () => world?.stop());

  it("records the taker's own pool under its own id and birth, not the withdrawn chain's", async () => {
    const ledger = new MemoryLedger();
    const w = await new SweepWorld({ ledger, policy: LEAVE_ALONE }).start();
    world = w;
    w.submit('giver', 3600, 30, 60);
    w.advance(5 * MIN);
    await w.deliver();
    expect((await ledger.getJob('giver'))?.pool?.status).toBe('Available');
    // Two jobs of giver's key in one minute: SageMaker hands the pool to taker, but rival's start
    // comes first and presumes rival took it.
    w.submit('taker', 3600, 30, 120);
    w.submit('rival', 60, 30, 120);
    w.advance(30_000);
    const starts = w.events.splice(0);
    const startOf = (name: string) => starts.filter((e) => e.detail.TrainingJobName === name);
    for (const e of [...startOf('rival'), ...startOf('taker')]) await w.deliverEvent(e);
    expect(w.emulator.model.inspectJob('taker')?.reusedPoolOf).toBe('giver');
    expect((await ledger.getJob('giver'))?.pool?.presumedTakenBy).toBe('rival');
    // Both end, their end events lost; rival's own pool ends too (a minute's keep-alive).
    w.advance(5 * MIN);
    w.events.splice(0);
    expect(w.warmPoolStatus('rival')).toBe('Terminated');

    // One reconcile: its listing shows giver's pool Reused by taker (rival's link taken back), and
    // rival ended: adopted from the record the plan read while it was still linked.
    const report = await w.sweep();
    expect(report.listed).toBe(true);
    const truth = w.emulator.model.inspectJob('rival');
    const born = truth?.poolId ? w.emulator.model.inspectPool(truth.poolId)?.bornAtMs : undefined;
    const rival = await ledger.getJob('rival');
    expect(rival?.reusedPoolOf).toBeUndefined();
    expect(rival?.pool).toMatchObject({ status: 'Terminated', poolId: truth?.poolId, bornAtMs: born });
    expect(truth?.poolId).toBe('rival');
  });
});
