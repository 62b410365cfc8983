import type { IncomingHttpHeaders } from 'node:http';
import { HTTPModuleFunctions } from '@slack/bolt';
import { z } from 'zod';

const id = z.string().min(1);
const object = z.looseObject({});
const withId = z.looseObject({ id });

/** What a slash command needs: who ran it, where, and where to answer. */
const slashCommand = z.looseObject({
  command: id,
  team_id: id,
  channel_id: id,
  user_id: id,
  text: z.string().optional(),
  response_url: id,
});

/** A button click: who clicked, and which action. */
const blockActions = z.looseObject({
  type: z.literal('block_actions'),
  user: withId,
  actions: z.array(z.looseObject({ action_id: z.string() })).min(1),
});

/** The nested objects Bolt reads on any payload that has them (a `null` there is a TypeError inside Bolt). */
const anyPayload = z.looseObject({
  type: z.string().optional(),
  event: z.looseObject({ type: z.string() }).optional(),
  channel: z.union([withId, z.string()]).optional(),
  team: withId.nullable().optional(),
  user: z.union([withId, z.string()]).optional(),
  enterprise: withId.nullable().optional(),
  view: z.looseObject({ id: z.string().optional(), callback_id: z.string().optional() }).optional(),
  actions: z.array(object).optional(),
  message: object.optional(),
  container: object.optional(),
  authorizations: z.array(object).optional(),
});

function firstProblem(error: z.ZodError, what: string): string {
  const issue = error.issues[0];
  const path = issue?.path.join('.') ?? '';
  return `${what}: ${path ? `${path}: ` : ''}${issue?.message ?? 'invalid'}`;
}

/**
 * Checks a signed Slack request body the way Bolt will read it (Bolt's own parser: JSON, a form, or a form
 * whose `payload` field is JSON). Returns why it cannot be acted on, or `undefined` when Bolt may have it.
 */
export function slackBodyProblem(rawBody: Buffer, headers: IncomingHttpHeaders): string | undefined {
  let body: unknown;
  try {
    body = HTTPModuleFunctions.parseHTTPRequestBody({ rawBody, headers } as Parameters<typeof HTTPModuleFunctions.parseHTTPRequestBody>[0]);
  } catch {
    return 'body is neither JSON nor a form with a JSON payload';
  }
  const shape = anyPayload.safeParse(body);
  if (!shape.success) return firstProblem(shape.error, 'not a Slack payload');
  const payload = shape.data;
  if (payload.command !== undefined) {
    const command = slashCommand.safeParse(payload);
    return command.success ? undefined : firstProblem(command.error, 'slash command');
  }
  if (payload.type === 'block_actions') {
    const actions = blockActions.safeParse(payload);
    return actions.success ? undefined : firstProblem(actions.error, 'block_actions');
  }
  return undefined;
}
