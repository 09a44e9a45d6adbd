import { randomUUID } from 'node:crypto';
import type { ServerResponse } from 'node:http';
import { ACCOUNT_PATTERN } from '../../lib/domain/jobLocation';
import { localAccessKeyId } from '../../lib/wiring/localStack';
import { listenOnLoopback, readBody } from './slackSink';

/**
 * A local STS on 127.0.0.1 answering AssumeRole in the Query protocol, well enough for the SDK's
 * fromTemporaryCredentials (point it there with AWS_ENDPOINT_URL_STS). It plays the member
 * accounts' spoke roles: the role must be `arn:aws:iam::<account>:role/<roleName>`, the external
 * id the expected one, and the account must have the role (an account listed in `withoutRole`
 * answers AccessDenied, as AWS does for a role that is missing or does not trust the hub). The
 * access key it hands out names the account, so the SageMaker emulator knows whose jobs a
 * request is about.
 */
export interface StsStandInOptions {
  readonly roleName: string;
  readonly externalId: string;
  readonly withoutRole?: readonly string[];
}

export interface StsStandIn {
  readonly endpoint: string;
  /** Each AssumeRole received: the role ARN, and whether it was granted. */
  readonly assumed: ReadonlyArray<{ readonly roleArn: string; readonly granted: boolean }>;
  close(): Promise<void>;
}

const NAMESPACE = 'https://sts.amazonaws.com/doc/2011-06-15/';
/** An hour, as AssumeRole's default; the SDK refreshes a few minutes before. */
const SESSION_MS = 3_600_000;

const xml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const send = (response: ServerResponse, status: number, body: string) => {
  response.writeHead(status, { 'content-type': 'text/xml', 'x-amzn-requestid': randomUUID() });
  response.end(`<?xml version="1.0"?>\n${body}`);
};

const refuse = (response: ServerResponse, status: number, code: string, message: string) =>
  send(
    response,
    status,
    `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>Sender</Type><Code>${code}</Code><Message>${xml(message)}</Message></Error><RequestId>${randomUUID()}</RequestId></ErrorResponse>`,
  );

export const startStsStandIn = async (options: StsStandInOptions): Promise<StsStandIn> => {
  const assumed: Array<{ roleArn: string; granted: boolean }> = [];
  const withoutRole = new Set(options.withoutRole ?? []);
  const { baseUrl, close } = await listenOnLoopback(async (request, response) => {
    const fields = Object.fromEntries(new URLSearchParams(await readBody(request)));
    if (fields.Action !== 'AssumeRole')
      return refuse(response, 400, 'InvalidAction', `${fields.Action ?? '(none)'} is not supported locally`);
    const roleArn = fields.RoleArn ?? '';
    const match = /^arn:aws:iam::(\d{12}):role\/(.+)$/.exec(roleArn);
    const account = match?.[1] ?? '';
    const granted =
      match !== null &&
      ACCOUNT_PATTERN.test(account) &&
      match[2] === options.roleName &&
      fields.ExternalId === options.externalId &&
      !withoutRole.has(account);
    assumed.push({ roleArn, granted });
    if (!granted)
      return refuse(
        response,
        403,
        'AccessDenied',
        `User: arn:aws:sts::hub:assumed-role/poolwarden is not authorized to perform: sts:AssumeRole on resource: ${roleArn}`,
      );
    const expiration = new Date(Date.now() + SESSION_MS).toISOString();
    send(
      response,
      200,
      `<AssumeRoleResponse xmlns="${NAMESPACE}"><AssumeRoleResult><Credentials><AccessKeyId>${localAccessKeyId(account)}</AccessKeyId><SecretAccessKey>local</SecretAccessKey><SessionToken>local-session-${account}</SessionToken><Expiration>${expiration}</Expiration></Credentials><AssumedRoleUser><Arn>arn:aws:sts::${account}:assumed-role/${xml(options.roleName)}/${xml(fields.RoleSessionName ?? 'session')}</Arn><AssumedRoleId>AROALOCAL:${xml(fields.RoleSessionName ?? 'session')}</AssumedRoleId></AssumedRoleUser></AssumeRoleResult><ResponseMetadata><RequestId>${randomUUID()}</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    );
  });
  return { endpoint: baseUrl, assumed, close };
};
