import { createRequire } from 'node:module';
import type { AwsCredentialIdentity, HttpRequest, HttpResponse } from '@smithy/types';
import {
  type AdaptableClient,
  type ClientTransport,
  configurationCopy,
} from '../../../lib/adapters/awsClients';
import { LOCAL_CREDENTIALS, LOCAL_REGION } from '../../../lib/wiring/localStack';

/** One HTTP exchange as the local stand-ins see it, without a socket. */
export interface WireRequest {
  readonly method: string;
  readonly path: string;
  /** Lower-case names. */
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export interface WireAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

export type WireDispatch = (request: WireRequest) => WireAnswer | Promise<WireAnswer>;

const encoder = new TextEncoder();
const decoder = new TextDecoder();

const bodyText = (body: unknown): string => {
  if (body === undefined || body === null) return '';
  if (typeof body === 'string') return body;
  if (body instanceof Uint8Array) return decoder.decode(body);
  throw new TypeError('the in-process request handler takes string or byte bodies only');
};

/**
 * An AWS SDK request handler that hands the request to a local stand-in in this process:
 * the clients keep their whole middleware stack (serialization, retries, error parsing), and
 * only the socket, on both ends, is gone. The local stack's fast path; the loopback HTTP
 * endpoints still serve `--port` and the wire-protocol tests.
 */
export class InProcessHandler {
  readonly metadata = { handlerProtocol: 'in-process' };

  constructor(private readonly dispatch: WireDispatch) {}

  async handle(
    request: HttpRequest,
    options?: { readonly abortSignal?: { readonly aborted: boolean } },
  ): Promise<{ response: HttpResponse }> {
    // As the SDK's Node.js handler does: a request abandoned before it is sent is not sent.
    if (options?.abortSignal?.aborted)
      throw Object.assign(new Error('Request aborted'), { name: 'AbortError' });
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) headers[name.toLowerCase()] = value;
    const answer = await this.dispatch({
      method: request.method,
      path: request.path,
      headers,
      body: bodyText(request.body),
    });
    return {
      response: {
        statusCode: answer.status,
        headers: { ...answer.headers },
        body: encoder.encode(answer.body),
      },
    };
  }

  updateHttpClientConfig(): void {}

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }
}

/**
 * Stands in for SigV4 on the in-process path: the local stand-ins check that a request looks
 * signed (dynalite wants the header's parts), never the signature, so computing one is waste.
 */
const UNSIGNED_AUTHORIZATION = `AWS4-HMAC-SHA256 Credential=${LOCAL_CREDENTIALS.accessKeyId}/20260101/${LOCAL_REGION}/local/aws4_request, SignedHeaders=host, Signature=0`;
const unsignedSigner = {
  sign: async (request: HttpRequest): Promise<HttpRequest> => {
    request.headers.authorization = UNSIGNED_AUTHORIZATION;
    request.headers['x-amz-date'] = '20260101T000000Z';
    return request;
  },
};

/**
 * Client middleware the in-process path makes pointless: the user agent (built and escaped per
 * request), the Host header, Lambda's trace-id header (read from the environment of a Lambda
 * invocation) and the client logger (the functions log through their own telemetry). None of
 * the local stand-ins reads them. Serialization, retries, signing and error parsing stay.
 */
const POINTLESS_IN_PROCESS = [
  'getUserAgentMiddleware',
  'hostHeaderMiddleware',
  'recursionDetectionMiddleware',
  'loggerMiddleware',
];

interface SchemaSerde {
  getSchemaSerdePlugin(config: object): { applyToStack(stack: never): void };
}
/** The SDK's schema-based (de)serialization, as the AWS SDK clients load it. */
const schemaSerde = createRequire(import.meta.url)('@smithy/core/schema') as SchemaSerde;

/** The SDK's retry strategies, from the module its clients load them from. */
const sdkRetry = createRequire(import.meta.url)('@smithy/core/retry') as typeof import('@smithy/core/retry');

/**
 * The SDK's standard retries (the same attempts, the same retry quota, the same errors retried)
 * with no wait between attempts: the local stack's time is virtual, so a backoff or an adaptive
 * rate limiter sleeping in real time changes nothing but how long a throttled run takes.
 */
const retriesWithoutWaiting = (maxAttempts: number) => new sdkRetry.ConfiguredRetryStrategy(maxAttempts, 0);

/**
 * Gives a client a copy of its configuration (configurationCopy says why a copy is cheaper to
 * spread): its (de)serialization middleware, which spreads it on every call, gets the same plugin
 * the client installed itself, installed again over it by name; and the client's own `config`
 * becomes the copy, so that the middleware each command class resolves with it (the endpoint's,
 * which spreads it on every call too) holds the copy. Clients without schema-based
 * serialization keep their configuration.
 */
const onConfigurationCopy = (client: AdaptableClient): void => {
  const { protocol } = client.config as { protocol?: { setSerdeContext?: unknown } };
  if (typeof protocol?.setSerdeContext !== 'function') return;
  const copy = configurationCopy(client.config);
  client.middlewareStack.use(schemaSerde.getSchemaSerdePlugin(copy));
  client.config = copy;
};

export interface InProcessTransportOptions {
  /**
   * Resolve each command class's middleware stack once (the SDK's own `cacheMiddleware`, and its
   * counterpart for the DynamoDB document client, see ClientTransport); the resolved chain is the
   * same one, only not rebuilt per call.
   */
  readonly cacheMiddleware?: boolean;
}

/** The SDK client settings that send every request to `dispatch`, in process and unsigned. */
export const inProcessTransport = (
  dispatch: WireDispatch,
  options: InProcessTransportOptions = {},
): ClientTransport => ({
  requestHandler: new InProcessHandler(dispatch),
  httpAuthSchemes: [
    {
      schemeId: 'aws.auth#sigv4',
      identityProvider: () => async (): Promise<AwsCredentialIdentity> => ({ ...LOCAL_CREDENTIALS }),
      signer: unsignedSigner,
    },
  ],
  withoutMiddleware: POINTLESS_IN_PROCESS,
  adaptClient: onConfigurationCopy,
  retryStrategy: retriesWithoutWaiting,
  ...(options.cacheMiddleware ? { cacheMiddleware: true } : {}),
});
