import { createRequire } from 'node:module';

/**
 * Requests counted by who made them, for the benchmarks that say where calls go: the SDK's
 * `Client.prototype.send` is wrapped (as runningCost.ts does), so each call is counted once as
 * poolwarden makes it; an emulator's own counts also include the SDK's retries.
 */

const FRAME = /at (?:async )?(\S+) \(.*\/((?:lib|functions)\/[^:]+):(\d+)/;

/**
 * The chain of poolwarden functions in a stack trace: the innermost `depth` frames of lib/ and
 * functions/, the clients' own send (awsClients.ts) and any file `skip` matches left out, each
 * as function@file:line (without the line when `lines` is false).
 */
export const callerChain = (
  stack: string,
  { depth, skip, lines = true }: { depth: number; skip?: RegExp; lines?: boolean },
): string =>
  stack
    .split('\n')
    .flatMap((line) => {
      const m = FRAME.exec(line);
      const file = m?.[2] ?? '';
      return m && !file.endsWith('awsClients.ts') && !skip?.test(file)
        ? [`${m[1]}@${file.split('/').pop()}${lines ? `:${m[3]}` : ''}`]
        : [];
    })
    .slice(0, depth)
    .join(' < ');

export interface RequestCounter {
  /** Counts by key, while counting. */
  readonly counts: Map<string, number>;
  counting: boolean;
  /** Unwraps `send`. */
  restore(): void;
}

/** Counts the requests to `serviceId` (the SDK's, e.g. 'SageMaker') under `keyOf(operation, stack, input)`. */
export const countRequests = (
  serviceId: string,
  keyOf: (operation: string, stack: string, input: Readonly<Record<string, unknown>>) => string,
): RequestCounter => {
  const require = createRequire(import.meta.url);
  const { Client } = require('@smithy/core/client') as {
    Client: { prototype: { send: (...args: unknown[]) => Promise<unknown> } };
  };
  const original = Client.prototype.send;
  const counter: RequestCounter = {
    counts: new Map(),
    counting: false,
    restore: () => {
      Client.prototype.send = original;
    },
  };
  Client.prototype.send = async function (this: { config?: { serviceId?: string } }, ...args: unknown[]) {
    if (counter.counting && this.config?.serviceId === serviceId) {
      const command = args[0] as { constructor: { name: string }; input?: Record<string, unknown> };
      const operation = command.constructor.name.replace(/Command$/, '');
      const key = keyOf(operation, new Error().stack ?? '', command.input ?? {});
      counter.counts.set(key, (counter.counts.get(key) ?? 0) + 1);
    }
    return original.apply(this, args);
  };
  return counter;
};
