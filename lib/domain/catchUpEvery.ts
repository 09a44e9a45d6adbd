/**
 * How often a sweep lists what changed within its own invocation while the end events run late
 * (`POOLWARDEN_CATCH_UP_SECONDS`; lib/app/catchUpListings.ts). A pool the policy stops at once then
 * idles about half this instead of about half the sweep's minute: a pool of four
 * ml.p4d.24xlarge costs $2.51 a minute idle.
 */
export const DEFAULT_CATCH_UP_EVERY_MS = 10_000;
