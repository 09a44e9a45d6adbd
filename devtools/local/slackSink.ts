import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { errorMessage } from '../../lib/domain/errorMessage';
import { type SlackRefusal, slackRefusal } from './slackMessageCheck';

/**
 * A local stand-in for Slack on 127.0.0.1: an incoming webhook and the two Web API methods
 * poolwarden calls (chat.postMessage, users.lookupByEmail). It records every request exactly
 * as received, prints each accepted message, refuses what Slack refuses (its documented Block
 * Kit limits, lib/local/slackMessageCheck.ts) with Slack's answer, and can be told to fail
 * (429, 5xx, outage) so tests and the local stack can watch the notifier cope.
 */
export interface SlackSinkRequest {
  readonly endpoint: 'webhook' | 'api';
  readonly path: string;
  /** The Web API method, e.g. chat.postMessage. */
  readonly method?: string;
  readonly headers: Readonly<Record<string, string>>;
  /** JSON for the webhook; the form fields for the Web API, JSON-valued ones (blocks) parsed. */
  readonly body: Readonly<Record<string, unknown>>;
  /** The HTTP status the sink answered; 0 when it did not answer. */
  readonly status: number;
  /** Set when the message was refused as Slack would refuse it. */
  readonly refused?: SlackRefusal;
}

export interface SlackSinkMessage {
  readonly endpoint: 'webhook' | 'api';
  /** Where chat.postMessage posted; undefined for the webhook (its channel is fixed). */
  readonly channel?: string;
  readonly text: string;
  readonly blocks: readonly unknown[];
}

export type SlackSinkReply =
  | { readonly status: number; readonly headers?: Readonly<Record<string, string>>; readonly body?: string }
  /** Never answer: the client's timeout has to fire. */
  | { readonly hang: true };

export interface SlackSinkOptions {
  /** The workspace's users, email → user id, for users.lookupByEmail. */
  readonly users?: Readonly<Record<string, string>>;
  /** The only bot token the Web API accepts; any when unset. */
  readonly botToken?: string;
  /** Called with one line per accepted message: the timeline of what owners would read. */
  readonly print?: (line: string) => void;
}

export interface SlackSink {
  readonly webhookUrl: string;
  /** For WebClient's slackApiUrl. */
  readonly apiUrl: string;
  readonly requests: readonly SlackSinkRequest[];
  readonly messages: readonly SlackSinkMessage[];
  /** The next requests get these answers, in order, instead of being handled. */
  failNext(...replies: SlackSinkReply[]): void;
  /** While on, every request is answered 503, as in a Slack outage. */
  setOutage(on: boolean): void;
  close(): Promise<void>;
}

export const readBody = async (request: IncomingMessage): Promise<string> => {
  const chunks: Buffer[] = [];
  for await (const chunk of request) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : chunk);
  return Buffer.concat(chunks).toString('utf8');
};

const headersOf = (request: IncomingMessage): Record<string, string> =>
  Object.fromEntries(
    Object.entries(request.headers).flatMap(([name, value]) =>
      value === undefined ? [] : [[name, Array.isArray(value) ? value.join(', ') : value]],
    ),
  );

/** Starts `handler` on a free loopback port; never reachable from outside the machine. */
export const listenOnLoopback = async (
  handler: (request: IncomingMessage, response: ServerResponse) => Promise<void>,
): Promise<{ server: Server; baseUrl: string; close: () => Promise<void> }> => {
  const server = createServer((request, response) => {
    handler(request, response).catch((error: unknown) => {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(errorMessage(error));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    server,
    baseUrl: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
};

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/** WebClient sends form fields, with objects (blocks) as JSON strings. */
const formFields = (text: string): Record<string, unknown> =>
  Object.fromEntries(
    [...new URLSearchParams(text)].map(([name, value]) => {
      const json = value.startsWith('[') || value.startsWith('{') ? parseJson(value) : undefined;
      return [name, json ?? value];
    }),
  );

const textOf = (body: Readonly<Record<string, unknown>>): string =>
  typeof body.text === 'string' ? body.text : '';
const blocksOf = (body: Readonly<Record<string, unknown>>): unknown[] =>
  Array.isArray(body.blocks) ? body.blocks : [];

export const startSlackSink = async (options: SlackSinkOptions = {}): Promise<SlackSink> => {
  const requests: SlackSinkRequest[] = [];
  const messages: SlackSinkMessage[] = [];
  const scripted: SlackSinkReply[] = [];
  let outage = false;
  let sequence = 0;

  const reply = (
    response: ServerResponse,
    r: {
      readonly status: number;
      readonly headers?: Readonly<Record<string, string>>;
      readonly body?: string;
    },
  ) => {
    response.writeHead(r.status, { 'content-type': 'text/plain', ...r.headers });
    response.end(r.body ?? '');
  };
  const json = (response: ServerResponse, body: unknown) => {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(body));
    return 200;
  };
  const accept = (message: SlackSinkMessage) => {
    messages.push(message);
    options.print?.(`[slack ${message.channel ?? 'webhook'}] ${message.text}`);
  };

  let refusal: SlackRefusal | undefined;

  const webhook = (body: Record<string, unknown> | undefined, response: ServerResponse): number => {
    if (!body) {
      reply(response, { status: 400, body: 'invalid_payload' });
      return 400;
    }
    refusal = slackRefusal(body);
    if (refusal) {
      // Incoming webhooks answer a refused message with 400 and the error code as the body.
      reply(response, { status: 400, body: refusal.error });
      return 400;
    }
    accept({ endpoint: 'webhook', text: textOf(body), blocks: blocksOf(body) });
    reply(response, { status: 200, body: 'ok' });
    return 200;
  };

  const api = (
    method: string,
    headers: Record<string, string>,
    body: Record<string, unknown>,
    response: ServerResponse,
  ): number => {
    const token = headers.authorization?.replace(/^Bearer /, '');
    if (!token) return json(response, { ok: false, error: 'not_authed' });
    if (options.botToken && token !== options.botToken)
      return json(response, { ok: false, error: 'invalid_auth' });
    switch (method) {
      case 'chat.postMessage': {
        const channel = typeof body.channel === 'string' ? body.channel : '';
        if (!channel) return json(response, { ok: false, error: 'channel_not_found' });
        refusal = slackRefusal(body);
        if (refusal) return json(response, { ok: false, error: refusal.error, errors: [refusal.detail] });
        sequence += 1;
        accept({ endpoint: 'api', channel, text: textOf(body), blocks: blocksOf(body) });
        return json(response, { ok: true, channel, ts: `1700000000.${String(sequence).padStart(6, '0')}` });
      }
      case 'users.lookupByEmail': {
        const id = typeof body.email === 'string' ? options.users?.[body.email] : undefined;
        return json(response, id ? { ok: true, user: { id } } : { ok: false, error: 'users_not_found' });
      }
      default:
        return json(response, { ok: false, error: 'unknown_method' });
    }
  };

  const { baseUrl, close } = await listenOnLoopback(async (request, response) => {
    const text = await readBody(request);
    const headers = headersOf(request);
    const path = new URL(request.url ?? '/', 'http://127.0.0.1').pathname;
    const isApi = path.startsWith('/api/');
    const body = isApi ? formFields(text) : parseJson(text);
    refusal = undefined;
    const record = (status: number) =>
      requests.push({
        endpoint: isApi ? 'api' : 'webhook',
        path,
        ...(isApi ? { method: path.slice('/api/'.length) } : {}),
        headers,
        body: isRecord(body) ? body : {},
        status,
        ...(refusal ? { refused: refusal } : {}),
      });
    const failure = outage ? { status: 503, body: 'service_unavailable' } : scripted.shift();
    if (failure && 'hang' in failure) {
      // Recorded with status 0: no answer was given. close() drops the connection.
      record(0);
      return;
    }
    if (failure) {
      reply(response, failure);
      record(failure.status);
      return;
    }
    record(
      isApi
        ? api(path.slice('/api/'.length), headers, isRecord(body) ? body : {}, response)
        : webhook(isRecord(body) ? body : undefined, response),
    );
  });

  return {
    webhookUrl: `${baseUrl}/services/T00000000/B00000000/local-sink`,
    apiUrl: `${baseUrl}/api/`,
    requests,
    messages,
    failNext: (...replies) => {
      scripted.push(...replies);
    },
    setOutage: (on) => {
      outage = on;
    },
    close,
  };
};
