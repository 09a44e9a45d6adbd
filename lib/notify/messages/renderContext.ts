import type { Recipient } from '../recipient';

/** What every message needs besides its notice: when it is written, and for whom. */
export interface RenderContext {
  readonly nowMs: number;
  readonly recipient: Recipient;
}
