import type { Ledger } from '../../lib/ports/ledger';

/** The ledger's writes: the first one made while dying is the last. */
const WRITES = new Set([
  'recordSnapshot',
  'recordEnd',
  'observePool',
  'capExpiry',
  'linkReuse',
  'recordNoPool',
  'recordKeepAlive',
  'beginAction',
  'markActionUnknown',
  'endAction',
  'holdPool',
  'recordNearMiss',
]);

/** A ledger whose invocation dies after its first write while `dying` is set (a Lambda timeout, say). */
export const crashable = (inner: Ledger) => {
  const state = { dying: false, wrote: false };
  const ledger = new Proxy(inner, {
    get(target, property, receiver) {
      const value = Reflect.get(target, property, receiver) as unknown;
      if (typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        if (state.dying && state.wrote) throw new Error('the invocation died');
        const result = await (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (WRITES.has(String(property))) state.wrote = true;
        return result;
      };
    },
  });
  return { ledger, state };
};
