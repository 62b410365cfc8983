import { createHash } from 'node:crypto';
import type pg from 'pg';

/** Distinct statement texts given a name at most: each connection keeps a plan per name, so the set stays bounded. */
const MAX_NAMED = 500;
const names = new Map<string, string>();

/**
 * A parameterized statement as a named (prepared) one: each pool connection parses and plans a text once and
 * then only binds and executes it, which halves the server's work for the short statements of the hot paths
 * (a delivery runs some twenty). Texts beyond the first {@link MAX_NAMED} distinct ones run unnamed.
 */
export function statement(text: string, values: unknown[]): pg.QueryConfig {
  let name = names.get(text);
  if (name === undefined && names.size < MAX_NAMED) names.set(text, (name = `papers_${createHash('sha1').update(text).digest('hex').slice(0, 20)}`));
  return name === undefined ? { text, values } : { name, text, values };
}
