// Renders README.md's table of supported instructions from the encoding table, between the
// `instructions:begin`/`instructions:end` markers. Run: npm run gen:readme (builds first).
// test/readme.test.ts regenerates the table in memory and fails when the README is stale.

import { readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { ENCODINGS, type Attrs, type Encoding, type Family } from '../isa/encodings.js';

export const BEGIN = '<!-- instructions:begin -->';
export const END = '<!-- instructions:end -->';

interface Group {
  title: string;
  families: Family[];
  /** Variants listed as one name: `ldr{,b,h}` for sizes, `ldadd{,a,l,al}{,b,h}` for orderings too. */
  fold?: 'size' | 'orderAndSize';
}

// Every row lands in the first group that claims it; MTE rows all go to the MTE group.
const GROUPS: Group[] = [
  { title: 'Data processing (immediate)', families: ['adr', 'addSubImm', 'logicalImm', 'moveWide', 'bitfield', 'extract'] },
  { title: 'Data processing (register)', families: ['addSubShifted', 'addSubExtended', 'addSubCarry', 'logicalShifted', 'condCompare', 'condSelect', 'dataProc1', 'dataProc2'] },
  { title: 'Multiply', families: ['dataProc3'] },
  { title: 'Branches', families: ['branchImm', 'branchCond', 'compareBranch', 'testBranch', 'branchReg', 'eret'] },
  { title: 'Exception generation', families: ['exception', 'udf'] },
  { title: 'System, hints and barriers', families: ['hint', 'barrier', 'clrex', 'msrImm', 'flagm', 'msrReg', 'mrs', 'sys', 'sysl'] },
  { title: 'Loads and stores (single register)', families: ['loadStore', 'loadLiteral', 'prefetch'], fold: 'size' },
  { title: 'Load/store pair', families: ['loadStorePair'] },
  { title: 'Exclusive, load-acquire and store-release', families: ['exclusive', 'exclusivePair', 'acquireRelease'], fold: 'size' },
  { title: 'Atomics (LSE)', families: ['compareSwap', 'compareSwapPair', 'atomic', 'swap'], fold: 'orderAndSize' },
];
const MTE_GROUP: Group = { title: 'Memory Tagging Extension (MTE)', families: [] };

const MODE_TEXT: Record<NonNullable<Attrs['mode']>, string> = {
  uimm: 'unsigned offset', unscaled: 'unscaled offset', pre: 'pre-index', post: 'post-index', reg: 'register offset',
  unpriv: 'unprivileged', base: 'base register', offset: 'signed offset', literal: 'PC-relative literal',
};
const SIZE_TEXT = ['byte', 'halfword', 'word', 'doubleword'];

const code = (s: string): string => `\`${s}\``;
const unique = <T>(xs: T[]): T[] => [...new Set(xs)];

function groupOf(e: Encoding): Group {
  if (e.feature === 'MTE') return MTE_GROUP;
  const g = GROUPS.find((x) => x.families.includes(e.family));
  if (!g) throw new Error(`encoding ${e.name} (family ${e.family}) belongs to no README group`);
  return g;
}

const ORDERS = ['', 'a', 'l', 'al'];
const SIZES = ['', 'b', 'h'];

/** A listed name and the suffixes folded into it. */
interface Stem {
  orders: Set<string>;
  sizes: Set<string>;
}

/** Splits `mnemonic` (of row `e` or one of its aliases) into a stem and its folded suffixes. */
function split(mnemonic: string, e: Encoding, fold: Group['fold']): [string, string, string] {
  if (e.family === 'msrImm') return [`msr ${e.attrs.op}`, '', ''];
  if (mnemonic === 'b.<cond>') return ['b.cond', '', ''];
  let rest = mnemonic;
  let size = '';
  const sizeSuffix = e.attrs.size === 0 ? 'b' : e.attrs.size === 1 ? 'h' : '';
  if (fold && sizeSuffix && rest.endsWith(sizeSuffix)) {
    size = sizeSuffix;
    rest = rest.slice(0, -1);
  }
  let order = '';
  const orderSuffix = (e.attrs.acquire ? 'a' : '') + (e.attrs.release ? 'l' : '');
  if (fold === 'orderAndSize' && orderSuffix && rest.endsWith(orderSuffix)) {
    order = orderSuffix;
    rest = rest.slice(0, -orderSuffix.length);
  }
  return [rest, order, size];
}

function collect(names: [string, Encoding][], fold: Group['fold']): Map<string, Stem> {
  const stems = new Map<string, Stem>();
  for (const [mnemonic, e] of names) {
    const [name, order, size] = split(mnemonic, e, fold);
    const s = stems.get(name) ?? { orders: new Set<string>(), sizes: new Set<string>() };
    s.orders.add(order);
    s.sizes.add(size);
    stems.set(name, s);
  }
  return stems;
}

function variants(set: Set<string>, canonical: string[]): string {
  return set.size === 1 ? [...set][0] : `{${canonical.filter((x) => set.has(x)).join(',')}}`;
}

function listStems(stems: Map<string, Stem>): string {
  return [...stems].map(([name, s]) => code(name + variants(s.orders, ORDERS) + variants(s.sizes, SIZES))).join(', ');
}

function forms(rows: Encoding[]): string {
  const parts: string[] = [];
  const widths = unique(rows.flatMap((e) => (e.fields.some((f) => f.name === 'sf') ? [32, 64] : e.attrs.regBits ? [e.attrs.regBits] : [])));
  if (widths.length === 2) parts.push('W and X registers');
  const modes = unique(rows.map((e) => e.attrs.mode).filter((m) => m !== undefined));
  if (modes.length > 0) parts.push(modes.map((m) => MODE_TEXT[m]).join(', '));
  const sizes = unique(rows.map((e) => e.attrs.size).filter((s) => s !== undefined)).sort();
  if (sizes.length > 1 && rows.some((e) => e.attrs.load || e.attrs.store)) parts.push(`${sizes.map((s) => SIZE_TEXT[s]).join('/')} accesses`);
  const features = unique(rows.map((e) => e.feature).filter((f) => f !== 'base'));
  if (features.length > 0) parts.push(`features: ${features.map((f) => `FEAT_${f}`).join(', ')}`);
  return parts.join('; ');
}

const aliasNames = (rows: Encoding[], asmOnly: boolean): [string, Encoding][] =>
  rows.flatMap((e) => e.aliases.filter((a) => (a.asmOnly === true) === asmOnly).map((a): [string, Encoding] => [a.mnemonic, e]));

/** Preferred disassembly aliases, then spellings only the assembler accepts. */
function aliases(rows: Encoding[], fold: Group['fold'], listed: Map<string, Stem>): string {
  const printed = collect(aliasNames(rows, false), fold);
  const asmOnly = collect(aliasNames(rows, true), fold);
  for (const name of listed.keys()) {
    printed.delete(name);
    asmOnly.delete(name);
  }
  const text = listStems(printed);
  return asmOnly.size > 0 ? `${text}${text ? '; ' : ''}assembler only: ${listStems(asmOnly)}` : text;
}

/** The Markdown table, one line per group (markers not included). */
export function renderInstructionTable(): string {
  const byGroup = new Map<Group, Encoding[]>();
  for (const g of [...GROUPS, MTE_GROUP]) byGroup.set(g, []);
  const unsupported: string[] = [];
  for (const e of ENCODINGS) {
    if (e.supported) byGroup.get(groupOf(e))!.push(e);
    else unsupported.push(e.name);
  }
  const lines = [
    '| Group | Encodings | Instructions | Forms | Preferred disassembly aliases |',
    '| --- | ---: | --- | --- | --- |',
  ];
  let total = 0;
  for (const [g, rows] of byGroup) {
    const stems = collect(rows.map((e): [string, Encoding] => [e.mnemonic, e]), g.fold);
    total += rows.length;
    lines.push(`| ${g.title} | ${rows.length} | ${listStems(stems)} | ${forms(rows)} | ${aliases(rows, g.fold, stems)} |`);
  }
  lines.push(
    '',
    `${total} encodings in all (rows of \`ENCODINGS\` in isa/encodings.ts). Allocated but not implemented, decoded as ` +
      `\`<unsupported: class>\` and raising UNDEFINED when executed: ${unsupported.join('; ')}.`,
  );
  return lines.join('\n');
}

/** `readme` with the text between the markers replaced by the current table. */
export function updateReadme(readme: string): string {
  const begin = readme.indexOf(BEGIN);
  const end = readme.indexOf(END);
  if (begin < 0 || end < begin) throw new Error(`README.md has no ${BEGIN} ... ${END} markers`);
  return `${readme.slice(0, begin + BEGIN.length)}\n${renderInstructionTable()}\n${readme.slice(end)}`;
}

const invokedDirectly = process.argv[1] !== undefined && fileURLToPath(import.meta.url) === realpathSync(process.argv[1]);
if (invokedDirectly) {
  const path = new URL('../../README.md', import.meta.url);
  writeFileSync(path, updateReadme(readFileSync(path, 'utf8')));
}
