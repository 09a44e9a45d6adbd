import { namedErrorMessage } from '../domain/errorMessage';
/**
 * Why a channel could not deliver a message, in the terms the retry loop needs: may it try
 * again, and how long did the other side ask it to wait. The message never carries a secret:
 * channels build it from redacted text.
 */
export class DeliveryError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    /** The wait the service asked for (HTTP 429 Retry-After), when it asked. */
    readonly retryAfterMs?: number,
  ) {
    super(message);
    this.name = 'DeliveryError';
  }
}

export const permanentFailure = (message: string): DeliveryError => new DeliveryError(message, false);
export const transientFailure = (message: string, retryAfterMs?: number): DeliveryError =>
  new DeliveryError(message, true, retryAfterMs);

/** Anything a channel let escape unclassified is treated as permanent: retrying an unknown fault could spam. */
export const asDeliveryError = (error: unknown): DeliveryError =>
  error instanceof DeliveryError ? error : permanentFailure(namedErrorMessage(error));
