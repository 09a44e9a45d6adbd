import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { explainAwsError } from '../../lib/cli/awsErrors';
import { EXIT } from '../../lib/cli/exitCodes';
import { resolveSince, since } from '../../lib/cli/optionParsers';
import { progressBar } from '../../lib/cli/output/progress';

const aws = { table: 'poolwarden-prod-ledger', region: 'eu-west-1', local: false };
const named = (name: string, message = 'x', extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, ...extra });

describe('SDK errors as one line and an exit code', () => {
  it('names the --profile that gave no credentials, instead of asking for one', () => {
    const error = explainAwsError(
      named('CredentialsProviderError', 'Could not load credentials from any providers'),
      {
        ...aws,
        profile: 'nosuch',
      },
    );
    expect(error?.exitCode).toBe(EXIT.credentials);
    expect(error?.message).toContain('the AWS profile "nosuch" gave no credentials');
    expect(error?.message).not.toContain('pass --profile');
  });

  it.each([
    [
      named('CredentialsProviderError', 'Could not load credentials from any providers'),
      EXIT.credentials,
      'no AWS credentials',
    ],
    [named('UnrecognizedClientException'), EXIT.credentials, 'refused the credentials'],
    [named('InvalidSignatureException'), EXIT.credentials, 'refused the credentials'],
    [named('ExpiredTokenException'), EXIT.credentials, 'refused the credentials'],
    [
      named('AccessDeniedException', 'User is not authorized to perform: dynamodb:Query'),
      EXIT.credentials,
      'denied the call',
    ],
    [
      named('ResourceNotFoundException', 'Requested resource not found'),
      EXIT.tableNotFound,
      '"poolwarden-prod-ledger" was not found in AWS region eu-west-1',
    ],
    [named('ThrottlingException', 'Rate exceeded'), EXIT.throttled, 'throttling'],
    [named('ProvisionedThroughputExceededException'), EXIT.throttled, 'throttling'],
    [
      named('Error', 'getaddrinfo ENOTFOUND dynamodb.eu-west-9.amazonaws.com', { code: 'ENOTFOUND' }),
      EXIT.unreachable,
      'cannot reach AWS in region "eu-west-1"',
    ],
    [
      named('TypeError', 'fetch failed', { cause: { code: 'ECONNREFUSED' } }),
      EXIT.unreachable,
      'cannot reach AWS',
    ],
    [named('Error', 'Region is missing'), EXIT.unreachable, 'no AWS region'],
  ])('%s', (error, code, text) => {
    const explained = explainAwsError(error, aws);
    expect(explained?.exitCode).toBe(code);
    expect(explained?.message).toContain(text);
    expect(explained?.message).not.toContain('\n');
  });

  it('points at the local stack when --local', () => {
    const explained = explainAwsError(
      named('Error', 'connect ECONNREFUSED 127.0.0.1:4567', { code: 'ECONNREFUSED' }),
      {
        table: 'poolwarden-local-ledger',
        local: true,
        endpoints: { dynamodb: 'http://127.0.0.1:4567' },
      },
    );
    expect(explained?.message).toContain('poolwarden local --trace FILE --keep-serving');
  });

  it('leaves other errors alone', () => {
    expect(explainAwsError(new Error('something else'), aws)).toBeUndefined();
    expect(explainAwsError('a string', aws)).toBeUndefined();
  });
});

describe('--since', () => {
  it('takes a duration back from now or a date', () => {
    const now = Date.parse('2026-03-09T12:00:00Z');
    expect(resolveSince(since('7d'), now)).toBe(Date.parse('2026-03-02T12:00:00Z'));
    expect(resolveSince(since('90m'), now)).toBe(Date.parse('2026-03-09T10:30:00Z'));
    expect(resolveSince(since('2026-03-01'), now)).toBe(Date.parse('2026-03-01T00:00:00Z'));
    expect(resolveSince(since('2026-03-01T09:00:00Z'), now)).toBe(Date.parse('2026-03-01T09:00:00Z'));
    expect(() => since('last week')).toThrow(/duration like 7d/);
    expect(() => since('42')).toThrow();
  });
});

describe('the progress bar', () => {
  const stream = (tty: boolean) => {
    const s = new PassThrough() as PassThrough & { isTTY?: boolean };
    s.isTTY = tty;
    let text = '';
    s.on('data', (c: Buffer) => {
      text += c.toString();
    });
    return { s: s as unknown as NodeJS.WriteStream, text: () => text };
  };

  it('draws on a terminal and clears itself', async () => {
    const { s, text } = stream(true);
    const bar = progressBar('importing', s);
    bar.update(5, 10);
    bar.done();
    await new Promise((r) => setImmediate(r));
    expect(text()).toContain('importing [###############---------------] 5/10');
    expect(text().endsWith('\r\u001b[2K')).toBe(true);
  });

  it('writes nothing when the stream is not a terminal', async () => {
    const { s, text } = stream(false);
    const bar = progressBar('importing', s);
    bar.update(5, 10);
    bar.done();
    await new Promise((r) => setImmediate(r));
    expect(text()).toBe('');
  });
});
