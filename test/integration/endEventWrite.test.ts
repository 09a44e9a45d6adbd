import { afterEach, describe, expect, it } from 'vitest';
import type { TrainingJobStateChangeEvent } from '../../devtools/local/sagemaker/jobStateEvent';
import { MemoryLedger } from '../../lib/adapters/memory/memoryLedger';
import { processJobStateChange } from '../../lib/app/processJobStateChange';
import { DEFAULT_OWNER_TAG_KEYS } from '../../lib/domain/owner';
import type { Ledger } from '../../lib/ports/ledger';
import { silentTelemetry } from '../../lib/ports/telemetry';
import { LEAVE_ALONE, MIN, SweepWorld } from '../support/sweepWorld';

/** An end event is described first, then its end and its pool are written together (README rule 4). */
describe('an end event: the job described, then its end and its pool in one write', () => {
  let world: SweepWorld | undefined;
  afterEach(async () => world?.stop());

  const start = async (ledger: Ledger) => {
    world = await new SweepWorld({ ledger, policy: LEAVE_ALONE }).start();
    return world;
  };
  const handle = (w: SweepWorld, event: TrainingJobStateChangeEvent) =>
    processJobStateChange(event, {
      ...w.sweepDeps,
      describeConcurrency: 2,
      tagKeys: DEFAULT_OWNER_TAG_KEYS,
      telemetry: silentTelemetry,
      reactors: [],
    });

  it('dying at that write leaves the job running, its pool unrecorded: the retry records both', async () => {
    const inner = new MemoryLedger();
    let dies = true;
    const ledger = Object.assign(Object.create(inner) as Ledger, {
      recordEnd: (...args: Parameters<Ledger['recordEnd']>) => {
        if (dies) {
          dies = false;
          throw new Error('the invocation died');
        }
        return inner.recordEnd(...args);
      },
    });
    const w = await start(ledger);
    w.submit('solo', 1200, 30, 60);
    w.advance(10 * MIN);
    const events = w.events.splice(0);
    const started = events.find((e) => e.detail.TrainingJobStatus === 'InProgress');
    const ended = events.find((e) => e.detail.TrainingJobStatus === 'Completed');
    if (!started || !ended) throw new Error('the job did not start and end');
    await handle(w, started);
    await expect(handle(w, ended)).rejects.toThrow('the invocation died');
    expect(await inner.getJob('solo')).toMatchObject({ job: { status: 'InProgress' } });
    expect((await inner.getJob('solo'))?.pool).toBeUndefined();
    expect((await inner.runningJobs(10)).items.map((r) => r.name)).toEqual(['solo']);
    await handle(w, ended);
    expect(await inner.getJob('solo')).toMatchObject({
      job: { status: 'Completed' },
      pool: { status: 'Available' },
    });
  });

  it("predicts a reused pool's end from its chain's birth, which the write learns only from its answer", async () => {
    const ledger = new MemoryLedger();
    const w = await start(ledger);
    // A lifetime cap of 15 minutes: the pool, born at the giver's end, is capped before the taker's keep-alive ends.
    const limits = { ...w.sweepDeps.limits, lifetimeCapSeconds: 15 * 60 };
    const withCap = (event: TrainingJobStateChangeEvent) =>
      w.deliverEvent(event, { limits, presumeReuse: false });
    w.submit('giver', 3600, 30, 60);
    w.advance(10 * MIN);
    for (const event of w.events.splice(0)) await withCap(event);
    const born = (await ledger.getJob('giver'))?.pool?.bornAtMs;
    if (born === undefined) throw new Error('the giver has no pool');
    w.submit('taker', 3600, 30, 60);
    w.advance(3 * MIN);
    const outcome = await (async () => {
      let last: Awaited<ReturnType<typeof withCap>> | undefined;
      for (const event of w.events.splice(0)) last = await withCap(event);
      return last;
    })();
    expect((await ledger.getJob('taker'))?.reusedPoolOf).toBe('giver');
    expect((await ledger.getJob('taker'))?.pool).toMatchObject({
      status: 'Available',
      bornAtMs: born,
      expiresAtMs: born + 15 * MIN,
    });
    const told = outcome?.kind === 'applied' ? outcome.facts : [];
    expect(told.find((f) => f.kind === 'pool-available')?.job.pool?.expiresAtMs).toBe(born + 15 * MIN);
  });

  it('a job whose start event was lost links its reuse after that write, and its pool is told with its chain', async () => {
    const ledger = new MemoryLedger();
    const w = await start(ledger);
    w.submit('giver', 3600, 30, 60);
    w.advance(10 * MIN);
    for (const event of w.events.splice(0)) await handle(w, event);
    w.submit('taker', 3600, 30, 60);
    w.advance(10 * MIN);
    expect(w.emulator.model.reuses().map((r) => [r.fromJob, r.toJob])).toEqual([['giver', 'taker']]);
    const events = w.events.splice(0);
    const end = events.find((e) => e.detail.TrainingJobStatus === 'Completed');
    if (!end) throw new Error('the taker did not end');
    // Its start event is lost: the end finds the reuse.
    const outcome = await handle(w, end);
    const giver = await ledger.getJob('giver');
    expect(giver?.pool).toMatchObject({ status: 'Reused', reusedByJob: 'taker' });
    const chain = { poolId: 'giver', bornAtMs: giver?.pool?.bornAtMs };
    expect((await ledger.getJob('taker'))?.pool).toMatchObject({ status: 'Available', ...chain });
    expect(outcome.kind).toBe('applied');
    const told = outcome.kind === 'applied' ? outcome.facts : [];
    const available = told.find((f) => f.kind === 'pool-available');
    expect(available?.job.pool).toMatchObject({ status: 'Available', ...chain });
    expect(available?.job.reusedPoolOf).toBe('giver');
  });
});
