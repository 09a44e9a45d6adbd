import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FetchFunction } from '@slack/webhook';
import { errorMessage } from '../../lib/domain/errorMessage';
import { inProcessFetch } from './runtime/inProcessFetch';
import type { WireAnswer, WireRequest } from './runtime/inProcessHandler';
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
  /**
   * Keep every request and message for `requests` and `messages` (the default, for tests); a
   * bulk replay reads neither, and keeping each post's decoded body costs it memory and GC.
   */
  readonly keepHistory?: boolean;
}

export interface SlackSink {
  readonly webhookUrl: string;
  /** For WebClient's slackApiUrl. */
  readonly apiUrl: string;
  readonly requests: readonly SlackSinkRequest[];
  readonly messages: readonly SlackSinkMessage[];
  /**
   * A fetch that hands requests for this sink to it in process, with no socket (the local
   * stack's fast path); requests for any other URL are refused. A scripted hang fails at once,
   * as a timeout would.
   */
  readonly fetch: FetchFunction;
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
  const keep = options.keepHistory ?? true;
  let outage = false;
  let sequence = 0;

  const reply = (r: {
    readonly status: number;
    readonly headers?: Readonly<Record<string, string>>;
    readonly body?: string;
  }): WireAnswer => ({
    status: r.status,
    headers: { 'content-type': 'text/plain', ...r.headers },
    body: r.body ?? '',
  });
  const json = (body: unknown): WireAnswer => ({
    status: 200,
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  const accept = (message: SlackSinkMessage) => {
    if (keep) messages.push(message);
    options.print?.(`[slack ${message.channel ?? 'webhook'}] ${message.text}`);
  };

  let refusal: SlackRefusal | undefined;

  const webhook = (body: Record<string, unknown> | undefined): WireAnswer => {
    if (!body) return reply({ status: 400, body: 'invalid_payload' });
    refusal = slackRefusal(body);
    // Incoming webhooks answer a refused message with 400 and the error code as the body.
    if (refusal) return reply({ status: 400, body: refusal.error });
    accept({ endpoint: 'webhook', text: textOf(body), blocks: blocksOf(body) });
    return reply({ status: 200, body: 'ok' });
  };

  const api = (
    method: string,
    headers: Readonly<Record<string, string>>,
    body: Record<string, unknown>,
  ): WireAnswer => {
    const token = headers.authorization?.replace(/^Bearer /, '');
    if (!token) return json({ ok: false, error: 'not_authed' });
    if (options.botToken && token !== options.botToken) return json({ ok: false, error: 'invalid_auth' });
    switch (method) {
      case 'chat.postMessage': {
        const channel = typeof body.channel === 'string' ? body.channel : '';
        if (!channel) return json({ ok: false, error: 'channel_not_found' });
        refusal = slackRefusal(body);
        if (refusal) return json({ ok: false, error: refusal.error, errors: [refusal.detail] });
        sequence += 1;
        accept({ endpoint: 'api', channel, text: textOf(body), blocks: blocksOf(body) });
        return json({ ok: true, channel, ts: `1700000000.${String(sequence).padStart(6, '0')}` });
      }
      case 'users.lookupByEmail': {
        const id = typeof body.email === 'string' ? options.users?.[body.email] : undefined;
        return json(id ? { ok: true, user: { id } } : { ok: false, error: 'users_not_found' });
      }
      default:
        return json({ ok: false, error: 'unknown_method' });
    }
  };

  /** One request as Slack would take it; undefined: no answer (a scripted hang). */
  const handle = (request: WireRequest): WireAnswer | undefined => {
    const path = new URL(request.path, 'http://127.0.0.1').pathname;
    const isApi = path.startsWith('/api/');
    const body = isApi ? formFields(request.body) : parseJson(request.body);
    refusal = undefined;
    const record = (status: number) => {
      if (!keep) return;
      requests.push({
        endpoint: isApi ? 'api' : 'webhook',
        path,
        ...(isApi ? { method: path.slice('/api/'.length) } : {}),
        headers: request.headers,
        body: isRecord(body) ? body : {},
        status,
        ...(refusal ? { refused: refusal } : {}),
      });
    };
    const failure = outage ? { status: 503, body: 'service_unavailable' } : scripted.shift();
    if (failure && 'hang' in failure) {
      // Recorded with status 0: no answer was given.
      record(0);
      return undefined;
    }
    const answer = failure
      ? reply(failure)
      : isApi
        ? api(path.slice('/api/'.length), request.headers, isRecord(body) ? body : {})
        : webhook(isRecord(body) ? body : undefined);
    record(answer.status);
    return answer;
  };

  const { baseUrl, close } = await listenOnLoopback(async (request, response) => {
    const answer = handle({
      method: request.method ?? 'GET',
      path: request.url ?? '/',
      headers: headersOf(request),
      body: await readBody(request),
    });
    // A hung request stays open until close() drops the connection.
    if (!answer) return;
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  });
  const webhookUrl = `${baseUrl}/services/T00000000/B00000000/local-sink`;

  return {
    webhookUrl,
    apiUrl: `${baseUrl}/api/`,
    requests,
    messages,
    fetch: inProcessFetch(baseUrl, handle),
    failNext: (...replies) => {
      scripted.push(...replies);
    },
    setOutage: (on) => {
      outage = on;
    },
    close,
  };
};
