import { describe, expect, it } from 'vitest';
import { DEFAULT_KEEP_ALIVE_LIMITS } from '../../lib/domain/keepAlive';
import { type EndFacts, POOL_AT_END_FRESH_MS, poolAtEnd } from '../../lib/domain/poolAtEnd';

const END = Date.parse('2026-03-02T12:00:00Z');
const DAY = 24 * 3600_000;

/** A completed job that ran on a pool it took over, its end event handled 2 s after the end. */
const warmEnd: EndFacts = {
  status: 'Completed',
  keepAliveSeconds: 1800,
  endedAtMs: END,
  spot: false,
  heterogeneous: false,
  heldPoolBornAtMs: END - 3600_000,
  possibleTaker: false,
};
const at = (facts: Partial<EndFacts>, nowMs = END + 2_000) =>
  poolAtEnd({ ...warmEnd, ...facts }, nowMs, DEFAULT_KEEP_ALIVE_LIMITS);

describe('poolAtEnd: what an end event alone says of the job pool', () => {
  it('a fresh completed end of a job that held a pool: Available since the end, for its keep-alive', () => {
    expect(at({})).toEqual({ kind: 'available', availableSinceMs: END, keepAliveSeconds: 1800 });
    expect(at({}, END + POOL_AT_END_FRESH_MS)).toMatchObject({ kind: 'available' });
    // SageMaker's clock a little ahead of the handler's: still fresh.
    expect(at({}, END - 1_000)).toMatchObject({ kind: 'available' });
  });

  it('a stale end is described: the pool may have been taken or stopped meanwhile', () => {
    expect(at({}, END + POOL_AT_END_FRESH_MS + 1)).toEqual({ kind: 'describe', why: 'the end is not fresh' });
  });

  it('a matching job the ledger holds started since: described, it may have taken the pool', () => {
    expect(at({ possibleTaker: true })).toMatchObject({
      kind: 'describe',
      why: expect.stringMatching(/taken/),
    });
  });

  it('an event without a keep-alive, or with 0, is described', () => {
    const { keepAliveSeconds: _none, ...withoutKeepAlive } = warmEnd;
    expect(poolAtEnd(withoutKeepAlive, END + 2_000, DEFAULT_KEEP_ALIVE_LIMITS)).toEqual({
      kind: 'describe',
      why: 'the event carries no keep-alive',
    });
    expect(at({ keepAliveSeconds: 0 })).toMatchObject({ kind: 'describe' });
  });

  it("a job's first pool is described: whether the quota leaves room, nothing in the ledger says", () => {
    const { heldPoolBornAtMs: _none, ...cold } = warmEnd;
    expect(poolAtEnd(cold, END + 2_000, DEFAULT_KEEP_ALIVE_LIMITS)).toMatchObject({ kind: 'describe' });
  });

  it('stops, failures, spot and heterogeneous clusters are described', () => {
    expect(at({ status: 'Stopped' })).toMatchObject({ kind: 'describe' });
    expect(at({ status: 'Failed' })).toMatchObject({ kind: 'describe' });
    expect(at({ spot: true })).toMatchObject({ kind: 'describe' });
    expect(at({ heterogeneous: true })).toMatchObject({ kind: 'describe' });
  });

  it('an event without an end time is described', () => {
    const { endedAtMs: _none, ...noEnd } = warmEnd;
    expect(poolAtEnd(noEnd, END + 2_000, DEFAULT_KEEP_ALIVE_LIMITS)).toMatchObject({ kind: 'describe' });
  });

  it('a chain at its lifetime cap, or a keep-alive already run out, is described', () => {
    expect(at({ heldPoolBornAtMs: END - 28 * DAY })).toEqual({
      kind: 'describe',
      why: 'the pool reached its lifetime cap',
    });
    expect(at({ keepAliveSeconds: 1 }, END + 1_000)).toEqual({
      kind: 'describe',
      why: 'the pool may have expired',
    });
  });
});
