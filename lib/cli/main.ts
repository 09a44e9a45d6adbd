import { Command, CommanderError } from 'commander';
import { PriceFileError } from '../adapters/prices/readPriceFile';
import { PolicyFileError } from '../policy/readPolicyFile';
import { registerLocalCommand } from './commands/localCommand';
import { registerPolicyCommand } from './commands/policyCommand';
import { CliError, EXIT } from './exitCodes';

/** Runs the poolwarden command line; resolves with the process exit code. */
export const main = async (argv: readonly string[]): Promise<number> => {
  let exitCode: number = EXIT.ok;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command('poolwarden')
    .description('the lifecycle manager for SageMaker Training Managed Warm Pools')
    .showHelpAfterError()
    .exitOverride();
  registerLocalCommand(program, setExit);
  registerPolicyCommand(program);
  try {
    await program.parseAsync([...argv]);
    return exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      return error.exitCode === 0 ? EXIT.ok : EXIT.usage;
    }
    if (error instanceof CliError) {
      console.error(`poolwarden: ${error.message}`);
      return error.exitCode;
    }
    if (error instanceof PriceFileError || error instanceof PolicyFileError) {
      console.error(`poolwarden: ${error.message}`);
      return EXIT.invalidInput;
    }
    console.error(`poolwarden: ${error instanceof Error ? error.message : String(error)}`);
    return EXIT.failure;
  }
};
