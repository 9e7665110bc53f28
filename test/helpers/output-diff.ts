// How granule's output differs from an oracle's (QEMU, Linux): the first differing line with the
// lines before it, then every test section (`[name]` lines) that differs with its own first
// differing line, so one missing feature does not hide the others.

const CONTEXT = 6;
/** At most this many differing test sections are listed after the first difference. */
const MAX_SECTIONS = 16;

const show = (l: string | undefined): string => (l === undefined ? '<end of output>' : JSON.stringify(l));

/** Index of the first line where two line arrays differ (their common length if one is a prefix). */
function firstDifferentLine(e: string[], a: string[]): number {
  let i = 0;
  while (i < e.length && i < a.length && e[i] === a[i]) i++;
  return i;
}

/** The output split at its test headings (`[name]` lines); the text before the first is ''. */
function sections(lines: string[]): Map<string, string[]> {
  const out = new Map<string, string[]>();
  let cur: string[] = [];
  out.set('', cur);
  for (const l of lines) {
    if (/^\[.*\]$/.test(l)) {
      let key = l;
      for (let n = 2; out.has(key); n++) key = `${l} #${n}`;
      cur = [];
      out.set(key, cur);
    } else cur.push(l);
  }
  return out;
}

/** Describes the differences, naming the oracle (`QEMU`, `Linux`, `expected`); undefined if equal. */
export function describeDifferences(expected: string, actual: string, oracle: string): string | undefined {
  if (expected === actual) return undefined;
  const e = expected.split('\n');
  const a = actual.split('\n');
  const i = firstDifferentLine(e, a);
  let heading = '';
  for (let k = i - 1; k >= 0; k--) {
    if (/^\[.*\]$/.test(e[k])) {
      heading = e[k];
      break;
    }
  }
  const label = `${oracle}:`.padEnd(9);
  const out = [
    `first difference at line ${i + 1}${heading ? ` (in ${heading})` : ''}:`,
    ...e.slice(Math.max(0, i - CONTEXT), i).map((l) => `    ${l}`),
    `  - ${label} ${show(e[i])}`,
    `  + granule:  ${show(a[i])}`,
  ];
  const es = sections(e);
  const as = sections(a);
  const differing: string[] = [];
  for (const [name, lines] of es) {
    const got = as.get(name);
    if (!got) {
      differing.push(`  ${name || '(before the first test)'}: missing from granule's output`);
      continue;
    }
    const j = firstDifferentLine(lines, got);
    if (j === lines.length && j === got.length) continue;
    differing.push(`  ${name || '(before the first test)'} line ${j + 1}: ${oracle} ${show(lines[j])}, granule ${show(got[j])}`);
  }
  const extra = [...as.keys()].filter((k) => !es.has(k));
  if (differing.length) {
    out.push(`test sections that differ: ${differing.length} of ${es.size}`);
    out.push(...differing.slice(0, MAX_SECTIONS));
    if (differing.length > MAX_SECTIONS) out.push(`  ... and ${differing.length - MAX_SECTIONS} more`);
  }
  if (extra.length) out.push(`sections only granule printed: ${extra.slice(0, MAX_SECTIONS).join(', ')}`);
  return out.join('\n');
}
