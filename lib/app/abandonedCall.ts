/**
 * Whether a call failed because its caller gave up on it (its budget's abort signal), not because
 * SageMaker answered: the request may have been sent, and SageMaker takes it when it arrives, so
 * nothing read right after can tell that it will not.
 */
export const isAbandonedCall = (error: unknown): boolean =>
  error instanceof Error && (error.name === 'AbortError' || error.name === 'TimeoutError');
