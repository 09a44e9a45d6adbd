import { runSweepAccounts } from './sweepAccounts';

/** `npm run bench:accounts`: the sweep's work and time against the number of accounts. */
const { section, rows } = await runSweepAccounts();
console.log(`## ${section.title}\n\n${section.body}`);
const idle = rows.filter((r) => r.availablePools === 0);
const met = idle.every((r) => r.sageMakerCalls === 0 && r.accessChecks === 0);
console.log(
  `\nWith no Available pool, ${met ? 'no' : 'SOME'} SageMaker or STS call at any number of accounts: ${met ? 'met' : 'NOT met'} ` +
    '(at most one ListTrainingJobs per account and region is allowed).',
);
