/** Exit codes scripts can rely on. Documented in the README's operations section. */
export const EXIT = {
  ok: 0,
  /** Something failed while running: AWS error, local stack error. */
  failure: 1,
  /** The command line itself is wrong. */
  usage: 2,
  /** An input file (trace, policy, prices) is invalid; nothing was done. */
  invalidInput: 3,
  /** The job or pool named does not exist in the ledger. */
  notFound: 4,
  /** The operator declined a confirmation (or none could be asked: no terminal and no --yes). */
  aborted: 5,
  /** No AWS credentials, or AWS refused them or denied the call. */
  credentials: 6,
  /** AWS or the local stack could not be reached: wrong or missing region, no network, local stack not running. */
  unreachable: 7,
  /** The ledger table does not exist there (wrong --table, --stage or --region; not deployed). */
  tableNotFound: 8,
  /** AWS kept throttling the calls after the SDK's retries. */
  throttled: 9,
  /** The pool is not Available (in use, or already ended): the action does not apply. */
  notAvailable: 10,
} as const;

export type ExitCode = (typeof EXIT)[keyof typeof EXIT];

/** An error the CLI reports as one clear line, with its exit code, and no stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode: ExitCode = EXIT.failure,
  ) {
    super(message);
    this.name = 'CliError';
  }
}
