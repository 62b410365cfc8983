/** Slack sends `&`, `<` and `>` in slash command text as HTML entities; commands want what was typed. */
export function unescapeSlackText(text: string): string {
  return text.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&amp;/g, '&');
}

/** Splits Slack's typed text (`subscribe diffusion models`) into the subcommand name (lower case) and the rest. */
export function parseCommandText(text: string): { name: string; text: string } {
  const trimmed = text.trim();
  const m = /^(\S+)\s*([\s\S]*)$/.exec(trimmed);
  return m ? { name: m[1]!.toLowerCase(), text: m[2]! } : { name: '', text: '' };
}
