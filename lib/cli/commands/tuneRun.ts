import { readFile } from 'node:fs/promises';
import { NO_WARM_POOL_QUOTA_TYPES } from '../../../devtools/local/trace/teams';
import { tunePolicy } from '../../../devtools/sim/policyTune';
import { readPriceFile } from '../../adapters/prices/readPriceFile';
import { DEFAULT_PRICES } from '../../domain/prices';
import { readPolicyFile } from '../../policyFile/readPolicyFile';
import { readTraceFile } from '../../trace/readTraceFile';
import { CliError, EXIT } from '../exitCodes';
import { readInputFile } from '../inputFiles';
import { checkOutputFile, writeOutputFile } from '../outputFiles';

/** The policy `tune` starts from without --policy: the built-in defaults, spelled out. */
const BARE_POLICY = `version: 1
defaults:
  keepAlive:
    strategy: adaptive
`;

export interface TuneOptions {
  trace: string;
  policy?: string;
  waitingValue?: number;
  prices?: string;
  out?: string;
}

/** `poolwarden policy tune`: a what-if search over the policy's own knobs, on the user's history. */
export const runTuneCommand = async (options: TuneOptions): Promise<void> => {
  const trace = await readInputFile('trace', options.trace, readTraceFile);
  if (trace.length < 2)
    throw new CliError(`${options.trace}: too few jobs to split in time`, EXIT.invalidInput);
  const base = options.policy ? await readInputFile('policy', options.policy, readPolicyFile) : undefined;
  const baseText = options.policy ? await readFile(options.policy, 'utf8') : BARE_POLICY;
  const prices = options.prices
    ? await readInputFile('prices', options.prices, readPriceFile)
    : DEFAULT_PRICES;
  const waiting = options.waitingValue ?? base?.defaults.keepAlive.waitingValuePerHourUsd ?? 60;
  if (options.out) await checkOutputFile('tuned policy', options.out);
  const result = tunePolicy(trace, baseText, options.policy ?? 'built-in defaults', {
    prices,
    waitingValuePerHourUsd: waiting,
    noQuotaTypes: NO_WARM_POOL_QUOTA_TYPES,
  });
  if (options.out) {
    await writeOutputFile('tuned policy', options.out, result.text);
    console.log(result.summary.join('\n'));
    console.log(`wrote ${options.out}`);
  } else {
    console.log(result.text);
  }
};
