/**
 * The error vocabulary of the SageMaker JSON protocol. The SDK names the exception it throws
 * after `__type`, so these strings are what callers match on.
 */
export type SageMakerErrorType =
  | 'ValidationException'
  | 'ResourceNotFound'
  | 'ResourceInUse'
  | 'ResourceLimitExceeded'
  | 'ThrottlingException'
  | 'UnknownOperationException'
  | 'SerializationException'
  | 'InternalFailure';

export class SageMakerApiError extends Error {
  constructor(
    readonly type: SageMakerErrorType,
    message: string,
  ) {
    super(message);
    this.name = type;
  }

  /** Server-side faults answer 500 so that the SDK retries them; everything else is the caller's: 400. */
  get httpStatus(): number {
    return this.type === 'InternalFailure' ? 500 : 400;
  }
}

export const validationError = (message: string): SageMakerApiError =>
  new SageMakerApiError('ValidationException', message);

/** What the real service answers DescribeTrainingJob (and friends) for a job it does not know. */
export const jobNotFound = (): SageMakerApiError =>
  new SageMakerApiError('ValidationException', 'Requested resource not found.');
