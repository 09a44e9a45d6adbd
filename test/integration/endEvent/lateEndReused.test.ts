import { afterEach, describe, expect, it } from 'vitest';
import type { TrainingJobStateChangeEvent } from '../../../devtools/local/sagemaker/jobStateEvent';
import { MemoryLedger } from '../../../lib/adapters/memory/memoryLedger';
import type { Ledger } from '../../../lib/ports/ledger';
import { crashable } from '../../support/crashableLedger';
import { LEAVE_ALONE, MIN, SweepWorld } from '../../support/sweepWorld';

describe('a late end event whose pool was handed on meanwhile', () => {
  let world: SweepWorld | undefined;
  afterEach(async () => world?.stop());

  /**
   * giver's pool goes to taker; taker's end event is held back while third takes the pool taker
   * left. Answers taker's held end event.
   */
  const handedOnBeforeItsEnd = async (
    ledger: Ledger,
  ): Promise<{ w: SweepWorld; end: TrainingJobStateChangeEvent }> => {
    const w = await new SweepWorld({ ledger, policy: LEAVE_ALONE }).start();
    world = w;
    w.submit('giver', 3600, 30, 60);
    w.advance(10 * MIN);
    await w.deliver();
    w.submit('taker', 3600, 30, 60);
    w.advance(10 * MIN);
    const takerEvents = w.events.splice(0);
    for (const e of takerEvents) if (e.detail.TrainingJobStatus !== 'Completed') await w.deliverEvent(e);
    w.submit('third', 3600, 30, 600);
    w.advance(3 * MIN);
    await w.deliver();
    const end = takerEvents.find((e) => e.detail.TrainingJobStatus === 'Completed');
    if (!end) throw new Error('no end');
    return { w, end };
  };

  it('links the next job with the chain birth and id', async () => {
    const ledger = new MemoryLedger();
    const { w, end } = await handedOnBeforeItsEnd(ledger);
    expect(w.warmPoolStatus('taker')).toBe('Reused');
    await w.deliverEvent(end);
    const giver = await ledger.getJob('giver');
    expect((await ledger.getJob('taker'))?.pool).toMatchObject({
      status: 'Reused',
      poolId: 'giver',
      bornAtMs: giver?.pool?.bornAtMs,
    });
    expect((await ledger.getJob('third'))?.pool).toMatchObject({
      poolId: 'giver',
      bornAtMs: giver?.pool?.bornAtMs,
    });
  });

  it("dying after its first write, leaves the next job with its chain's id and birth", async () => {
    const { ledger, state } = crashable(new MemoryLedger());
    const { w, end } = await handedOnBeforeItsEnd(ledger);
    state.dying = true;
    state.wrote = false;
    await expect(w.deliverEvent(end)).rejects.toThrow('the invocation died');
    state.dying = false;
    const giver = await ledger.getJob('giver');
    expect((await ledger.getJob('third'))?.pool).toMatchObject({
      poolId: 'giver',
      bornAtMs: giver?.pool?.bornAtMs,
    });
  });
});
