import { Command, CommanderError } from 'commander';
import { errorMessage } from '../domain/errorMessage';
import { registerImportCommand } from './commands/importCommand';
import { registerLocalCommand } from './commands/localCommand';
import { registerNoticesCommand } from './commands/noticesCommand';
import { registerPolicyCommand } from './commands/policyCommand';
import { registerPoolsCommand } from './commands/poolsCommand';
import { registerReportCommand } from './commands/reportCommand';
import { registerWhatifCommand } from './commands/whatifCommand';
import { CliError, EXIT } from './exitCodes';
import { type CliIo, terminalIo } from './io';

/** Runs the poolwarden command line; resolves with the process exit code. */
export const main = async (argv: readonly string[], io: CliIo = terminalIo()): Promise<number> => {
  let exitCode: number = EXIT.ok;
  const setExit = (code: number) => {
    exitCode = code;
  };
  const program = new Command('poolwarden')
    .description('the lifecycle manager for SageMaker Training Managed Warm Pools')
    .showHelpAfterError()
    .exitOverride()
    .addHelpText(
      'after',
      `
Exit codes: ${EXIT.ok} ok, ${EXIT.failure} failure, ${EXIT.usage} usage, ${EXIT.invalidInput} invalid input file, ${EXIT.notFound} job or pool not found,
${EXIT.aborted} aborted (not confirmed), ${EXIT.credentials} AWS credentials, ${EXIT.unreachable} AWS or local stack unreachable (region?),
${EXIT.tableNotFound} ledger table not found, ${EXIT.throttled} throttled after retries, ${EXIT.notAvailable} pool not Available.
AWS commands take --stage/--table, --region, --profile, or --local for the local stack.`,
    );
  registerLocalCommand(program, setExit);
  registerPolicyCommand(program);
  registerPoolsCommand(program, io, setExit);
  registerReportCommand(program);
  registerImportCommand(program);
  registerNoticesCommand(program, io, setExit);
  registerWhatifCommand(program);
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
    // Only on this path are the input-file modules (and their parsers) needed.
    const [{ PriceFileError }, { PolicyFileError }, { TraceParseError }] = await Promise.all([
      import('../adapters/prices/readPriceFile'),
      import('../policyFile/readPolicyFile'),
      import('../trace/traceIssues'),
    ]);
    if (
      error instanceof PriceFileError ||
      error instanceof PolicyFileError ||
      error instanceof TraceParseError
    ) {
      console.error(`poolwarden: ${error.message}`);
      return EXIT.invalidInput;
    }
    console.error(`poolwarden: ${errorMessage(error)}`);
    return EXIT.failure;
  }
};
