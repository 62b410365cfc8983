import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { leadSentences, summaryOf } from '../../src/format/paper-view.ts';
import { collapseSpaces, splitSentences } from '../../src/format/sentences.ts';
import fixture from '../fixtures/hf-daily-2025-03-17.json' with { type: 'json' };

const abstracts = (fixture as { paper: { id: string; summary: string } }[]).map((item) => ({ id: item.paper.id, text: item.paper.summary }));

/** A stop that ends a word without ending the sentence. */
const NOT_AN_END = /(?:\b(?:al|Fig|Figs|Eq|vs|cf|Sec|Tab|approx|resp|Dr|Prof)|(?:\p{L}\.){2,}|(?:^|\s)\p{Lu})\.$/u;

const ABBREVIATED = new Set(['al', 'approx', 'cf', 'co', 'corp', 'dr', 'eq', 'eqs', 'fig', 'figs', 'inc', 'jr', 'ltd', 'mr', 'mrs', 'ms', 'pp', 'prof', 'ref', 'refs', 'resp', 'sec', 'secs', 'sr', 'st', 'tab', 'vol', 'vs', 'viz']);
const lower = fc.stringMatching(/^[a-z]{1,9}$/).filter((w) => !ABBREVIATED.has(w));
const capital = fc.stringMatching(/^[A-Z][a-z]{0,8}$/);
const inner = fc.oneof(
  lower,
  lower,
  capital,
  fc.stringMatching(/^[0-9]{1,3}\.[0-9]{1,2}$/),
  fc.constantFrom('et al.', 'e.g.', 'i.e.', 'Fig.', 'Figs.', 'Eq.', 'vs.', 'cf.', 'w.r.t.', 'i.i.d.', 'U.S.', 'J.', 'A. B.', 'Dr.', 'Sec.', '(e.g.'),
);
const sentence = fc
  .tuple(capital, fc.array(fc.tuple(inner, fc.oneof(capital, fc.stringMatching(/^[0-9]{1,3}$/), lower)), { maxLength: 6 }), lower, fc.constantFrom('.', '!', '?'))
  .map(([first, middle, last, end]) => [first, ...middle.flat(), last].join(' ') + end);
const gap = fc.constantFrom(' ', '  ', '\n', ' \n ', '\t', '\u00a0');

describe('summary lead sentences', () => {
  it('splits an abstract into the sentences it was built from, whatever abbreviations, decimals and initials they hold', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(sentence, gap), { minLength: 1, maxLength: 6 }), (parts) => {
        const text = parts.map(([s, g]) => s + g).join('');
        expect(splitSentences(text)).toEqual(parts.map(([s]) => collapseSpaces(s)));
      }),
      { numRuns: 300 },
    );
  });

  it('keeps whole sentences only, with whitespace collapsed, within the limit', () => {
    fc.assert(
      fc.property(fc.array(fc.tuple(sentence, gap), { minLength: 1, maxLength: 6 }), fc.integer({ min: 20, max: 400 }), (parts, max) => {
        const text = parts.map(([s, g]) => s + g).join('');
        const lead = leadSentences(text, max);
        expect(lead.length).toBeLessThanOrEqual(max);
        expect(lead).not.toMatch(/\s{2}|\n/);
        if (!lead.endsWith('…')) {
          const sentences = parts.map(([s]) => collapseSpaces(s));
          const taken = sentences.findIndex((_, i) => sentences.slice(0, i + 1).join(' ') === lead);
          expect(taken).toBeGreaterThanOrEqual(0);
        }
      }),
      { numRuns: 300 },
    );
  });

  it('never drops words or stops at an abbreviation in the real abstracts of the recorded day', () => {
    for (const { id, text } of abstracts) {
      const whole = collapseSpaces(text);
      for (const max of [80, 150, 200, 300, 450, 600]) {
        const lead = leadSentences(text, max);
        expect(lead.length, `${id} at ${max}`).toBeLessThanOrEqual(max);
        if (lead.endsWith('…')) continue;
        expect(whole.startsWith(lead), `${id} at ${max}: ${lead}`).toBe(true);
        expect(lead, `${id} at ${max}`).toMatch(/[.!?]["')\]]?$/);
        expect(lead, `${id} at ${max}`).not.toMatch(NOT_AN_END);
      }
      expect(splitSentences(text).join(' '), id).toBe(whole);
    }
  });

  it('reads "(i.e. experts)" in the Mixtral abstract as part of its sentence', () => {
    const mixtral = abstracts.find((a) => a.id === '2401.04088')!.text;
    expect(leadSentences(mixtral, 150)).toBe('We introduce Mixtral 8x7B, a Sparse Mixture of Experts (SMoE) language model.');
    expect(splitSentences(mixtral)[1]).toBe(
      'Mixtral has the same architecture as Mistral 7B, with the difference that each layer is composed of 8 feedforward blocks (i.e. experts).',
    );
  });

  it('does not break after et al., Fig., vs., e.g. or an initial even before a capital or a digit', () => {
    const text = 'As Smith et al. Showed in Fig. 3, ours vs. GPT-4 wins, e.g. On MMLU. J. R. Smith and the U.S. Army agree.\nIt scores 3.5 points.';
    expect(splitSentences(text)).toEqual([
      'As Smith et al. Showed in Fig. 3, ours vs. GPT-4 wins, e.g. On MMLU.',
      'J. R. Smith and the U.S. Army agree.',
      'It scores 3.5 points.',
    ]);
    expect(summaryOf({ aiSummary: null, abstract: text }, 80)).toBe('As Smith et al. Showed in Fig. 3, ours vs. GPT-4 wins, e.g. On MMLU.');
  });
});
