import { readFile } from 'node:fs/promises';
import { runLocal } from '../devtools/local/runLocal';
import type { SweepTiming } from '../devtools/local/runtime/sweepSchedule';
import { readPolicyFile } from '../lib/policyFile/readPolicyFile';
import { parseTraceOrThrow } from '../lib/trace/parseTrace';
import { callerChain, countRequests } from './requestCallers';

/**
 * Where the DynamoDB requests of the bundled week go: each request counted by operation and by
 * the chain of poolwarden functions that made it (the innermost four frames of lib/ and
 * functions/), as `npm start` runs the week (`next-event`, the default: as deployed, the sweep run
 * by its wakes and the 15-minute backstop) or with a sweep every minute (`every-minute`, the former
 * deployment's `rate(1 minute)`). The local report's closing Scan is left out, as in runningCost.ts.
 *
 *   node bin/run-ts.js bench/dynamoCallers.ts [next-event|every-minute]
 */

const counter = countRequests(
  'DynamoDB',
  (operation, stack) => `${operation}\t${callerChain(stack, { depth: 4 })}`,
);
const timing: SweepTiming = process.argv[2] === 'every-minute' ? 'every-minute' : 'next-event';
const WEEK_FILE = 'examples/team-week.jsonl';
const trace = parseTraceOrThrow(await readFile(WEEK_FILE, 'utf8'), WEEK_FILE);
const policy = await readPolicyFile('examples/policy.yaml');
await runLocal({
  trace,
  policy,
  sweepTiming: timing,
  onReady: () => {
    counter.counting = true;
  },
});
counter.counting = false;
counter.restore();
// poolwarden never scans: the one Scan is the local report reading the ledger back.
const counts = [...counter.counts.entries()].filter(([key]) => !key.startsWith('Scan\t'));
const total = counts.reduce((sum, [, n]) => sum + n, 0);
console.log(`${timing}: ${total} DynamoDB requests, ${(total / trace.length).toFixed(1)} per job`);
for (const [key, n] of counts.sort((a, b) => b[1] - a[1])) console.log(`${n}\t${key}`);
