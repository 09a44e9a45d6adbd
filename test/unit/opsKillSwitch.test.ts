import type { SSMClient } from '@aws-sdk/client-ssm';
import { describe, expect, it } from 'vitest';
import { opsKillSwitch } from '../../lib/wiring/opsKillSwitch';

/** An SSM that answers GetParameter with `value`, or throws it; counts the calls. */
const ssmAnswering = (value: string | Error) => {
  let calls = 0;
  const client = {
    send: async () => {
      calls++;
      if (value instanceof Error) throw value;
      return { Parameter: { Value: value } };
    },
  } as unknown as Pick<SSMClient, 'send'>;
  return { ssm: () => client, calls: () => calls };
};

describe("the ops CLI's kill switch (finishing another's pending action)", () => {
  it('is the SSM parameter when one is named, read once', async () => {
    const on = ssmAnswering('on');
    const read = opsKillSwitch(
      { killSwitch: false, killSwitchParam: '/poolwarden/prod/kill-switch' },
      on.ssm,
    );
    expect([await read(), await read()]).toEqual([true, true]);
    expect(on.calls()).toBe(1);
    const off = ssmAnswering('off');
    expect(await opsKillSwitch({ killSwitch: true, killSwitchParam: '/p' }, off.ssm)()).toBe(false);
  });

  it('counts as on when the parameter cannot be read or parsed', async () => {
    const denied = Object.assign(new Error('denied'), { name: 'AccessDeniedException' });
    expect(
      await opsKillSwitch({ killSwitch: false, killSwitchParam: '/p' }, ssmAnswering(denied).ssm)(),
    ).toBe(true);
    expect(
      await opsKillSwitch({ killSwitch: false, killSwitchParam: '/p' }, ssmAnswering('maybe').ssm)(),
    ).toBe(true);
  });

  it("is the environment's without a parameter, and never asks SSM", async () => {
    const never = ssmAnswering(new Error('not asked'));
    expect(await opsKillSwitch({ killSwitch: true }, never.ssm)()).toBe(true);
    expect(await opsKillSwitch({ killSwitch: false }, never.ssm)()).toBe(false);
    expect(never.calls()).toBe(0);
  });
});
