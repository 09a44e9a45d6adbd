/** The message of anything thrown: an Error's message, else the value as text. */
export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);

/** The same, led by the error's name (`ValidationException: …`), where the kind of failure matters. */
export const namedErrorMessage = (error: unknown): string =>
  error instanceof Error ? `${error.name}: ${error.message}` : String(error);
