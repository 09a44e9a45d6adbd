import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SageMakerApiError } from './apiErrors';
import type { SageMakerApi } from './sageMakerApi';
import {
  answerSageMakerRequest,
  errorAnswer,
  type SageMakerWireAnswer,
  type SageMakerWireRequest,
} from './sageMakerProtocol';

export interface ServerOptions {
  /** Loopback by default: the emulator accepts any credentials, so it must not be reachable from elsewhere. */
  readonly host?: string;
  /** 0 (the default) lets the system pick a free port; read it from `endpoint` after start(). */
  readonly port?: number;
}

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

/** The emulator over node:http, for the SDK on loopback and your own scripts (the protocol: sageMakerProtocol.ts). */
export class SageMakerServer {
  private server: Server | undefined;
  private url: string | undefined;
  private requestCount = 0;

  /** One API, or the API of the account and region a request is signed for (by its Authorization header). */
  constructor(
    private readonly api: SageMakerApi | ((authorization: string | undefined) => SageMakerApi),
    private readonly options: ServerOptions = {},
  ) {}

  private apiFor(authorization: string | undefined): SageMakerApi {
    return typeof this.api === 'function' ? this.api(authorization) : this.api;
  }

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

  /** The in-process path (no socket, no signature): the same answers as over HTTP, from the home API. */
  answer(request: SageMakerWireRequest): SageMakerWireAnswer {
    return answerSageMakerRequest(this.apiFor(undefined), request, this.nextRequestId());
  }

  private nextRequestId(): string {
    return `emu-${(++this.requestCount).toString(16).padStart(8, '0')}`;
  }

  private async serve(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const requestId = this.nextRequestId();
    let answer: SageMakerWireAnswer;
    try {
      const target = request.headers['x-amz-target'];
      answer = answerSageMakerRequest(
        this.apiFor(request.headers.authorization),
        {
          method: request.method ?? '',
          target: typeof target === 'string' ? target : undefined,
          body: await readBody(request),
        },
        requestId,
      );
    } catch (error) {
      answer = errorAnswer(error, requestId);
    }
    if (response.headersSent) return;
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  }
}
