import type { EmulatedJob, EmulatedPool, SecondaryTransition } from './emulatedJob';
import type { Scheduled } from './transitionQueue';

/** The model's own, mutable, view of the records it hands out read-only. */
type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export interface JobSlot extends Mutable<EmulatedJob> {
  tags: Map<string, string>;
  transitions: SecondaryTransition[];
  /** The job's next own transition (start, end of training, Stopped), so that a stop can cancel it. */
  pending?: Scheduled<Transition>;
}

export interface PoolSlot extends Mutable<EmulatedPool> {
  jobs: string[];
  expiry?: Scheduled<Transition>;
  /** Whether the current expiry is the lifetime cap rather than the keep-alive. */
  expiryIsLifetimeCap: boolean;
}

/** Everything that happens later in virtual time. */
export type Transition =
  | { readonly kind: 'start'; readonly job: JobSlot }
  | { readonly kind: 'training-done'; readonly job: JobSlot }
  | { readonly kind: 'stopped'; readonly job: JobSlot }
  | { readonly kind: 'expire'; readonly pool: PoolSlot };
