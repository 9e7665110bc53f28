// Instruction encoder: turns one assembly instruction (mnemonic + operand tokens) into a word,
// using the encoding table's operand kinds. Candidates are the table rows and aliases that
// spell the mnemonic; the first whose operands parse and whose values fit wins, so the choice
// matches GNU as and llvm-mc (e.g. `ldr x0, [x1, #-8]` becomes LDUR).

import { ENCODINGS, type Alias, type Encoding } from '../encodings.js';
import { COND_NAMES, type Fields, type Operand, type ParseCtx } from '../operands.js';
import { AsmError, type Token, TokenCursor } from './lexer.js';
import type { Expr, SymbolResolver } from './expr.js';

export interface InstructionContext {
  /** Address of the instruction. */
  pc: bigint;
  resolver: SymbolResolver;
  /** Pass 1: only check the syntax and size the program; symbols may still be unknown. */
  sizing: boolean;
  /**
   * `ldr Rt, =expr`: called once per pass for the chosen encoding, in program order; returns the
   * address of the literal-pool slot (pass 2; pass 1 may return 0n).
   */
  literal(value: Expr, size: 4 | 8, tok: Token): bigint;
}

interface Candidate {
  row: Encoding;
  mnemonic: string;
  operands: Operand[];
  /** Fields fixed by the alias or by the mnemonic itself (B.cond). */
  preset: Fields;
  /** An alias that only applies to values it would be printed for (e.g. `mov` via ORR). */
  check?: (f: Fields) => boolean;
  rank: number;
}

const BY_MNEMONIC = new Map<string, Candidate[]>();

function add(c: Candidate): void {
  const list = BY_MNEMONIC.get(c.mnemonic) ?? [];
  list.push(c);
  BY_MNEMONIC.set(c.mnemonic, list);
}

// `mov Rd, #imm` is MOVZ if it can be, else MOVN, else ORR (bitmask), as GNU as and LLVM choose.
const MOV_RANK: Record<string, number> = { MOVZ: -3, MOVN: -2 };

ENCODINGS.forEach((row, index) => {
  if (!row.supported) return;
  if (row.mnemonic.includes('<cond>')) {
    // B.cond: `b.eq` ... and the GNU as spellings without the dot (`beq`), plus hs/lo as cs/cc.
    const conds: [string, number][] = COND_NAMES.map((n, i) => [n, i]);
    conds.push(['cs', 2], ['cc', 3]);
    for (const [name, cond] of conds) {
      for (const spelling of [row.mnemonic.replace('<cond>', name), row.mnemonic.replace('.<cond>', name)]) {
        add({ row, mnemonic: spelling, operands: row.operands, preset: { cond }, rank: index });
      }
    }
    return;
  }
  add({ row, mnemonic: row.mnemonic, operands: row.operands, preset: {}, rank: index });
  row.aliases.forEach((a: Alias) => {
    const rank = a.fallback ? 1e6 + index : (a.mnemonic === 'mov' ? MOV_RANK[row.name] ?? index : index);
    // Aliases that share a mnemonic with a more general form only apply where they would print.
    const check = a.mnemonic === 'mov' && (row.name === 'ADD_i' || row.name === 'ORR_i') ? a.when : undefined;
    add({ row, mnemonic: a.mnemonic, operands: a.operands, preset: { ...a.set }, check, rank });
  });
});
for (const list of BY_MNEMONIC.values()) list.sort((a, b) => a.rank - b.rank);

export function isInstructionMnemonic(name: string): boolean {
  return BY_MNEMONIC.has(name.toLowerCase());
}

/** Every mnemonic the assembler accepts (for the README and tests). */
export function instructionMnemonics(): string[] {
  return [...BY_MNEMONIC.keys()].sort();
}

/** The variants to try for rows with an `sf` field: the operands' register width picks one. */
function variants(row: Encoding, preset: Fields): Fields[] {
  if (preset.sf !== undefined || !row.fields.some((f) => f.name === 'sf')) return [{ ...preset }];
  return [{ ...preset, sf: 1 }, { ...preset, sf: 0 }];
}

interface Attempt {
  fields?: Fields;
  error?: AsmError;
  /** Token position reached before a syntax error (furthest wins the error report). */
  progress: number;
  /** The operands parsed, but a value was out of range or unencodable. */
  valueError?: AsmError;
  literal?: { expr: Expr; size: 4 | 8; tok: Token };
}

function attempt(cand: Candidate, fields: Fields, c: TokenCursor, ctx: InstructionContext): Attempt {
  const start = c.pos;
  let valueError: AsmError | undefined;
  let literal: Attempt['literal'];
  const pc: ParseCtx = {
    pc: ctx.pc,
    sizing: ctx.sizing,
    resolver: ctx.resolver,
    literal: (expr, size, tok) => {
      literal = { expr, size, tok };
      return 0n;
    },
    valueError: (e) => {
      valueError ??= e;
    },
  };
  try {
    const ops = cand.operands;
    for (let i = 0; i < ops.length; i++) {
      const op = ops[i];
      if (c.atEnd() && op.optional) {
        op.fill?.(fields);
        if (op.defaults) Object.assign(fields, op.defaults);
        continue;
      }
      if (i > 0) c.expect(',', op.optional ? "',' or end of operands" : "','");
      op.parse(c, fields, pc);
    }
    if (!c.atEnd()) throw c.error(`unexpected '${c.peek().text}' after the last operand`);
  } catch (e) {
    if (e instanceof AsmError) return { error: e, progress: c.pos - start };
    throw e;
  }
  cand.row.derive?.(fields);
  if (!valueError && !ctx.sizing) {
    if (cand.row.undef?.(fields)) valueError = c.error('invalid operand combination for this instruction', c.tokens[start]);
    else if (cand.check && !cand.check(fields)) return { error: c.error('not this form', c.tokens[start]), progress: -1 };
  }
  return { fields, valueError, progress: c.pos - start, literal };
}

function place(row: Encoding, f: Fields): number {
  let word = row.match | row.sbo;
  for (const spec of row.fields) {
    const v = f[spec.name] ?? 0;
    const m = spec.width === 32 ? 0xffffffff : (1 << spec.width) - 1;
    word |= (v & m) << spec.lsb;
  }
  return word >>> 0;
}

/**
 * Encodes the instruction whose mnemonic token is `mn` and whose operands follow at `c`.
 * Throws AsmError (with the column of the offending token) if no encoding fits.
 */
export function encodeInstruction(mn: Token, c: TokenCursor, ctx: InstructionContext): number {
  const name = mn.text.toLowerCase();
  const cands = BY_MNEMONIC.get(name);
  if (!cands) throw c.error(`unknown instruction '${mn.text}'`, mn);
  const start = c.pos;
  let best: Attempt | undefined;
  let firstValue: Attempt | undefined;
  for (const cand of cands) {
    for (const preset of variants(cand.row, cand.preset)) {
      c.pos = start;
      const a = attempt(cand, { ...preset }, c, ctx);
      if (a.fields && !a.valueError) {
        let fields = a.fields;
        if (a.literal) {
          const slot = ctx.literal(a.literal.expr, a.literal.size, a.literal.tok);
          if (!ctx.sizing) {
            const offset = slot - ctx.pc;
            if (offset < -(1n << 20n) || offset >= 1n << 20n) throw new AsmError('literal pool out of range (±1 MiB): add a .ltorg closer', c.loc(a.literal.tok));
            fields = { ...fields, imm19: Number(offset >> 2n) & 0x7ffff };
          }
        }
        return ctx.sizing ? 0 : place(cand.row, fields);
      }
      if (a.valueError) firstValue ??= a;
      else if (!best || a.progress > best.progress) best = a;
    }
  }
  c.pos = start;
  throw (firstValue?.valueError ?? best?.error ?? c.error(`invalid operands for '${name}'`, mn));
}
