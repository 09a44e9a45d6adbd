import { afterEach, describe, expect, it } from 'vitest';
import type { TrainingJobStateChangeEvent } from '../../../devtools/local/sagemaker/jobStateEvent';
import { MemoryLedger } from '../../../lib/adapters/memory/memoryLedger';
import type { Ledger } from '../../../lib/ports/ledger';
import { LEAVE_ALONE, MIN, SweepWorld } from '../../support/sweepWorld';

describe('the lifetime cap of an end event that Lambda retried', () => {
  let world: SweepWorld | undefined;
  afterEach(async () => world?.stop());

  it('an invocation that died between recordEnd and capExpiry: the retry caps the predicted end', async () => {
    const inner = new MemoryLedger();
    let dies = false;
    const ledger = Object.assign(Object.create(inner) as Ledger, {
      capExpiry: (...args: Parameters<Ledger['capExpiry']>) => {
        if (dies) {
          dies = false;
          throw new Error('the invocation died');
        }
        return inner.capExpiry(...args);
      },
    });
    const w = await new SweepWorld({ ledger, policy: LEAVE_ALONE }).start();
    world = w;
    const limits = { ...w.sweepDeps.limits, lifetimeCapSeconds: 15 * 60 };
    const handle = (event: TrainingJobStateChangeEvent) =>
      w.deliverEvent(event, { limits, presumeReuse: false });
    w.submit('giver', 3600, 30, 60);
    w.advance(10 * MIN);
    for (const event of w.events.splice(0)) await handle(event);
    const born = (await ledger.getJob('giver'))?.pool?.bornAtMs;
    if (born === undefined) throw new Error('the giver has no pool');
    w.submit('taker', 3600, 30, 60);
    w.advance(3 * MIN);
    const events = w.events.splice(0);
    const end = events.find((e) => e.detail.TrainingJobStatus === 'Completed');
    if (!end) throw new Error('no end');
    for (const event of events) if (event !== end) await handle(event);
    expect((await ledger.getJob('taker'))?.reusedPoolOf).toBe('giver');
    dies = true;
    await expect(handle(end)).rejects.toThrow('the invocation died');
    // Lambda retries the event.
    const retry = await handle(end);
    const told = retry.kind === 'applied' ? retry.facts : [];
    expect(told.find((f) => f.kind === 'pool-available')?.job.pool?.expiresAtMs).toBe(born + 15 * MIN);
    expect((await ledger.getJob('taker'))?.pool?.expiresAtMs).toBe(born + 15 * MIN);
  });
});
