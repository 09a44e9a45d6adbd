/**
 * How far apart the decisions on one pool are: the sweep looks at every Available pool once a
 * minute (`rate(1 minute)` in serverless.yml). The expected-cost decision prices keeping a pool
 * until the next look, an extension bounded by its horizon reaches one look past it, and the
 * replay and the local stack sweep on the same beat.
 */
export const DECISION_PERIOD_SECONDS = 60;
