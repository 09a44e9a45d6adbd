import { readFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { runLocal } from '../devtools/local/runLocal';
import type { SweepTiming } from '../devtools/local/runtime/sweepSchedule';
import { readPolicyFile } from '../lib/policyFile/readPolicyFile';
import { parseTraceOrThrow } from '../lib/trace/parseTrace';

/**
 * Where the DynamoDB requests of the bundled week go: each request counted by operation and by
 * the chain of poolwarden functions that made it (the innermost four frames of lib/ and
 * functions/), as `npm start` runs the week (`next-event`, the default) or with a sweep every
 * minute (`every-minute`). The counting wraps the SDK's `Client.prototype.send`, as
 * runningCost.ts does; the local report's closing Scan is left out, as there.
 *
 *   node bin/run-ts.js bench/dynamoCallers.ts [next-event|every-minute]
 */

const FRAME = /at (?:async )?(\S+) \(.*\/((?:lib|functions)\/[^:]+):(\d+)/;
const CHAIN_DEPTH = 4;

const callerChain = (stack: string): string =>
  stack
    .split('\n')
    .flatMap((line) => {
      const m = FRAME.exec(line);
      // The clients' own send (awsClients.ts) is not a caller.
      return m && !m[2]?.endsWith('awsClients.ts')
        ? [`${m[1]}@${(m[2] ?? '').split('/').pop()}:${m[3]}`]
        : [];
    })
    .slice(0, CHAIN_DEPTH)
    .join(' < ');

const counts = new Map<string, number>();
let counting = false;
const require = createRequire(import.meta.url);
const { Client } = require('@smithy/core/client') as {
  Client: { prototype: { send: (...args: unknown[]) => Promise<unknown> } };
};
const original = Client.prototype.send;
Client.prototype.send = async function (this: { config?: { serviceId?: string } }, ...args: unknown[]) {
  const command = args[0] as { constructor: { name: string } };
  if (counting && this.config?.serviceId === 'DynamoDB' && command.constructor.name !== 'ScanCommand') {
    const key = `${command.constructor.name.replace(/Command$/, '')}\t${callerChain(new Error().stack ?? '')}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return original.apply(this, args);
};

const timing: SweepTiming = process.argv[2] === 'every-minute' ? 'every-minute' : 'next-event';
const WEEK_FILE = 'examples/team-week.jsonl';
const trace = parseTraceOrThrow(await readFile(WEEK_FILE, 'utf8'), WEEK_FILE);
const policy = await readPolicyFile('examples/policy.yaml');
await runLocal({
  trace,
  policy,
  sweepTiming: timing,
  onReady: () => {
    counting = true;
  },
});
counting = false;
Client.prototype.send = original;
const total = [...counts.values()].reduce((a, b) => a + b, 0);
console.log(`${timing}: ${total} DynamoDB requests, ${(total / trace.length).toFixed(1)} per job`);
for (const [key, n] of [...counts.entries()].sort((a, b) => b[1] - a[1])) console.log(`${n}\t${key}`);
