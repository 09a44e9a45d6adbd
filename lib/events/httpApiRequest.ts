import type { APIGatewayProxyEventV2 } from 'aws-lambda';

/** What poolwarden reads of an API Gateway HTTP API (payload v2) request: headers and raw bytes. */
export interface HttpRequest {
  /** Lower-case names, as HTTP API delivers them. */
  readonly headers: Readonly<Record<string, string>>;
  readonly rawBody: Buffer;
}

/**
 * The request exactly as the client sent it. HTTP API hands over the body as text, or as
 * base64 when `isBase64Encoded` is set; the signature covers the bytes, so decode, never parse.
 */
export const httpRequestOf = (
  event: Pick<APIGatewayProxyEventV2, 'headers' | 'body' | 'isBase64Encoded'>,
) => {
  const headers: Record<string, string> = {};
  for (const [name, value] of Object.entries(event.headers ?? {})) {
    if (value !== undefined) headers[name.toLowerCase()] = value;
  }
  const body = event.body ?? '';
  const rawBody = event.isBase64Encoded ? Buffer.from(body, 'base64') : Buffer.from(body, 'utf8');
  return { headers, rawBody } satisfies HttpRequest;
};
