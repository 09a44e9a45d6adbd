import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from 'aws-lambda';
import { errorMessage } from '../../lib/domain/errorMessage';
import { lambdaContext } from './runtime/lambdaContext';

/**
 * The fixed signing secret of the local stack's Slack actions route, for signing requests by
 * hand (README, "Slack actions"). Local only: a deployment reads its own from SSM.
 */
export const LOCAL_SLACK_SIGNING_SECRET = 'poolwarden-local-signing-secret';
export const SLACK_ACTIONS_ROUTE = { method: 'POST', path: '/slack/actions' } as const;

export type HttpApiHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

export interface SlackActionsServer {
  /** e.g. http://127.0.0.1:3030/slack/actions */
  readonly url: string;
  close(): Promise<void>;
}

/**
 * The largest request body the local route reads. Slack's interaction payloads (the clicked
 * message included) stay far below it; API Gateway's own limit, 10 MB, is the deployment's.
 */
export const MAX_SLACK_ACTION_BODY_BYTES = 1024 * 1024;

class BodyTooLargeError extends Error {
  constructor() {
    super(`request body over ${MAX_SLACK_ACTION_BODY_BYTES} bytes`);
    this.name = 'BodyTooLargeError';
  }
}

/** The body, or BodyTooLargeError as soon as it is known to exceed the limit (nothing more is read). */
const readBytes = async (request: IncomingMessage): Promise<Buffer> => {
  if (Number(request.headers['content-length'] ?? 0) > MAX_SLACK_ACTION_BODY_BYTES)
    throw new BodyTooLargeError();
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request) {
    const bytes = typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer);
    size += bytes.length;
    if (size > MAX_SLACK_ACTION_BODY_BYTES) throw new BodyTooLargeError();
    chunks.push(bytes);
  }
  return Buffer.concat(chunks);
};

/** The event API Gateway's HTTP API (payload format 2.0) hands the function for this request. */
export const httpApiEvent = (
  request: IncomingMessage,
  body: Buffer,
  nowMs: number,
): APIGatewayProxyEventV2 => {
  const url = new URL(request.url ?? '/', 'http://127.0.0.1');
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(request.headers)) {
    if (value !== undefined) headers[name.toLowerCase()] = Array.isArray(value) ? value.join(',') : value;
  }
  const routeKey = `${SLACK_ACTIONS_ROUTE.method} ${SLACK_ACTIONS_ROUTE.path}`;
  return {
    version: '2.0',
    routeKey,
    rawPath: url.pathname,
    rawQueryString: url.search.replace(/^\?/, ''),
    headers,
    requestContext: {
      accountId: '123456789012',
      apiId: 'local',
      domainName: headers.host ?? '127.0.0.1',
      domainPrefix: 'local',
      http: {
        method: request.method ?? 'POST',
        path: url.pathname,
        protocol: `HTTP/${request.httpVersion}`,
        sourceIp: request.socket.remoteAddress ?? '127.0.0.1',
        userAgent: headers['user-agent'] ?? '',
      },
      requestId: randomUUID(),
      routeKey,
      stage: '$default',
      time: new Date(nowMs).toISOString(),
      timeEpoch: nowMs,
    },
    // HTTP API base64-encodes form bodies, as it does for Slack's: the handler must decode.
    body: body.toString('base64'),
    isBase64Encoded: true,
  };
};

const send = (response: ServerResponse, result: APIGatewayProxyStructuredResultV2) => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(result.headers ?? {})) headers[name] = String(value);
  response.writeHead(result.statusCode ?? 200, headers);
  response.end(
    result.isBase64Encoded && result.body ? Buffer.from(result.body, 'base64') : (result.body ?? ''),
  );
};

/**
 * `POST /slack/actions` on 127.0.0.1, as API Gateway would serve it: each request becomes an
 * HTTP API v2 event for the same handler module the deployment runs. Never reachable from
 * outside the machine. Port 0 (the default) picks a free one.
 */
export const startSlackActionsServer = async (
  handler: HttpApiHandler,
  options: { readonly port?: number } = {},
): Promise<SlackActionsServer> => {
  const server = createServer((request, response) => {
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    if (request.method !== SLACK_ACTIONS_ROUTE.method || path !== SLACK_ACTIONS_ROUTE.path) {
      send(response, {
        statusCode: 404,
        headers: { 'content-type': 'application/json' },
        body: '{"message":"Not Found"}',
      });
      return;
    }
    readBytes(request)
      .then((body) => handler(httpApiEvent(request, body, Date.now()), lambdaContext('slackActions')))
      .then((result) => send(response, (result ?? {}) as APIGatewayProxyStructuredResultV2))
      .catch((error: unknown) => {
        if (error instanceof BodyTooLargeError) {
          // Answer, then drop the connection: the rest of the body is never read.
          response.once('finish', () => request.destroy());
          send(response, {
            statusCode: 413,
            headers: { 'content-type': 'application/json', connection: 'close' },
            body: '{"message":"Request Entity Too Large"}',
          });
          return;
        }
        send(response, {
          statusCode: 500,
          headers: { 'content-type': 'application/json' },
          body: JSON.stringify({
            message: 'Internal Server Error',
            error: errorMessage(error),
          }),
        });
      });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}${SLACK_ACTIONS_ROUTE.path}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};
