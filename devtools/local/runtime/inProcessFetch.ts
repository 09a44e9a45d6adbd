import type { FetchFunction } from '@slack/webhook';
import type { WireAnswer, WireRequest } from './inProcessHandler';

type FetchRequestInit = Parameters<FetchFunction>[1];
type FetchResponse = Awaited<ReturnType<FetchFunction>>;

const STATUS_TEXT: Readonly<Record<number, string>> = {
  200: 'OK',
  400: 'Bad Request',
  404: 'Not Found',
  429: 'Too Many Requests',
  500: 'Internal Server Error',
  503: 'Service Unavailable',
};

const headersOf = (init: FetchRequestInit | undefined): Record<string, string> => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(init?.headers ?? {})) headers[name.toLowerCase()] = value;
  return headers;
};

const responseOf = (url: string, answer: WireAnswer): FetchResponse => {
  const headers = new Map(Object.entries(answer.headers).map(([name, value]) => [name.toLowerCase(), value]));
  return {
    ok: answer.status >= 200 && answer.status < 300,
    status: answer.status,
    statusText: STATUS_TEXT[answer.status] ?? '',
    url,
    headers: {
      get: (name: string) => headers.get(name.toLowerCase()) ?? null,
      entries: () => headers.entries(),
    },
    arrayBuffer: async () => {
      const bytes = new TextEncoder().encode(answer.body);
      return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength);
    },
    json: async (): Promise<unknown> => JSON.parse(answer.body),
    text: async () => answer.body,
  };
};

/**
 * A fetch for the Slack clients that hands each request for `baseUrl` to a local stand-in in
 * this process: the client code runs as it would, only the socket on both ends is gone (the
 * local stack's fast path; the sinks still listen on loopback for the HTTP tests and `--port`
 * users). Text bodies only: what poolwarden's webhook sends. A request the stand-in leaves
 * unanswered fails at once, as a timed-out one would.
 */
export const inProcessFetch =
  (baseUrl: string, handle: (request: WireRequest) => WireAnswer | undefined): FetchFunction =>
  async (target, init) => {
    const url = String(target);
    if (!url.startsWith(`${baseUrl}/`)) throw new TypeError(`fetch failed: ${url} is not served in process`);
    if (init?.body !== undefined && typeof init.body !== 'string')
      throw new TypeError('the in-process fetch takes text bodies only');
    const answer = handle({
      method: init?.method ?? 'GET',
      path: url.slice(baseUrl.length),
      headers: headersOf(init),
      body: init?.body ?? '',
    });
    if (!answer) throw new Error('fetch failed: the local stand-in did not answer');
    return responseOf(url, answer);
  };
