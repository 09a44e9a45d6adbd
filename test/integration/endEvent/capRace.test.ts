import { afterEach, describe, expect, it } from 'vitest';
import type { TrainingJobStateChangeEvent } from '../../../devtools/local/sagemaker/jobStateEvent';
import { MemoryLedger } from '../../../lib/adapters/memory/memoryLedger';
import type { Ledger } from '../../../lib/ports/ledger';
import { LEAVE_ALONE, MIN, SweepWorld } from '../../support/sweepWorld';

describe('capToChain after a keep-alive change that landed between the end write and the link', () => {
  let world: SweepWorld | undefined;
  afterEach(async () => world?.stop());

  it('an extension made meanwhile is not cut back when the lifetime cap does not bind', async () => {
    const inner = new MemoryLedger();
    let extendAtMs: number | undefined;
    const ledger = Object.assign(Object.create(inner) as Ledger, {
      recordEnd: async (...args: Parameters<Ledger['recordEnd']>) => {
        const write = await inner.recordEnd(...args);
        // Another actor (a click's Extend, the CLI) extends the pool just after it was written.
        if (args[0].name === 'taker' && extendAtMs !== undefined)
          await inner.recordKeepAlive('taker', {
            keepAliveSeconds: 3600,
            expiresAtMs: extendAtMs + 3600_000,
          });
        return write;
      },
    });
    const w = await new SweepWorld({ ledger, policy: LEAVE_ALONE }).start();
    world = w;
    const handle = (event: TrainingJobStateChangeEvent) => w.deliverEvent(event, { presumeReuse: false });
    w.submit('giver', 3600, 30, 60);
    w.advance(10 * MIN);
    for (const event of w.events.splice(0)) await handle(event);
    w.submit('taker', 3600, 30, 60);
    w.advance(10 * MIN);
    const end = w.events.splice(0).find((e) => e.detail.TrainingJobStatus === 'Completed');
    if (!end) throw new Error('no end');
    // Its start event was lost: the end links the reuse after its write.
    extendAtMs = w.clock.now();
    await handle(end);
    const pool = (await ledger.getJob('taker'))?.pool;
    expect(pool?.expiresAtMs).toBe(extendAtMs + 3600_000);
  });
});
