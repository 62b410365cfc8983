import { z } from 'zod';
import { isDay } from '../core/time.ts';
import type { DigestView } from '../core/views.ts';

/** The version of the digest view as `deliveries.view` stores it; bump it (and migrate in {@link readStoredView}) when the shape changes. */
export const STORED_VIEW_VERSION = 1;

const day = z.string().refine(isDay, 'not a YYYY-MM-DD day');

const paperViewSchema = z.object({
  id: z.string(),
  title: z.string(),
  url: z.string(),
  arxivUrl: z.string(),
  pdfUrl: z.string(),
  codeUrl: z.string().nullable(),
  projectUrl: z.string().nullable(),
  thumbnail: z.string().nullable(),
  authors: z.array(z.string()),
  upvotes: z.number(),
  githubStars: z.number().nullable(),
  summary: z.string(),
  snippet: z.string().optional(),
  matchedTopic: z.string().optional(),
  badge: z.string().optional(),
  why: z.string().optional(),
});

const digestViewSchema = z.object({
  feedDay: day,
  title: z.string().optional(),
  papers: z.array(paperViewSchema),
  overflow: z.object({ count: z.number(), url: z.string(), from: day.optional() }).optional(),
  missed: z.object({ from: day, to: day, days: z.number(), limit: z.number(), url: z.string() }).optional(),
  notice: z.string().optional(),
  note: z.string().optional(),
  layout: z.enum(['digest', 'thread', 'papers']).optional(),
});

type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
type SameShape<A, B> = Same<A, B> extends true ? Same<keyof A, keyof B> : false;
type Stored = z.infer<typeof digestViewSchema>;
/** Fails to compile when DigestView and the schema drift apart (a field the schema would drop on read). */
const schemaMatchesView: [
  SameShape<Stored, DigestView>,
  SameShape<Stored['papers'][number], DigestView['papers'][number]>,
  SameShape<NonNullable<Stored['overflow']>, NonNullable<DigestView['overflow']>>,
  SameShape<NonNullable<Stored['missed']>, NonNullable<DigestView['missed']>>,
] = [true, true, true, true];
void schemaMatchesView;

/** The JSON stored for a view: the view with its version beside its fields. */
export function writeStoredView(view: DigestView): string {
  return JSON.stringify({ v: STORED_VIEW_VERSION, ...view });
}

/**
 * Reads a stored view, validated. Version 1 rows and the unversioned rows written before it (the same
 * shape, without the newer optional fields) are both read; anything else is an error with the reason.
 */
export function readStoredView(json: string): { view: DigestView } | { error: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(json);
  } catch {
    return { error: 'stored digest view is not JSON' };
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return { error: 'stored digest view is not an object' };
  const { v, ...rest } = raw as Record<string, unknown>;
  if (v !== undefined && v !== STORED_VIEW_VERSION) return { error: `stored digest view has unknown version ${JSON.stringify(v)}` };
  const parsed = digestViewSchema.safeParse(rest);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    return { error: `stored digest view is invalid at ${issue.path.join('.') || '(root)'}: ${issue.message}` };
  }
  return { view: parsed.data };
}
