// Regenerates granule's golden ISA data in test/golden/ from the real tools: LLVM 14's llvm-mc
// gives the bytes, llvm-objdump the text, and GNU as is a cross-check. The output is
// deterministic (seeded PRNG, no clock): rerunning with the same tools rewrites identical files.
//
// Run: npm run build && node dist/tools/gen-golden.js      (npm run gen:golden)
//
// test/golden/corpus.tsv     every supported table row and every printed alias, with edge operands
// test/golden/spellings.tsv  the hand-written alternative spellings of spellings.s, with their bytes
// test/golden/random.tsv     random words (per row, integer groups, anywhere) with llvm-objdump's text
// test/golden/disasm.elf     a small executable for `granule disasm` (granule's encoder and ELF
//                            writer), and disasm.objdump, `llvm-objdump -d`'s listing of it
//
// Generation fails, writing nothing, when llvm-mc rejects a corpus line or gives other bytes than
// the word the line came from, or when llvm-objdump prints other text than granule for it, or
// when GNU as and llvm-mc do not both accept a spelling alike: each is a bug in granule's table,
// disassembler or this generator, to be fixed rather than dropped. (random.tsv is checked by
// test/isa-random.test.ts, which knows the classes where LLVM and granule may differ.)

import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { writeElfExecutable, type ElfSymbol } from '../isa/asm/elf-writer.js';
import { encodeInstruction } from '../isa/asm/encoder.js';
import { tokenize, TokenCursor } from '../isa/asm/lexer.js';
import { decode, fieldsOf } from '../isa/decode.js';
import { disassemble, disassembleParts } from '../isa/disasm.js';
import { ENCODINGS, type Encoding } from '../isa/encodings.js';
import type { Fields } from '../isa/operands.js';
import { SYS_ALIASES, SYSREG_READ, SYSREG_WRITE } from '../isa/sysnames.js';
import { CORPUS_BASE, NOT_ASSEMBLABLE } from './golden-rules.js';
import { LLVM_OBJDUMP, MATTR, mcAssembleLines, objdumpWords } from './llvm.js';

const GOLDEN = new URL('../../test/golden/', import.meta.url);
const GNU_AS = process.env.GNU_AS ?? 'aarch64-linux-gnu-as';
const GNU_OBJCOPY = process.env.GNU_OBJCOPY ?? 'aarch64-linux-gnu-objcopy';
const GNU_MARCH = 'armv8.5-a+memtag';

// ---------------------------------------------------------------------------------------------
// Deterministic choices

/** xorshift32: the golden files depend on nothing but this seed. */
function prng(seed: number): () => number {
  let s = seed >>> 0 || 1;
  return () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return s;
  };
}

/** The word a row's fields give, with `x` and should-be-zero bits clear and should-be-one bits set. */
function wordOf(e: Encoding, f: Fields): number {
  let w = e.match | e.sbo;
  for (const spec of e.fields) w |= ((f[spec.name] ?? 0) & ((1 << spec.width) - 1)) << spec.lsb;
  return w >>> 0;
}

/** Values worth trying in a field: all of them for narrow fields, else the edges and one random. */
function edges(width: number, rand: () => number): number[] {
  const max = 2 ** width - 1;
  if (width <= 4) return Array.from({ length: max + 1 }, (_, i) => i);
  const half = 2 ** (width - 1);
  return [...new Set([0, 1, 2, max, max - 1, half, half - 1, rand() & max])];
}

// ---------------------------------------------------------------------------------------------
// The corpus: words chosen per row, per alias and per named operand value

/** Rows whose text gives an absolute target that llvm-mc and GNU as would read as an offset. */
function pcRelative(e: Encoding): boolean {
  return ['branchImm', 'branchCond', 'compareBranch', 'testBranch'].includes(e.family) || e.attrs.mode === 'literal' || e.mnemonic === 'adrp';
}

interface Entry {
  word: number;
  address: bigint;
  /** granule's text, which must equal llvm-objdump's. */
  text: string;
  /** What llvm-mc assembles, when the text cannot be given to it as is (PC-relative targets). */
  source?: string;
  /** Where GNU as disagrees with llvm-mc. */
  note?: string;
}

/** Fields for one word of row `e`: edge values rotated by `k`, or random ones. */
function pickFields(e: Encoding, k: number, rand: () => number, edgeSets: number[][]): Fields {
  const f: Fields = {};
  e.fields.forEach((spec, j) => {
    const set = edgeSets[j];
    if (k < 0) f[spec.name] = rand() & 1 ? set[rand() % set.length] : rand() & (2 ** spec.width - 1);
    else f[spec.name] = set[(k * (2 * j + 1) + j) % set.length];
  });
  return f;
}

/** Named values to enumerate completely (system registers, SYS operations, hints, prefetch ops). */
function namedWords(e: Encoding, rand: () => number): number[] {
  const sysreg = (key: number, rt: number): Fields => ({ o0: (key >> 14) - 2, op1: (key >> 11) & 7, CRn: (key >> 7) & 15, CRm: (key >> 3) & 15, op2: key & 7, rt });
  const words: Fields[] = [];
  if (e.name === 'MRS') for (const key of SYSREG_READ.keys()) words.push(sysreg(key, rand() & 31));
  if (e.name === 'MSR_r') for (const key of SYSREG_WRITE.keys()) words.push(sysreg(key, rand() & 31));
  if (e.name === 'SYS') {
    for (const [key, [, takesReg]] of SYS_ALIASES) {
      words.push({ op1: key >> 11, CRn: (key >> 7) & 15, CRm: (key >> 3) & 15, op2: key & 7, rt: takesReg ? rand() & 31 : 31 });
    }
  }
  if (e.name === 'HINT') for (let v = 0; v < 128; v++) words.push({ imm7: v });
  if (e.family === 'prefetch') for (let v = 0; v < 32; v++) words.push({ ...pickFields(e, -1, rand, e.fields.map((s) => edges(s.width, rand))), rt: v });
  return words.map((f) => wordOf(e, f));
}

function corpusWords(): number[] {
  const rand = prng(0x601de2);
  const words: number[] = [];
  const seen = new Set<number>();
  const add = (w: number): boolean => {
    if (seen.has(w)) return false;
    seen.add(w);
    words.push(w);
    return true;
  };
  ENCODINGS.forEach((e, index) => {
    if (!e.supported) return;
    const edgeSets = e.fields.map((s) => edges(s.width, rand));
    const rounds = Math.max(1, ...edgeSets.map((s) => s.length));
    const ours = (w: number): boolean => decode(w) === index && !NOT_ASSEMBLABLE.some(([, test]) => test(e, fieldsOf(index, w)));
    let got = 0;
    for (let k = 0; k < rounds; k++) {
      const w = wordOf(e, pickFields(e, k, rand, edgeSets));
      if (ours(w) && add(w)) got++;
    }
    // Rows where most edge combinations are reserved (logical immediates, CASP pairs) need more tries.
    for (let tries = 0; got < rounds + 4 && tries < 4000; tries++) {
      const w = wordOf(e, pickFields(e, -1, rand, edgeSets));
      if (ours(w) && add(w)) got++;
    }
    if (got === 0) throw new Error(`no word found for row ${e.name}`);
    for (const w of namedWords(e, rand)) if (ours(w)) add(w);
    // Each printed alias: words for which the disassembler picks exactly it.
    const rowWords = words.filter((w) => decode(w) === index);
    e.aliases.forEach((a, ai) => {
      if (a.asmOnly) return;
      const found = new Set(rowWords.filter((w) => disassembleParts(w).alias === ai));
      for (let tries = 0; found.size < 6 && tries < 20000; tries++) {
        const f = { ...pickFields(e, tries < rounds ? tries : -1, rand, edgeSets), ...a.set };
        e.derive?.(f);
        const w = wordOf(e, f);
        if (ours(w) && disassembleParts(w).alias === ai) {
          found.add(w);
          add(w);
        }
      }
      if (found.size === 0) throw new Error(`no word found for alias ${a.mnemonic} of ${e.name}`);
    });
  });
  return words;
}

function corpusEntry(word: number, k: number): Entry {
  const address = CORPUS_BASE + BigInt(4 * k);
  const e = ENCODINGS[decode(word)];
  const text = disassemble(word, address);
  if (!pcRelative(e)) return { word, address, text };
  const m = / (0x[0-9a-f]+)$/.exec(text);
  if (!m) throw new Error(`no target in '${text}'`);
  const from = e.mnemonic === 'adrp' ? address & ~0xfffn : address;
  const offset = BigInt.asIntN(64, BigInt(m[1]) - from);
  return { word, address, text, source: text.slice(0, m.index) + ` #${offset}` };
}

// ---------------------------------------------------------------------------------------------
// GNU as

interface GnuResult {
  word?: number;
  error?: string;
  warning?: string;
}

function withTempDir<T>(fn: (dir: string) => T): T {
  const dir = mkdtempSync(join(tmpdir(), 'granule-gnu-'));
  try {
    return fn(dir);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** Assembles each line (4 bytes each) with GNU as; a line it rejects gets its error instead. */
function gnuAssembleLines(lines: string[]): GnuResult[] {
  return withTempDir((dir) => {
    const src = join(dir, 'g.s');
    const results: GnuResult[] = lines.map(() => ({}));
    const run = (text: string[]): string => {
      writeFileSync(src, text.map((l) => l + '\n').join(''));
      try {
        execFileSync(GNU_AS, [`-march=${GNU_MARCH}`, '-o', join(dir, 'g.o'), src], { stdio: ['ignore', 'pipe', 'pipe'] });
        return '';
      } catch (err) {
        return (err as { stderr?: Buffer }).stderr?.toString() ?? String(err);
      }
    };
    const report = (stderr: string): void => {
      for (const m of stderr.matchAll(/^[^:\n]*:(\d+): (Error|Warning): (.*)$/gm)) {
        const r = results[Number(m[1]) - 1];
        if (m[2] === 'Error') r.error ??= m[3];
        else r.warning ??= m[3];
      }
    };
    report(run(lines));
    // GNU as writes no object if any line fails: assemble again with the failures left out.
    const placeholder = lines.map((l, i) => (results[i].error ? '.inst 0' : l));
    const stderr = run(placeholder);
    if (stderr.includes('Error')) throw new Error(`GNU as failed on the retry:\n${stderr}`);
    report(stderr);
    execFileSync(GNU_OBJCOPY, ['-O', 'binary', '-j', '.text', join(dir, 'g.o'), join(dir, 'g.bin')]);
    const bin = readFileSync(join(dir, 'g.bin'));
    if (bin.length !== 4 * lines.length) throw new Error(`GNU as gave ${bin.length} bytes for ${lines.length} lines`);
    results.forEach((r, i) => {
      if (!r.error) r.word = bin.readUInt32LE(4 * i);
    });
    return results;
  });
}

// ---------------------------------------------------------------------------------------------
// Checking a corpus against the oracles

const hex8 = (w: number): string => (w >>> 0).toString(16).padStart(8, '0');

/** Runs llvm-mc, llvm-objdump and GNU as over the entries; returns the problems found. */
function checkWithOracles(entries: Entry[], base: bigint): string[] {
  const problems: string[] = [];
  const sources = entries.map((e) => e.source ?? e.text);
  const mc = mcAssembleLines(sources);
  const llvmText = objdumpWords(entries.map((e) => e.word), base);
  const gnu = gnuAssembleLines(sources.map((src) => (/^adrp /.test(src) ? 'nop' : src)));
  entries.forEach((e, i) => {
    const where = `${hex8(e.word)} '${sources[i]}'`;
    const r = mc[i];
    if (!r.ok) problems.push(`${where}: llvm-mc rejects it: ${r.error}`);
    else if (r.words.length !== 1 || r.words[0] !== e.word) problems.push(`${where}: llvm-mc gives ${r.words.map(hex8).join(' ')}`);
    if (llvmText[i] !== e.text) problems.push(`${where}: llvm-objdump prints '${llvmText[i]}'`);
    const g = gnu[i];
    if (/^adrp /.test(sources[i])) e.note = 'gnu: not checked (GNU as has no relocation-free constant ADRP target)';
    else if (g.error) e.note = `gnu: rejects it: ${g.error}`;
    else if (g.word !== e.word) e.note = `gnu: assembles ${hex8(g.word!)} (${disassemble(g.word!, e.address)})`;
    else if (g.warning) e.note = `gnu: warns: ${g.warning}`;
  });
  return problems;
}

/** Files to write once every check has passed: nothing is written if one fails. */
const pending: { name: string; data: string | Uint8Array; entries?: number }[] = [];

function goldenText(name: string, header: string[], lines: string[]): void {
  pending.push({ name, data: [...header.map((h) => `# ${h}`.trimEnd()), ...lines].join('\n') + '\n', entries: lines.length });
}

function tsvLine(...columns: (string | undefined)[]): string {
  const cols = columns.map((c) => c ?? '');
  while (cols.length && cols[cols.length - 1] === '') cols.pop();
  return cols.join('\t');
}

// ---------------------------------------------------------------------------------------------

function genCorpus(): string[] {
  const entries = corpusWords().map(corpusEntry);
  const problems = checkWithOracles(entries, CORPUS_BASE);
  if (problems.length) return problems;
  goldenText('corpus.tsv', [
    'granule golden corpus: every supported encoding row and printed alias, with edge operands.',
    'Generated by tools/gen-golden.ts (npm run gen:golden); do not edit.',
    'Columns: address, word, text (llvm-objdump 14 -d --mattr=+mte,+v8.5a, whitespace-normalised,',
    'without the <sym> suffix), then the source given to llvm-mc and GNU as when it differs from the',
    'text (PC-relative targets as #offset, which both read as an offset from the instruction), then',
    'a note where GNU as (-march=armv8.5-a+memtag) disagrees with llvm-mc. The word is llvm-mc\'s',
    'encoding of the source and llvm-objdump\'s text of that word is the text.',
  ], entries.map((e) => tsvLine(`0x${e.address.toString(16)}`, hex8(e.word), e.text, e.source, e.note)));
  return [];
}

/** The integer encoding groups (not SVE or SIMD&FP), by op0 = bits [28:25]. */
function integerGroup(w: number): boolean {
  const op0 = (w >>> 25) & 15;
  const loadStore = (op0 & 5) === 4 && ((w >>> 26) & 1) === 0;
  return (op0 & 14) === 8 || (op0 & 14) === 10 || loadStore || (op0 & 7) === 5;
}

/**
 * Random words: per row, uniformly random ones (ignored bits random too) and, for every pair of
 * fields, each pair of their edge values (the rest random), which is where alias conditions
 * live; then words over the integer groups, the system-instruction space and the whole space.
 */
function randomWords(): number[] {
  const rand = prng(0x7a9d0e);
  const words = new Set<number>();
  const small = (width: number): number[] => (width <= 2 ? Array.from({ length: 2 ** width }, (_, i) => i) : [0, 1, 2 ** width - 1, 2 ** (width - 1)]);
  for (const e of ENCODINGS) {
    if (!e.supported) continue;
    const any = (): number => ((rand() & ~e.mask) | e.match) >>> 0;
    for (let i = 0; i < 16; i++) words.add(any());
    e.fields.forEach((a, i) => {
      e.fields.slice(i + 1).forEach((b) => {
        for (const va of small(a.width)) {
          for (const vb of small(b.width)) {
            const clear = ~((((2 ** a.width - 1) << a.lsb) | ((2 ** b.width - 1) << b.lsb)) >>> 0);
            words.add(((any() & clear) | (va << a.lsb) | (vb << b.lsb)) >>> 0);
          }
        }
      });
    });
  }
  for (let n = 0; n < 16000; ) {
    const w = rand();
    if (integerGroup(w) && !words.has(w)) {
      words.add(w);
      n++;
    }
  }
  // The system-instruction space, where LLVM and granule disagree most (see test/isa-random).
  for (const [fixed, free] of [[0xd5000000, 0x003fffff], [0xd500401f, 0x0007ffe0], [0xd503201f, 0x00000fe0], [0xd503301f, 0x00000fe0]]) {
    for (let n = 0; n < 256; n++) words.add((fixed | (rand() & free)) >>> 0);
  }
  for (let n = 0; n < 4000; n++) words.add(rand());
  return [...words];
}

function genRandom(): void {
  const words = randomWords();
  const texts = objdumpWords(words, CORPUS_BASE);
  goldenText('random.tsv', [
    'Random words with llvm-objdump 14\'s text (-d --mattr=+mte,+v8.5a, whitespace-normalised, without',
    'the <sym> suffix); entry k (k = 0, 1, ... after these comments) is at 0x100000000 + 4k.',
    'Generated by tools/gen-golden.ts (npm run gen:golden); do not edit.',
  ], words.map((w, i) => `${hex8(w)}\t${texts[i]}`));
}

/** The hand-written spellings.s: every line must assemble alike with llvm-mc and GNU as. */
function genSpellings(): string[] {
  const sources = readFileSync(new URL('spellings.s', GOLDEN), 'utf8')
    .split('\n')
    .map((l) => l.replace(/\/\/.*/, '').trim())
    .filter((l) => l !== '');
  const mc = mcAssembleLines(sources);
  const gnu = gnuAssembleLines(sources);
  const problems: string[] = [];
  sources.forEach((src, i) => {
    const r = mc[i];
    const g = gnu[i];
    if (!r.ok) problems.push(`spellings.s '${src}': llvm-mc rejects it: ${r.error}`);
    else if (r.words.length !== 1) problems.push(`spellings.s '${src}': llvm-mc gives ${r.words.length} words`);
    else if (g.error) problems.push(`spellings.s '${src}': GNU as rejects it: ${g.error}`);
    else if (g.word !== r.words[0]) problems.push(`spellings.s '${src}': GNU as gives ${hex8(g.word!)}, llvm-mc ${hex8(r.words[0])}`);
    else if (g.warning) problems.push(`spellings.s '${src}': GNU as warns: ${g.warning}`);
  });
  if (problems.length) return problems;
  const words = mc.map((r) => r.words[0]);
  const texts = objdumpWords(words, CORPUS_BASE);
  goldenText('spellings.tsv', [
    'Alternative spellings from spellings.s, which GNU as and llvm-mc both accept and encode alike.',
    'Generated by tools/gen-golden.ts (npm run gen:golden); do not edit.',
    'Columns: address, word (llvm-mc\'s encoding), source, llvm-objdump\'s text of the word.',
  ], sources.map((src, i) => tsvLine(`0x${(CORPUS_BASE + BigInt(4 * i)).toString(16)}`, hex8(words[i]), src, texts[i])));
  return [];
}

// ---------------------------------------------------------------------------------------------
// An executable for `granule disasm`, and llvm-objdump's listing of it

/**
 * The program, per section: `name:` labels (local notype symbols unless ELF_SYMBOLS says
 * otherwise), `$x`/`$d` mapping symbols, `.word`/`.short`/`.ascii` data and instructions,
 * which granule's encoder assembles (branch targets are label expressions).
 */
const ELF_SECTIONS: { name: string; vaddr: bigint; flags: 'rx' | 'r'; lines: string[] }[] = [
  {
    name: '.text', vaddr: 0x400000n, flags: 'rx', lines: [
      '$x', '_start:', 'mov x0, #1', 'b helper', 'ldr x1, lit', 'bl _start', 'cbz x0, _start + 8', 'cbnz w3, beyond',
      'tbz w3, #5, helper', 'tbnz x4, #40, _start', 'b.ne loop', 'adr x5, lit', 'adrp x2, table', 'add x2, x2, #0x10',
      'ldr x3, [x2, #8]', 'prfm pldl1keep, lit', 'add x0, x0, #1, lsl #12', 'ldaddalh w0, wzr, [x2]', 'ldaddah w0, wzr, [x2]',
      'mov x0, #0x10000', 'irg x0, sp', 'stg x0, [x0, #16]!', 'bl far_abs', 'b more', 'b.eq weak_fn',
      '$d', 'lit:', '.word 0x12345678', '.word 0xd503201f', 'data2:', '.word 0x00000201',
      '$x', 'helper:', 'ret', '.word 0', '.word 0', '.word 0', 'nop',
      'msg:', '.ascii "Hi, granule!"',
      'loop:', '.word 0x927dfc42', 'svc #0', 'alias_a:', 'zz_alias:', 'wfi', 'b loop',
    ],
  },
  {
    name: '.text.more', vaddr: 0x401000n, flags: 'rx', lines: [
      'nop', 'more:', 'bl _start', 'b .text_more_start', 'weak_fn:', 'ret', '$d', '.short 0xbeef',
    ],
  },
  { name: '.rodata', vaddr: 0x402000n, flags: 'r', lines: ['table:', '.word 1', '.word 2', '.word 3', '.word 4'] },
];

/** Symbols that are not local notype labels; `beyond` and `far_abs` lie outside every section. */
const ELF_SYMBOLS: Record<string, Partial<ElfSymbol>> = {
  _start: { type: 'func', binding: 'global' },
  more: { type: 'func', binding: 'global' },
  weak_fn: { type: 'func', binding: 'weak' },
  msg: { type: 'object', size: 12 },
  table: { type: 'object', size: 16 },
};

function statementSize(line: string): number {
  const ascii = /^\.ascii "(.*)"$/.exec(line);
  if (ascii) return (ascii[1].length + 3) & ~3;
  if (line.startsWith('.short')) return 2;
  return line.startsWith('$') || line.endsWith(':') ? 0 : 4;
}

function buildElf(): Uint8Array {
  const labels = new Map<string, bigint>();
  const symbols: ElfSymbol[] = [];
  for (const sec of ELF_SECTIONS) {
    let at = sec.vaddr;
    for (const line of sec.lines) {
      if (line.startsWith('$')) symbols.push({ name: line, value: at, size: 0, type: 'notype', binding: 'local', section: sec.name });
      else if (line.endsWith(':')) {
        const name = line.slice(0, -1);
        labels.set(name, at);
        symbols.push({ name, value: at, size: 0, type: 'notype', binding: 'local', section: sec.name, ...ELF_SYMBOLS[name] });
      }
      at += BigInt(statementSize(line));
    }
  }
  labels.set('.text_more_start', 0x401000n);
  labels.set('beyond', 0x400f00n);
  labels.set('far_abs', 0x100n);
  symbols.push({ name: 'beyond', value: 0x400f00n, size: 0, type: 'notype', binding: 'local', section: '.text' });
  symbols.push({ name: 'far_abs', value: 0x100n, size: 0, type: 'notype', binding: 'global', section: '' });
  const segments = ELF_SECTIONS.map((sec) => {
    const bytes: number[] = [];
    for (const line of sec.lines) {
      const pc = sec.vaddr + BigInt(bytes.length);
      const data = /^\.(word|short) (\S+)$/.exec(line);
      const ascii = /^\.ascii "(.*)"$/.exec(line);
      if (data) for (let i = 0, v = Number(data[2]); i < (data[1] === 'word' ? 4 : 2); i++, v >>>= 8) bytes.push(v & 0xff);
      else if (ascii) bytes.push(...Buffer.from(ascii[1].padEnd(statementSize(line), '\0'), 'latin1'));
      else if (statementSize(line) === 4) {
        const c = new TokenCursor(tokenize(line, { file: 'disasm.elf', line: 1 }), 'disasm.elf', 1);
        const mnemonic = c.next();
        const word = encodeInstruction(mnemonic, c, { pc, sizing: false, resolver: { symbol: (n) => labels.get(n), localLabel: () => undefined, dot: () => pc }, literal: () => 0n });
        for (let i = 0; i < 4; i++) bytes.push((word >>> (8 * i)) & 0xff);
      }
    }
    return { name: sec.name, vaddr: sec.vaddr, data: Uint8Array.from(bytes), memSize: bytes.length, flags: sec.flags };
  });
  return writeElfExecutable({ entry: 0x400000n, segments, symbols });
}

function genElf(): void {
  const elf = buildElf();
  pending.push({ name: 'disasm.elf', data: elf });
  withTempDir((dir) => {
    // llvm-objdump prints the path it is given: run it on the same name in another directory.
    writeFileSync(join(dir, 'disasm.elf'), elf);
    pending.push({ name: 'disasm.objdump', data: execFileSync(LLVM_OBJDUMP, ['-d', `--mattr=${MATTR}`, 'disasm.elf'], { cwd: dir }).toString() });
  });
}

function main(): void {
  const problems = [...genCorpus(), ...genSpellings()];
  if (problems.length) {
    console.error(`${problems.length} problems, nothing written:`);
    for (const p of problems) console.error('  ' + p);
    process.exitCode = 1;
    return;
  }
  genRandom();
  genElf();
  for (const f of pending) {
    writeFileSync(new URL(f.name, GOLDEN), f.data);
    console.log(`wrote test/golden/${f.name}${f.entries === undefined ? '' : ` (${f.entries} entries)`}`);
  }
}

main();
