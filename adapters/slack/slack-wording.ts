import type { CommandWording } from '../../src/core/commands.ts';

/** Slack users type the commands (the typed-text forms hold); who may manage follows the workspace's admins-only setting. */
export const SLACK_WORDING: Partial<CommandWording> = {
  whoMayManage: 'In this workspace only admins and owners can change digest settings.',
};
