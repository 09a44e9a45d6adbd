import { afterEach, describe, expect, it } from 'vitest';
import { MemoryLedger } from '../../../lib/adapters/memory/memoryLedger';
import type { Ledger } from '../../../lib/ports/ledger';
import { LEAVE_ALONE, MIN, SweepWorld } from '../../support/sweepWorld';

describe('a late end event whose pool was handed on meanwhile', () => {
  let world: SweepWorld | undefined;
  afterEach(async () => world?.stop());

  it('links the next job with the chain birth and id (writes counted)', async () => {
    const inner = new MemoryLedger();
    const writes: string[] = [];
    const ledger = new Proxy(inner, {
      get(target, property, receiver) {
        const value = Reflect.get(target, property, receiver) as unknown;
        if (typeof value !== 'function') return value;
        return (...args: unknown[]) => {
          if (
            ['linkReuse', 'recordEnd', 'recordSnapshot', 'observePool', 'capExpiry'].includes(
              String(property),
            )
          )
            writes.push(`${String(property)}(${JSON.stringify(args.slice(0, 3)).slice(0, 140)})`);
          return (value as (...a: unknown[]) => unknown).apply(target, args);
        };
      },
    }) as Ledger;
    const w = await new SweepWorld({ ledger, policy: LEAVE_ALONE }).start();
    world = w;
    w.submit('giver', 3600, 30, 60);
    w.advance(10 * MIN);
    await w.deliver();
    w.submit('taker', 3600, 30, 60);
    w.advance(10 * MIN);
    const takerEnd = w.events.splice(0);
    for (const e of takerEnd) if (e.detail.TrainingJobStatus !== 'Completed') await w.deliverEvent(e);
    w.submit('third', 3600, 30, 600);
    w.advance(3 * MIN);
    await w.deliver();
    expect(w.warmPoolStatus('taker')).toBe('Reused');
    writes.length = 0;
    for (const e of takerEnd) if (e.detail.TrainingJobStatus === 'Completed') await w.deliverEvent(e);
    const giver = await ledger.getJob('giver');
    console.log(writes.join('\n'));
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
});
