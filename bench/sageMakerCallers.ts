import { type LocalRunOptions, runLocal } from '../devtools/local/runLocal';
import { readPolicyFile } from '../lib/policyFile/readPolicyFile';
import { readTraceFile } from '../lib/trace/readTraceFile';
import { callerChain, countRequests } from './requestCallers';

/**
 * Who asks SageMaker what, on the bundled week with the example policy: each call counted by
 * operation and by the chain of poolwarden functions that made it (the innermost three frames of
 * lib/ and functions/ above the adapters), calm, with `--chaos`, or with every fault of
 * bench/reconcile.ts. Once per call as poolwarden makes it: the emulator's counts (the report's
 * `api`, printed too) also count the SDK's retries of throttled attempts.
 *
 *   node bin/run-ts.js bench/sageMakerCallers.ts [calm|chaos|faults]
 */

/** The adapters only carry the call: who asked is above them. */
const ADAPTERS = /^lib\/adapters\//;
const RUNS: Record<string, Partial<LocalRunOptions>> = {
  calm: {},
  chaos: { chaosSeed: 1 },
  faults: { chaosSeed: 1, faults: { drop: 0.1, crash: 0.05, throttle: 0.1 } },
};
const run = process.argv[2] ?? 'calm';
const options = RUNS[run];
if (!options) throw new Error(`usage: bench/sageMakerCallers.ts [${Object.keys(RUNS).join('|')}]`);

const counter = countRequests(
  'SageMaker',
  (operation, stack) => `${operation}\t${callerChain(stack, { depth: 3, skip: ADAPTERS })}`,
);
const trace = await readTraceFile('examples/team-week.jsonl');
const policy = await readPolicyFile('examples/policy.yaml');
const { report } = await runLocal({
  trace,
  policy,
  ...options,
  onReady: () => {
    counter.counting = true;
  },
});
counter.counting = false;
counter.restore();
const total = [...counter.counts.values()].reduce((a, b) => a + b, 0);
console.log(
  `${run}: ${total} SageMaker calls made, ${(total / trace.length).toFixed(2)} per job; at the emulator ${JSON.stringify(report.api.sagemaker)}`,
);
for (const [key, n] of [...counter.counts.entries()].sort((a, b) => b[1] - a[1])) console.log(`${n}\t${key}`);
