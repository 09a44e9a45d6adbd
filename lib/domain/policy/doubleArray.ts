/**
 * An array of `length` numbers to be filled by index, made as V8 stores numbers that are not small
 * integers (unboxed doubles) from the start. `new Array(length)` makes an array of small integers
 * with holes, which the first fractional number stored converts: a second array of the same length
 * allocated and the first left as garbage. The learner fills tens of thousands of such columns per
 * replay (gap fits, priors, weights). A slice of an array of doubles is one allocation of exactly
 * that length, of doubles and without holes. The values it starts with are meaningless.
 */
const TEMPLATE_LENGTH = 1024;
const TEMPLATE: readonly number[] = Array.from({ length: TEMPLATE_LENGTH }, () => 0.5);

export const doubleArray = (length: number): number[] =>
  length <= TEMPLATE_LENGTH ? TEMPLATE.slice(0, length) : new Array<number>(length);
