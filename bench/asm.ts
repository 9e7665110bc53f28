// Assembler throughput: lines/s on a generated GNU as source of a few thousand lines.
// The source looks like a compiler's output: functions of mixed instructions (text from the
// disassembler, so every row of the mix appears), labels and branches between them, literal
// and page-relative loads, and a data section of directives.

import { assemble } from '../isa/asm/assembler.js';
import { encodeInstruction, type InstructionContext } from '../isa/asm/encoder.js';
import { disassemble } from '../isa/disasm.js';
import type { Encoding } from '../isa/encodings.js';
import { tokenize, TokenCursor } from '../isa/asm/lexer.js';
import { mixedCorpus, prng } from './corpus.js';
import { rate, sink, type BenchSuite } from './suite.js';

/** Families whose operands are PC-relative: the generator writes those with labels instead. */
const PC_RELATIVE = new Set(['adr', 'branchImm', 'branchCond', 'compareBranch', 'testBranch', 'loadLiteral']);
const notPcRelative = (e: Encoding): boolean => !PC_RELATIVE.has(e.family) && e.attrs.mode !== 'literal';

const CONDS = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'hi', 'ls', 'ge', 'lt', 'gt', 'le'];

/** A source of about `lines` lines; the same `seed` gives the same text. */
export function generateSource(lines: number, seed = 0x3c6ef372): string {
  const rand = prng(seed);
  const pick = <T>(xs: readonly T[]): T => xs[rand() % xs.length];
  const reg = (): string => `${rand() & 1 ? 'x' : 'w'}${rand() % 29}`;
  const xreg = (): string => `x${rand() % 29}`;
  const pool = Array.from(mixedCorpus(lines, { seed, filter: notPcRelative }), (w) => disassemble(w));
  const functions = Math.max(1, Math.round(lines / 75));
  const dataItems = Math.max(1, Math.round(lines / 50));
  const out: string[] = ['\t.text', '\t.globl _start', '_start:'];
  let next = 0;
  for (let f = 0; f < functions; f++) {
    const labels = 4 + (rand() % 4);
    const body = 50 + (rand() % 10);
    out.push(`\t.globl fn${f}`, `fn${f}:`, '\tstp x29, x30, [sp, #-16]!', '\tmov x29, sp');
    let label = 0;
    for (let i = 0; i < body; i++) {
      if (label < labels && rand() % 10 === 0) out.push(`.Lfn${f}_${label++}:`);
      const r = rand() % 100;
      const target = `.Lfn${f}_${rand() % labels}`;
      if (r < 70) out.push(`\t${pool[next++ % pool.length]}`);
      else if (r < 78) out.push(`\tb.${pick(CONDS)} ${target}`);
      else if (r < 82) out.push(`\t${pick(['cbz', 'cbnz'])} ${reg()}, ${target}`);
      else if (r < 84) out.push(`\t${pick(['tbz', 'tbnz'])} w${rand() % 29}, #${rand() % 32}, ${target}`);
      else if (r < 87) out.push(`\tbl fn${rand() % functions}`);
      else if (r < 89) out.push(`\tb ${target}`);
      else if (r < 91) out.push(`\tadr ${xreg()}, ${target}`);
      else if (r < 94) {
        const d = `data${rand() % dataItems}`;
        const base = xreg();
        out.push(`\tadrp ${base}, ${d}`, `\tldr ${xreg()}, [${base}, :lo12:${d}]`);
      } else if (r < 96) out.push(`\tldr ${xreg()}, =0x${(rand() * 0x10001).toString(16)}`);
      else if (r < 98) out.push(`1:\tsubs ${xreg()}, ${xreg()}, #1`, '\tb.ne 1b');
      else out.push(`\t// ${pick(['loop', 'spill', 'tail', 'slow path'])}`);
    }
    while (label < labels) out.push(`.Lfn${f}_${label++}:`);
    out.push('\tldp x29, x30, [sp], #16', '\tret');
  }
  out.push('\t.data');
  for (let d = 0; d < dataItems; d++) {
    out.push('\t.balign 8', `data${d}:`);
    const r = rand() % 5;
    if (r === 0) out.push(`\t.quad 0x${rand().toString(16)}${rand().toString(16).padStart(8, '0')}, data${rand() % dataItems}`);
    else if (r === 1) out.push(`\t.word ${rand() % 1000}, ${rand() % 1000}, 0x${rand().toString(16)}`);
    else if (r === 2) out.push(`\t.hword ${rand() & 0xffff}`, `\t.byte ${rand() & 0xff}, ${rand() & 0xff}`);
    else if (r === 3) out.push(`\t.asciz "granule ${d}\\n"`);
    else out.push(`\t.quad ${rand() % 4096}`);
  }
  return out.join('\n') + '\n';
}

/** A mid-sized hand-written assembly file. */
const SOURCE_LINES = 3000;

/** The whole assembler: two passes, directives, literal pools, section layout. */
function assembleSource(source: string): () => void {
  const first = assemble(source, { file: 'bench.s' }).errors[0];
  if (first) throw new Error(`generated source does not assemble: ${first.format()}`);
  return () => {
    sink.value ^= assemble(source, { file: 'bench.s' }).image!.segments.length;
  };
}

/**
 * For contrast, the encoder alone: each instruction line tokenized and encoded on its own, every
 * symbol resolving to the instruction's own address (labels and directives skipped).
 */
function encodeLines(source: string): { fn: () => void; lines: number } {
  const statements = source.split('\n').map((l) => l.replace(/^\s*(1:)?\s*/, '')).filter((l) => l && !l.startsWith('.') && !l.startsWith('//') && !l.endsWith(':'));
  const pc = 0x400000n;
  const ctx: InstructionContext = {
    pc,
    sizing: false,
    resolver: { symbol: () => pc, localLabel: () => pc, dot: () => pc },
    literal: () => pc,
  };
  return {
    lines: statements.length,
    fn: () => {
      let acc = 0;
      for (let i = 0; i < statements.length; i++) {
        const c = new TokenCursor(tokenize(statements[i], { file: 'bench.s', line: i + 1 }), 'bench.s', i + 1);
        acc ^= encodeInstruction(c.next(), c, ctx);
      }
      sink.value ^= acc;
    },
  };
}

export const asmSuite: BenchSuite = {
  name: 'asm',
  description: 'assembler throughput (lines/s) on a generated source of mixed instructions, labels and data',
  cases() {
    const source = generateSource(SOURCE_LINES);
    const lines = source.split('\n').length - 1;
    const perLine = encodeLines(source);
    return [
      { name: 'assemble', fn: assembleSource(source), figures: rate('lines', lines) },
      { name: 'encoder only (instruction lines)', fn: perLine.fn, figures: rate('lines', perLine.lines) },
    ];
  },
};
