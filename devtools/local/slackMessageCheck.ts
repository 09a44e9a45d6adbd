import { SLACK_LIMITS, type SlackMessageError } from '../../lib/notify/slackLimits';

/** Why Slack would refuse a message: its error code and, as Slack's `errors` list does, where. */
export interface SlackRefusal {
  readonly error: SlackMessageError;
  readonly detail: string;
}

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

const textOf = (value: unknown): string | undefined =>
  isRecord(value) && typeof value.text === 'string' ? value.text : undefined;

/** The problems of one text object at `at`: missing, empty, of the wrong type, or too long. */
const textProblem = (
  value: unknown,
  at: string,
  max: number,
  types: readonly string[] = ['plain_text', 'mrkdwn'],
): string | undefined => {
  const text = textOf(value);
  if (text === undefined || !isRecord(value) || !types.includes(String(value.type)))
    return `${at} must be a ${types.join(' or ')} text object`;
  if (text.length === 0) return `${at} must not be empty`;
  if (text.length > max) return `${at} must be at most ${max} characters (is ${text.length})`;
  return undefined;
};

const buttonProblems = (button: Record<string, unknown>, at: string, actionIds: Set<string>): string[] => {
  const problems: string[] = [];
  const text = textProblem(button.text, `${at}.text`, SLACK_LIMITS.buttonText, ['plain_text']);
  if (text) problems.push(text);
  const actionId = button.action_id;
  if (typeof actionId === 'string') {
    if (actionId.length > SLACK_LIMITS.actionId)
      problems.push(`${at}.action_id must be at most ${SLACK_LIMITS.actionId} characters`);
    if (actionIds.has(actionId)) problems.push(`${at}.action_id ${actionId} is not unique in the message`);
    actionIds.add(actionId);
  }
  if (
    button.value !== undefined &&
    (typeof button.value !== 'string' || button.value.length > SLACK_LIMITS.buttonValue)
  )
    problems.push(`${at}.value must be a string of at most ${SLACK_LIMITS.buttonValue} characters`);
  if (button.confirm !== undefined) {
    const confirm = isRecord(button.confirm) ? button.confirm : {};
    for (const [key, max, types] of [
      ['title', SLACK_LIMITS.confirmTitle, ['plain_text']],
      ['text', SLACK_LIMITS.confirmText, ['plain_text', 'mrkdwn']],
      ['confirm', SLACK_LIMITS.confirmButton, ['plain_text']],
      ['deny', SLACK_LIMITS.confirmButton, ['plain_text']],
    ] as const) {
      const problem = textProblem(confirm[key], `${at}.confirm.${key}`, max, types);
      if (problem) problems.push(problem);
    }
  }
  return problems;
};

const blockProblems = (
  block: unknown,
  at: string,
  ids: { blocks: Set<string>; actions: Set<string> },
): string[] => {
  if (!isRecord(block)) return [`${at} must be an object`];
  const problems: string[] = [];
  if (block.block_id !== undefined) {
    const id = String(block.block_id);
    if (id.length > SLACK_LIMITS.blockId)
      problems.push(`${at}.block_id must be at most ${SLACK_LIMITS.blockId} characters`);
    if (ids.blocks.has(id)) problems.push(`${at}.block_id ${id} is not unique in the message`);
    ids.blocks.add(id);
  }
  const elements = Array.isArray(block.elements) ? block.elements : undefined;
  switch (block.type) {
    case 'section': {
      const problem = textProblem(block.text, `${at}.text`, SLACK_LIMITS.sectionText);
      if (problem) problems.push(problem);
      break;
    }
    case 'header': {
      const problem = textProblem(block.text, `${at}.text`, SLACK_LIMITS.headerText, ['plain_text']);
      if (problem) problems.push(problem);
      break;
    }
    case 'divider':
      break;
    case 'context':
      if (!elements || elements.length === 0 || elements.length > SLACK_LIMITS.contextElements)
        problems.push(`${at}.elements must hold 1 to ${SLACK_LIMITS.contextElements} elements`);
      for (const [i, element] of (elements ?? []).entries()) {
        const problem = textProblem(element, `${at}.elements[${i}]`, SLACK_LIMITS.contextText);
        if (problem) problems.push(problem);
      }
      break;
    case 'actions':
      if (!elements || elements.length === 0 || elements.length > SLACK_LIMITS.actionsElements)
        problems.push(`${at}.elements must hold 1 to ${SLACK_LIMITS.actionsElements} elements`);
      for (const [i, element] of (elements ?? []).entries()) {
        if (!isRecord(element) || element.type !== 'button') {
          problems.push(`${at}.elements[${i}] must be a button`);
          continue;
        }
        problems.push(...buttonProblems(element, `${at}.elements[${i}]`, ids.actions));
      }
      break;
    default:
      problems.push(`${at}.type ${String(block.type)} is not a block type this stand-in knows`);
  }
  return problems;
};

/**
 * What Slack answers for a message body (chat.postMessage's fields or a webhook's JSON), or
 * undefined when Slack would post it. Checks Slack's documented limits (lib/notify/slackLimits.ts).
 */
export const slackRefusal = (body: Readonly<Record<string, unknown>>): SlackRefusal | undefined => {
  const text = typeof body.text === 'string' ? body.text : '';
  const blocks = body.blocks === undefined ? [] : body.blocks;
  if (!Array.isArray(blocks)) return { error: 'invalid_blocks', detail: 'blocks must be an array' };
  if (!text.trim())
    return {
      error: 'no_text',
      detail: 'a message needs a fallback `text`, for notifications and screen readers',
    };
  if (text.length > SLACK_LIMITS.messageText)
    return { error: 'msg_too_long', detail: `text is over ${SLACK_LIMITS.messageText} characters` };
  if (blocks.length > SLACK_LIMITS.blocksPerMessage)
    return {
      error: 'msg_blocks_too_long',
      detail: `${blocks.length} blocks, at most ${SLACK_LIMITS.blocksPerMessage}`,
    };
  const ids = { blocks: new Set<string>(), actions: new Set<string>() };
  const problems = blocks.flatMap((block, i) => blockProblems(block, `blocks[${i}]`, ids));
  return problems.length > 0 ? { error: 'invalid_blocks', detail: problems.join('; ') } : undefined;
};
