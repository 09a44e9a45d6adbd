import { errorMessage } from '../../../lib/domain/errorMessage';
import { SageMakerApiError } from './apiErrors';
import type { SageMakerApi } from './sageMakerApi';

/**
 * SageMaker's AWS JSON 1.1 protocol, apart from any transport: the HTTP server and the
 * in-process request handler both answer through it, so that the wire format has one place.
 * POST /, `X-Amz-Target: SageMaker.<Operation>`, a JSON body; answers in the same content type,
 * errors as `{"__type", "message"}` so that the real SDK raises exceptions with the right name.
 * Signatures are not checked.
 */
export interface SageMakerWireRequest {
  readonly method: string;
  readonly target: string | undefined;
  readonly body: string;
}

export interface SageMakerWireAnswer {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

const CONTENT_TYPE = 'application/x-amz-json-1.1';
const TARGET_PREFIX = 'SageMaker.';

const parseJson = (text: string): unknown => {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    throw new SageMakerApiError('SerializationException', 'The request body is not valid JSON');
  }
};

const answer = (
  status: number,
  requestId: string,
  body: unknown,
  errorType?: string,
): SageMakerWireAnswer => {
  const payload = JSON.stringify(body);
  return {
    status,
    headers: {
      'content-type': CONTENT_TYPE,
      'content-length': String(Buffer.byteLength(payload)),
      'x-amzn-requestid': requestId,
      ...(errorType ? { 'x-amzn-errortype': errorType } : {}),
    },
    body: payload,
  };
};

/** Turns any failure into SageMaker's error answer. */
export const errorAnswer = (error: unknown, requestId: string): SageMakerWireAnswer => {
  const apiError =
    error instanceof SageMakerApiError
      ? error
      : new SageMakerApiError('InternalFailure', errorMessage(error));
  return answer(
    apiError.httpStatus,
    requestId,
    { __type: apiError.type, message: apiError.message },
    apiError.type,
  );
};

export const answerSageMakerRequest = (
  api: SageMakerApi,
  request: SageMakerWireRequest,
  requestId: string,
): SageMakerWireAnswer => {
  try {
    if (request.method !== 'POST') {
      throw new SageMakerApiError(
        'UnknownOperationException',
        `${request.method || 'This'} method is not supported; POST /`,
      );
    }
    const operation = request.target?.startsWith(TARGET_PREFIX)
      ? request.target.slice(TARGET_PREFIX.length)
      : undefined;
    if (!operation) {
      throw new SageMakerApiError('UnknownOperationException', 'Missing or foreign X-Amz-Target header');
    }
    return answer(200, requestId, api.handle(operation, parseJson(request.body)));
  } catch (error) {
    return errorAnswer(error, requestId);
  }
};
