/** One sample of a Prometheus text exposition. */
export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

const NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{(.*)\})? (\S+)( -?\d+)?$/;
const LABEL = /^([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\[\\"n])*)"(,|$)/;
const SUFFIXES: Record<string, string[]> = { counter: [''], gauge: [''], untyped: [''], histogram: ['_bucket', '_sum', '_count'], summary: ['', '_sum', '_count'] };

/**
 * A sample value as Prometheus reads it (Go's ParseFloat): `NaN` and `Inf` in any case, so prom-client's
 * `Nan` (an event-loop mean before its first sample) is a number too.
 */
function parseValue(text: string, line: string): number {
  if (/^\+?inf$/i.test(text)) return Infinity;
  if (/^-inf$/i.test(text)) return -Infinity;
  if (/^nan$/i.test(text)) return NaN;
  const value = Number(text);
  if (Number.isNaN(value)) throw new Error(`not a number in ${JSON.stringify(line)}`);
  return value;
}

function parseLabels(text: string, line: string): Record<string, string> {
  const labels: Record<string, string> = {};
  let rest = text;
  while (rest.length > 0) {
    const match = LABEL.exec(rest);
    if (!match) throw new Error(`malformed labels in ${JSON.stringify(line)}`);
    labels[match[1]!] = match[2]!.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));
    rest = rest.slice(match[0].length);
  }
  return labels;
}

/**
 * Parses the Prometheus text format (0.0.4) strictly: every line is a `# HELP`, a `# TYPE` or a sample of a
 * declared family (with the suffixes its type allows); anything else throws, naming the line.
 */
export function parsePrometheusText(text: string): Sample[] {
  const types = new Map<string, string>();
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const meta = /^# (HELP|TYPE) (\S+)(?: (.*))?$/.exec(line);
    if (meta) {
      if (!NAME.test(meta[2]!)) throw new Error(`bad metric name in ${JSON.stringify(line)}`);
      if (meta[1] === 'TYPE') {
        if (!(meta[3]! in SUFFIXES)) throw new Error(`unknown type in ${JSON.stringify(line)}`);
        types.set(meta[2]!, meta[3]!);
      }
      continue;
    }
    const match = SAMPLE.exec(line);
    if (!match) throw new Error(`not a Prometheus sample: ${JSON.stringify(line)}`);
    const name = match[1]!;
    const family = [...types.entries()].find(([base, type]) => SUFFIXES[type]!.some((suffix) => `${base}${suffix}` === name));
    if (!family) throw new Error(`sample of an undeclared family: ${JSON.stringify(line)}`);
    samples.push({ name, labels: parseLabels(match[3] ?? '', line), value: parseValue(match[4]!, line) });
  }
  return samples;
}

/** The value of the one sample named `name` whose labels include `labels`, or undefined. */
export function sampleValue(samples: Sample[], name: string, labels: Record<string, string> = {}): number | undefined {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value;
}
