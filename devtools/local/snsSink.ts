import { randomUUID } from 'node:crypto';
import type { ClientTransport } from '../../lib/adapters/awsClients';
import { SNS_LIMITS } from '../../lib/notify/snsLimits';
import { inProcessTransport, type WireAnswer } from './runtime/inProcessHandler';
import { listenOnLoopback, readBody } from './slackSink';

/**
 * A local SNS endpoint on 127.0.0.1 speaking the Query protocol for Publish, well enough for
 * the real SNSClient (point it there with AWS_ENDPOINT_URL_SNS or `endpoint`). It records
 * each message with its attributes (the "mail" owners would get through their filter
 * policies), refuses what SNS refuses (its documented Publish limits, lib/notify/snsLimits.ts)
 * with SNS's InvalidParameter answer, and can be told to fail.
 */
export interface SnsPublished {
  readonly messageId: string;
  readonly topicArn: string;
  readonly subject?: string;
  readonly message: string;
  readonly attributes: Readonly<Record<string, string>>;
}

export type SnsSinkReply =
  | { readonly status: number; readonly code: string; readonly message?: string }
  /** Never answer: the client's timeout has to fire. */
  | { readonly hang: true };

export interface SnsSinkOptions {
  /** Called with one line per message published. */
  readonly print?: (line: string) => void;
  /**
   * Keep every request and message for `requests` and `published` (the default, for tests); a
   * bulk replay reads neither, and keeping a decoded request per notice costs it memory and GC.
   */
  readonly keepHistory?: boolean;
}

export interface SnsSink {
  readonly endpoint: string;
  /** Every request's form fields, as received. */
  readonly requests: readonly Readonly<Record<string, string>>[];
  readonly published: readonly SnsPublished[];
  /**
   * SNSClient settings that hand its requests to this endpoint in process, unsigned (the local
   * stack's fast path). A scripted hang fails the request at once, as a timeout would.
   */
  readonly transport: ClientTransport;
  /** The next requests get these errors, in order. */
  failNext(...replies: SnsSinkReply[]): void;
  close(): Promise<void>;
}

const NAMESPACE = 'http://sns.amazonaws.com/doc/2010-03-31/';

const xml = (text: string): string =>
  text.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;').replaceAll('"', '&quot;');

const sendXml = (status: number, requestId: string, body: string): WireAnswer => ({
  status,
  headers: { 'content-type': 'text/xml', 'x-amzn-requestid': requestId },
  body: `<?xml version="1.0"?>\n${body}`,
});

const sendError = (
  requestId: string,
  reply: { readonly status: number; readonly code: string; readonly message?: string },
): WireAnswer =>
  sendXml(
    reply.status,
    requestId,
    `<ErrorResponse xmlns="${NAMESPACE}"><Error><Type>${reply.status >= 500 ? 'Receiver' : 'Sender'}</Type><Code>${xml(reply.code)}</Code><Message>${xml(reply.message ?? reply.code)}</Message></Error><RequestId>${requestId}</RequestId></ErrorResponse>`,
  );

/** `MessageAttributes.entry.N.Name` / `.Value.StringValue` pairs, by entry number. */
const attributesOf = (fields: Readonly<Record<string, string>>): Record<string, string> => {
  const attributes: Record<string, string> = {};
  for (const [name, value] of Object.entries(fields)) {
    const entry = /^MessageAttributes\.entry\.(\d+)\.Name$/.exec(name);
    if (!entry) continue;
    const stringValue = fields[`MessageAttributes.entry.${entry[1]}.Value.StringValue`];
    if (stringValue !== undefined) attributes[value] = stringValue;
  }
  return attributes;
};

/** SNS's answer to a Publish outside its documented limits, or undefined when SNS would take it. */
export const snsRefusal = (fields: Readonly<Record<string, string>>): string | undefined => {
  const subject = fields.Subject;
  if (subject !== undefined) {
    if (subject.length === 0 || subject.length > SNS_LIMITS.subjectMaxLength)
      return `Invalid parameter: Subject (must be 1 to ${SNS_LIMITS.subjectMaxLength} characters, is ${subject.length})`;
    // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what SNS refuses
    if (/[\u0000-\u001f\u007f]/.test(subject))
      return 'Invalid parameter: Subject (no line breaks nor control characters)';
  }
  const names = Object.entries(fields).flatMap(([key, value]) =>
    /^MessageAttributes\.entry\.\d+\.Name$/.test(key) ? [value] : [],
  );
  if (names.length > SNS_LIMITS.attributesPerMessage)
    return `Invalid parameter: MessageAttributes (at most ${SNS_LIMITS.attributesPerMessage}, got ${names.length})`;
  for (const name of names) {
    if (name.length > SNS_LIMITS.attributeNameMaxLength || !SNS_LIMITS.attributeNamePattern.test(name))
      return `Invalid parameter: MessageAttributes name ${name}`;
  }
  for (const [key, value] of Object.entries(fields)) {
    if (/^MessageAttributes\.entry\.\d+\.Value\.StringValue$/.test(key) && value === '')
      return 'Invalid parameter: MessageAttributes (a String value must not be empty)';
  }
  // The message and its attributes (names, types and values) count toward one size limit.
  const attributeBytes = Object.entries(fields)
    .filter(([key]) => key.startsWith('MessageAttributes.'))
    .reduce((n, [, value]) => n + Buffer.byteLength(value), 0);
  const size = Buffer.byteLength(fields.Message ?? '') + attributeBytes;
  if (size > SNS_LIMITS.messageMaxBytes)
    return `Invalid parameter: Message too long (${size} bytes, at most ${SNS_LIMITS.messageMaxBytes})`;
  return undefined;
};

export const startSnsSink = async (options: SnsSinkOptions = {}): Promise<SnsSink> => {
  const requests: Record<string, string>[] = [];
  const published: SnsPublished[] = [];
  const keep = options.keepHistory ?? true;
  const scripted: SnsSinkReply[] = [];

  /** One Publish request's form body as SNS would take it; undefined: no answer (a scripted hang). */
  const handle = (body: string): WireAnswer | undefined => {
    const fields = Object.fromEntries(new URLSearchParams(body));
    if (keep) requests.push(fields);
    const requestId = randomUUID();
    const failure = scripted.shift();
    if (failure && 'hang' in failure) return undefined;
    if (failure) return sendError(requestId, failure);
    if (fields.Action !== 'Publish') {
      return sendError(requestId, {
        status: 400,
        code: 'InvalidAction',
        message: `${fields.Action ?? '(none)'} is not supported by the local SNS endpoint`,
      });
    }
    const topicArn = fields.TopicArn;
    const message = fields.Message;
    if (!topicArn || message === undefined) {
      return sendError(requestId, {
        status: 400,
        code: 'InvalidParameter',
        message: 'TopicArn and Message are required',
      });
    }
    const refusal = snsRefusal(fields);
    if (refusal) return sendError(requestId, { status: 400, code: 'InvalidParameter', message: refusal });
    const messageId = randomUUID();
    const attributes = attributesOf(fields);
    if (keep)
      published.push({
        messageId,
        topicArn,
        message,
        attributes,
        ...(fields.Subject !== undefined ? { subject: fields.Subject } : {}),
      });
    options.print?.(`[email owner=${attributes.owner ?? '?'}] ${fields.Subject ?? message.split('\n')[0]}`);
    return sendXml(
      200,
      requestId,
      `<PublishResponse xmlns="${NAMESPACE}"><PublishResult><MessageId>${messageId}</MessageId></PublishResult><ResponseMetadata><RequestId>${requestId}</RequestId></ResponseMetadata></PublishResponse>`,
    );
  };

  const { baseUrl, close } = await listenOnLoopback(async (request, response) => {
    const answer = handle(await readBody(request));
    // A hung request stays open until close() drops it.
    if (!answer) return;
    response.writeHead(answer.status, answer.headers);
    response.end(answer.body);
  });

  return {
    endpoint: baseUrl,
    requests,
    published,
    transport: inProcessTransport(
      (request) => {
        const answer = handle(request.body);
        if (!answer) throw new Error('the local SNS endpoint did not answer');
        return answer;
      },
      { cacheMiddleware: true },
    ),
    failNext: (...replies) => {
      scripted.push(...replies);
    },
    close,
  };
};
