import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../../../lib/domain/errorMessage';
import { SageMakerApiError } from './apiErrors';
import type { SageMakerApi } from './sageMakerApi';

export interface ServerOptions {
  /** Loopback by default: the emulator accepts any credentials, so it must not be reachable from elsewhere. */
  readonly host?: string;
  /** 0 (the default) lets the system pick a free port; read it from `endpoint` after start(). */
  readonly port?: number;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'SageMaker.';
/** SageMaker's own request size limit is far above what poolwarden sends; this only guards the emulator. */
const MAX_BODY_BYTES = 5 * 1024 * 1024;

const readBody = (request: IncomingMessage): Promise<string> =>
  new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    request.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        reject(new SageMakerApiError('SerializationException', 'The request body is too large'));
        request.destroy();
        return;
      }
      chunks.push(chunk);
    });
    request.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    request.on('error', reject);
  });

const parseJson = (text: string): unknown => {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new SageMakerApiError('SerializationException', 'The request body is not valid JSON');
  }
};

/**
 * SageMaker's AWS JSON 1.1 protocol over node:http: POST /, `X-Amz-Target: SageMaker.<Operation>`,
 * a JSON body; answers in the same content type, errors as `{"__type", "message"}` so that the
 * real SDK raises exceptions with the right name. Signatures are not checked.
 */
export class SageMakerServer {
  private server: Server | undefined;
  private url: string | undefined;
  private requestCount = 0;

  /** One API, or the API of the account and region a request is signed for. */
  constructor(
    private readonly api: SageMakerApi | ((request: IncomingMessage) => SageMakerApi),
    private readonly options: ServerOptions = {},
  ) {}

  /** Starts listening; resolves with the endpoint URL to give the SDK. */
  async start(): Promise<string> {
    if (this.url) return this.url;
    const server = createServer((request, response) => {
      void this.serve(request, response);
    });
    const host = this.options.host ?? '127.0.0.1';
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.options.port ?? 0, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const address = server.address() as AddressInfo;
    this.server = server;
    this.url = `http://${host.includes(':') ? `[${host}]` : host}:${address.port}`;
    return this.url;
  }

  get endpoint(): string {
    if (!this.url) throw new Error('the SageMaker emulator is not listening; call start() first');
    return this.url;
  }

  /** Stops listening and drops idle keep-alive connections, so that the process can exit. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    this.url = undefined;
    await new Promise<void>((resolve, reject) => {
      server.close((error) => (error ? reject(error) : resolve()));
      server.closeAllConnections();
    });
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = `emu-${(++this.requestCount).toString(16).padStart(8, '0')}`;
    try {
      if (request.method !== 'POST') {
        throw new SageMakerApiError(
          'UnknownOperationException',
          `${request.method ?? 'This'} method is not supported; POST /`,
        );
      }
      const target = request.headers['x-amz-target'];
      const operation =
        typeof target === 'string' && target.startsWith(TARGET_PREFIX)
          ? target.slice(TARGET_PREFIX.length)
          : undefined;
      if (!operation) {
        throw new SageMakerApiError('UnknownOperationException', 'Missing or foreign X-Amz-Target header');
      }
      const body = parseJson(await readBody(request));
      const api = typeof this.api === 'function' ? this.api(request) : this.api;
      this.send(response, 200, requestId, api.handle(operation, body));
    } catch (error) {
      const apiError =
        error instanceof SageMakerApiError
          ? error
          : new SageMakerApiError('InternalFailure', errorMessage(error));
      this.send(
        response,
        apiError.httpStatus,
        requestId,
        { __type: apiError.type, message: apiError.message },
        apiError.type,
      );
    }
  }

  private send(
    response: ServerResponse,
    status: number,
    requestId: string,
    body: unknown,
    errorType?: string,
  ): void {
    if (response.headersSent) return;
    const payload = JSON.stringify(body);
    response.writeHead(status, {
      'content-type': CONTENT_TYPE,
      'content-length': Buffer.byteLength(payload),
      'x-amzn-requestid': requestId,
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    });
    response.end(payload);
  }
}
