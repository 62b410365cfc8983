/**
 * `deliveries.platform_message_ids`: a JSON array whose index is the part (0-based) and whose value is the
 * message id the platform accepted for it: the whole list once sent, and the parts accepted so far while a
 * delivery is under way (written as each part is accepted; a part not known yet is `null`). Older rows hold
 * only the final list (or `[]`), which reads the same.
 */
export function readMessageIds(text: string): (string | null)[] {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) ? parsed.map((m) => (typeof m === 'string' && m !== '' ? m : null)) : [];
  } catch {
    return [];
  }
}

/** The stored list with part `part` (1-based) accepted as `messageId`; undefined when it says so already. */
export function withPart(text: string, part: number, messageId: string): string | undefined {
  const ids = readMessageIds(text);
  if (ids[part - 1] === messageId) return undefined;
  while (ids.length < part) ids.push(null);
  ids[part - 1] = messageId;
  return JSON.stringify(ids);
}

/** The parts the stored list knows: 1-based part -> message id. */
export function knownParts(text: string): Map<number, string> {
  const parts = new Map<number, string>();
  for (const [i, m] of readMessageIds(text).entries()) if (m !== null) parts.set(i + 1, m);
  return parts;
}
