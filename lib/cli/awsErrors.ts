import { CliError, EXIT } from './exitCodes';

/** Where a command was talking to, so an error can say what to check. */
export interface ErrorContext {
  readonly table: string;
  readonly region?: string;
  readonly local: boolean;
  readonly endpoints?: { readonly dynamodb?: string; readonly sagemaker?: string };
  /** The --profile the command was given, if any. */
  readonly profile?: string;
}

const CREDENTIAL_ERRORS = new Set([
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'InvalidClientTokenId',
  'ExpiredTokenException',
  'ExpiredToken',
  'SignatureDoesNotMatch',
  'MissingAuthenticationToken',
  'IncompleteSignatureException',
]);
const DENIED_ERRORS = new Set(['AccessDeniedException', 'AccessDenied', 'UnauthorizedOperation']);
const THROTTLING_ERRORS = new Set([
  'ThrottlingException',
  'Throttling',
  'ThrottledException',
  'TooManyRequestsException',
  'ProvisionedThroughputExceededException',
  'RequestLimitExceeded',
  'RequestThrottled',
  'LimitExceededException',
]);
const NETWORK_CODES = new Set([
  'ENOTFOUND',
  'EAI_AGAIN',
  'ECONNREFUSED',
  'ECONNRESET',
  'EHOSTUNREACH',
  'ETIMEDOUT',
]);

const codeOf = (error: Error): string | undefined => {
  const withCode = error as Error & { code?: unknown; cause?: unknown };
  if (typeof withCode.code === 'string') return withCode.code;
  const cause = withCode.cause as { code?: unknown } | undefined;
  return typeof cause?.code === 'string' ? cause.code : undefined;
};

const where = (context: ErrorContext): string =>
  context.local ? 'the local stack' : `AWS${context.region ? ` region ${context.region}` : ''}`;

/**
 * An AWS SDK (or network) error as one line a person can act on, with an exit code scripts can
 * test. undefined when the error is not one of the known kinds.
 */
export const explainAwsError = (error: unknown, context: ErrorContext): CliError | undefined => {
  if (!(error instanceof Error)) return undefined;
  const name = error.name;
  const code = codeOf(error);
  if (name === 'CredentialsProviderError' || /could not load credentials/i.test(error.message)) {
    if (context.profile)
      return new CliError(
        `the AWS profile "${context.profile}" gave no credentials: check that it exists (aws configure list-profiles) and is logged in (aws sso login --profile ${context.profile})`,
        EXIT.credentials,
      );
    return new CliError(
      'no AWS credentials found: run `aws configure` or `aws sso login`, or pass --profile NAME (or --local for the local stack)',
      EXIT.credentials,
    );
  }
  if (CREDENTIAL_ERRORS.has(name)) {
    return new CliError(
      `${where(context)} refused the credentials (${name}): check --profile, that the session has not expired, and that --region is right`,
      EXIT.credentials,
    );
  }
  if (DENIED_ERRORS.has(name)) {
    return new CliError(
      `${where(context)} denied the call (${name}): ${error.message.split('\n')[0]}`,
      EXIT.credentials,
    );
  }
  if (name === 'ResourceNotFoundException') {
    return new CliError(
      `the ledger table "${context.table}" was not found in ${where(context)}: check --table or --stage${context.local ? ', and that `poolwarden local --keep-serving` is running' : ' and --region'}`,
      EXIT.tableNotFound,
    );
  }
  if (THROTTLING_ERRORS.has(name)) {
    return new CliError(
      `${where(context)} is throttling the calls (${name}), even after retries: wait a minute and run the command again, or narrow it (--owner, --team, a shorter --since)`,
      EXIT.throttled,
    );
  }
  if (/region is missing/i.test(error.message)) {
    return new CliError(
      'no AWS region: pass --region (or set AWS_REGION, or a region in your profile)',
      EXIT.unreachable,
    );
  }
  if (
    (code && NETWORK_CODES.has(code)) ||
    name === 'UnknownEndpoint' ||
    name === 'TimeoutError' ||
    /getaddrinfo|connect ECONNREFUSED|Invalid region/i.test(error.message)
  ) {
    return new CliError(
      context.local
        ? `cannot reach the local stack (${code ?? name}) at ${context.endpoints?.dynamodb ?? ''} ${context.endpoints?.sagemaker ?? ''}: start it with \`poolwarden local --trace FILE --keep-serving\``
        : `cannot reach AWS${context.region ? ` in region "${context.region}"` : ''} (${code ?? name}): check --region (e.g. eu-west-1) and your network`,
      EXIT.unreachable,
    );
  }
  return undefined;
};
