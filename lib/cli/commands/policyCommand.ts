import type { Command } from 'commander';

import { readInputFile } from '../inputFiles';
import { registerTuneCommand } from './tuneCommand';

export const registerPolicyCommand = (program: Command): void => {
  const policy = program.command('policy').description('work with policy files');
  policy
    .command('validate')
    .description('check a policy file (YAML or JSON); every error is reported with its line and path')
    .argument('<file>', 'the policy file')
    .action(async (file: string) => {
      const { readPolicyFile } = await import('../../policyFile/readPolicyFile');
      const parsed = await readInputFile('policy', file, readPolicyFile);
      console.log(`${file}: valid (${parsed.rules.length} rules besides the defaults)`);
    });
  registerTuneCommand(policy);
};
