/**
 * `npm run bench:replay [-- JOBS]`: replays a generated trace of JOBS jobs (default 10,000)
 * through the whole local stack (the real functions and SDK clients against dynalite and the
 * emulators on loopback, a sweep every virtual minute) and prints jobs per second. It is not
 * part of `npm run bench` because at 10,000 jobs it takes far longer than that run's budget.
 */
import { cpus } from 'node:os';
import { runLocal } from '../devtools/local/runLocal';
import { generateTrace } from '../devtools/local/trace/generateTrace';
import { readPolicyFile } from '../lib/policyFile/readPolicyFile';

const wanted = Number(process.argv[2] ?? 10_000);
if (!Number.isInteger(wanted) || wanted < 1) {
  console.error('usage: npm run bench:replay [-- JOBS]');
  process.exit(2);
}
// The generator scales by activity, not by count: grow the scale until the trace is big enough.
let scale = 1;
let trace = generateTrace({ seed: 2026, start: '2026-01-05T00:00:00Z', days: 28, scale, workload: 'mixed' });
while (trace.length < wanted) {
  scale *= 1.5;
  trace = generateTrace({ seed: 2026, start: '2026-01-05T00:00:00Z', days: 28, scale, workload: 'mixed' });
}
trace = trace.slice(0, wanted);
const policy = await readPolicyFile('examples/policy.yaml');
console.log(`replaying ${trace.length} jobs on ${cpus().length} cores (Node ${process.version})…`);
const { report, wallSeconds } = await runLocal({ trace, policy });
console.log(
  `${trace.length} jobs in ${wallSeconds.toFixed(1)} s: ${(trace.length / wallSeconds).toFixed(1)} jobs/s ` +
    `(${report.delivery.deliveries} events, ${report.delivery.sweeps} sweeps; ledger matches SageMaker: ${report.check.ledgerMatchesEmulator})`,
);
console.log(wallSeconds <= 60 ? 'target (60 s) met' : 'target (60 s) NOT met');
