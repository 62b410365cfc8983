import type { Platform } from '../core/types.ts';

/**
 * Words that differ between platforms (command syntax, permission names): one entry per platform, so a
 * command states both forms side by side and picks one with {@link forPlatform}, never by branching.
 */
export type PlatformText = Readonly<{ slack: string; discord: string } & Partial<Record<Platform, string>>>;

/** The form of `text` for `platform`; a plain string reads the same everywhere; a platform with no form of its own reads Slack's. */
export function forPlatform(text: string | PlatformText, platform: Platform): string {
  return typeof text === 'string' ? text : (text[platform] ?? text.slack);
}

/** Who may change a channel's digest settings, as each platform decides it. */
export const WHO_MAY_MANAGE: PlatformText = {
  slack: 'In this workspace only admins and owners can change digest settings.',
  discord: 'Changing digest settings needs the Manage Channels permission.',
};

/** How to start digests in a channel that gets none yet. */
export const START_HINT: PlatformText = {
  slack: 'Start with /papers subscribe <topic> or /papers schedule <time>.',
  discord: 'Start with /papers subscribe topic:<topic> or /papers schedule time:<time>.',
};
