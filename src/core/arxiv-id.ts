const NEW_ARXIV_ID = /^\d{4}\.\d{4,5}$/;
const OLD_ARXIV_ID = /^[a-z][a-z-]*(\.[A-Z]{2})?\/\d{7}$/;

/** The canonical arXiv id: trimmed, `arXiv:` prefix and `vN` version suffix removed; undefined if not an arXiv id. */
export function canonicalArxivId(raw: string): string | undefined {
  const id = raw.trim().replace(/^arxiv:/i, '').replace(/v\d+$/i, '');
  return NEW_ARXIV_ID.test(id) || OLD_ARXIV_ID.test(id) ? id : undefined;
}
