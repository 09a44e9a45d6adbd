import { SageMakerClient } from '@aws-sdk/client-sagemaker';
import {
  SageMakerEmulator,
  type SageMakerEmulatorOptions,
} from '../../devtools/local/sagemaker/sageMakerEmulator';

/** A clock the test moves by hand, the emulator on loopback and the real SDK client pointed at it. */
export interface EmulatorOnLoopback {
  readonly clock: { ms: number; now(): number };
  readonly emulator: SageMakerEmulator;
  readonly client: SageMakerClient;
  /** Moves virtual time on and applies what fell due. */
  advance(seconds: number): void;
  close(): Promise<void>;
}

export const startEmulatorOnLoopback = async (
  startMs: number,
  options: Partial<SageMakerEmulatorOptions> = {},
  maxAttempts?: number,
): Promise<EmulatorOnLoopback> => {
  const clock = { ms: startMs, now: () => clock.ms };
  const emulator = new SageMakerEmulator({ clock, ...options });
  const endpoint = await emulator.start();
  const client = new SageMakerClient({
    endpoint,
    region: 'us-east-1',
    credentials: { accessKeyId: 'test', secretAccessKey: 'test' },
    ...(maxAttempts ? { maxAttempts } : {}),
  });
  return {
    clock,
    emulator,
    client,
    advance: (seconds) => {
      clock.ms += seconds * 1000;
      emulator.advanceTo(clock.ms);
    },
    close: async () => {
      client.destroy();
      await emulator.stop();
    },
  };
};
