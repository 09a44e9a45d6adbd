import * as z from 'zod/mini';
import '../schema/zodMini';
import {
  POOL_ACTION_IDS,
  type PoolActionId,
  type PoolActionValue,
  parsePoolActionValue,
} from './poolActions';

/**
 * One click on one of poolwarden's pool buttons, from Slack's `block_actions` interaction
 * payload (a form field `payload` holding JSON). Only what the handler needs is kept.
 */
export interface PoolButtonClick {
  readonly actionId: PoolActionId;
  readonly value: PoolActionValue;
  readonly userId: string;
  readonly userName?: string;
  readonly teamId?: string;
  /** Slack's timestamp of this action: the same for a re-delivery of one click. */
  readonly actionTs: string;
  /** The message the button is on (its ts stays the same when the message is replaced). */
  readonly messageTs?: string;
  readonly channelId?: string;
  /** Where to answer: replace the message, or tell the clicking user alone (ephemeral). */
  readonly responseUrl?: string;
  /** The message as Slack shows it, to keep its content when replacing it. */
  readonly message?: { readonly text?: string; readonly blocks: readonly unknown[] };
}

export type InteractionParse =
  | { readonly kind: 'click'; readonly click: PoolButtonClick }
  /** Well-formed but not for poolwarden's pool buttons (another interaction type or action). */
  | { readonly kind: 'ignored'; readonly reason: string }
  | { readonly kind: 'invalid'; readonly reason: string };

const payloadSchema = z.object({
  type: z.string(),
  user: z.object({
    id: z.string().check(z.minLength(1)),
    username: z.optional(z.string()),
    name: z.optional(z.string()),
  }),
  team: z.nullish(z.object({ id: z.string() })),
  container: z.nullish(z.object({ message_ts: z.optional(z.string()), channel_id: z.optional(z.string()) })),
  channel: z.nullish(z.object({ id: z.string() })),
  message: z.nullish(
    z.object({
      ts: z.optional(z.string()),
      text: z.optional(z.string()),
      blocks: z.optional(z.array(z.unknown())),
    }),
  ),
  response_url: z.optional(z.string()),
  actions: z.optional(
    z.array(
      z.object({ action_id: z.string(), value: z.optional(z.string()), action_ts: z.optional(z.string()) }),
    ),
  ),
});

const OUR_ACTION_IDS: ReadonlySet<string> = new Set(Object.values(POOL_ACTION_IDS));
const isPoolActionId = (id: string): id is PoolActionId => OUR_ACTION_IDS.has(id);

/** Parses the (already verified) form body Slack posts to the interactivity URL. */
export const parseSlackInteraction = (rawBody: Buffer): InteractionParse => {
  const field = new URLSearchParams(rawBody.toString('utf8')).get('payload');
  if (!field) return { kind: 'invalid', reason: 'no payload field' };
  let json: unknown;
  try {
    json = JSON.parse(field);
  } catch {
    return { kind: 'invalid', reason: 'payload is not JSON' };
  }
  const parsed = payloadSchema.safeParse(json);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    return {
      kind: 'invalid',
      reason: `payload.${issue?.path.join('.') ?? ''}: ${issue?.message ?? 'invalid'}`,
    };
  }
  const payload = parsed.data;
  if (payload.type !== 'block_actions')
    return { kind: 'ignored', reason: `interaction type ${payload.type}` };
  const action = payload.actions?.[0];
  if (!action || !isPoolActionId(action.action_id)) {
    return { kind: 'ignored', reason: `action ${action?.action_id ?? '(none)'} is not a pool button` };
  }
  const value = action.value ? parsePoolActionValue(action.value) : undefined;
  if (!value) return { kind: 'invalid', reason: `the value of ${action.action_id} is not a pool reference` };
  const messageTs = payload.container?.message_ts ?? payload.message?.ts;
  const channelId = payload.container?.channel_id ?? payload.channel?.id;
  return {
    kind: 'click',
    click: {
      actionId: action.action_id,
      value,
      userId: payload.user.id,
      ...(payload.user.username ? { userName: payload.user.username } : {}),
      ...(payload.team?.id ? { teamId: payload.team.id } : {}),
      actionTs: action.action_ts ?? messageTs ?? '',
      ...(messageTs ? { messageTs } : {}),
      ...(channelId ? { channelId } : {}),
      ...(payload.response_url ? { responseUrl: payload.response_url } : {}),
      ...(payload.message
        ? {
            message: {
              ...(payload.message.text !== undefined ? { text: payload.message.text } : {}),
              blocks: payload.message.blocks ?? [],
            },
          }
        : {}),
    },
  };
};
