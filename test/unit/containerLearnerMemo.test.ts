import { describe, expect, it } from 'vitest';
import { ContainerLearnerMemo } from '../../lib/app/containerLearnerMemo';

const NOW = Date.parse('2026-03-02T12:00:00Z');
const DAY = 86_400_000;

describe("a container's learner memo", () => {
  it('is the same memo within a day, at any instant the invocations ask', () => {
    const memos = new ContainerLearnerMemo();
    const first = memos.at(NOW);
    expect(memos.at(NOW + DAY - 1)).toBe(first);
    expect(memos.at(NOW - DAY + 1)).toBe(first);
  });

  it('is renewed once it is a day old, so that scopes no longer seen are let go', () => {
    const memos = new ContainerLearnerMemo();
    const first = memos.at(NOW);
    const renewed = memos.at(NOW + DAY);
    expect(renewed).not.toBe(first);
    expect(memos.at(NOW + DAY + 1)).toBe(renewed);
  });
});
