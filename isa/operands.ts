// Operand kinds: the vocabulary of the encoding table. Each kind knows how one assembly operand
// maps to encoding fields in both directions: print (disassembler, LLVM 14's text) and parse
// (assembler, GNU as syntax). Encodings themselves are listed only in encodings.ts.

import { AsmError, type Token, TokenCursor } from './asm/lexer.js';
import { evalExpr, parseExpr, type Expr, type SymbolResolver } from './asm/expr.js';
import { encodeLogicalImmediate, hex, logicalImmediate, signExtend, u64 } from './bits.js';
import { SYSREG_READ, SYSREG_WRITE, SYS_ALIASES } from './sysnames.js';

/** Decoded field values of one instruction, by the table's field names. */
export type Fields = Record<string, number>;

export interface PrintCtx {
  /** Address of the instruction (for PC-relative operands). */
  address: bigint;
  /** Returns ` <sym+0x10>` style text for a target address, or '' (llvm-objdump style). */
  symbolize?: (target: bigint) => string;
  /** A trailing `// ...` comment an operand asks for (LLVM prints e.g. `// =65536`). */
  comment?: string;
}

export interface ParseCtx {
  /** Address of the instruction being assembled. */
  pc: bigint;
  resolver: SymbolResolver;
  /** `ldr Rt, =expr`: the address of the literal-pool slot holding `expr` (`size` bytes). */
  literal(value: Expr, size: 4 | 8, loc: Token): bigint;
  /** Pass 1 only sizes the program: values may be unknown, so parse but do not evaluate. */
  sizing?: boolean;
  /**
   * Reports a value that parsed but does not fit (range, alignment, unencodable, undefined
   * symbol). Parsing goes on, so the assembler can tell a wrong value from a wrong form.
   */
  valueError(e: AsmError): void;
}

export interface Operand {
  print(f: Fields, p: PrintCtx): string;
  parse(c: TokenCursor, f: Fields, a: ParseCtx): void;
  /** May be left out at the end of the operand list (its comma with it). */
  optional?: boolean;
  /** Fields an omitted optional operand implies. */
  defaults?: Fields;
  /** Computes the fields an omitted optional operand implies from the others. */
  fill?(f: Fields): void;
  /** Printing: leave this operand (and its comma) out. */
  omit?(f: Fields): boolean;
}

// ---------------------------------------------------------------------------------------------
// Registers

export type Width = 'w' | 'x';
export type WidthOf = Width | ((f: Fields) => Width);
const widthOf = (w: WidthOf, f: Fields): Width => (typeof w === 'function' ? w(f) : w);
/** Default width: the sf field (1 = X, 0 = W), as most data-processing encodings say. */
export const bySf: WidthOf = (f) => (f.sf ? 'x' : 'w');

export function regName(n: number, width: Width, r31: 'sp' | 'zr'): string {
  if (n === 31) return r31 === 'sp' ? (width === 'x' ? 'sp' : 'wsp') : width === 'x' ? 'xzr' : 'wzr';
  return width + n;
}

interface ParsedReg {
  n: number;
  width: Width;
  kind: 'gpr' | 'sp' | 'zr';
}

/** Reads a general-purpose register name (x0..x30, w0..w30, sp/wsp, xzr/wzr, fp, lr). */
export function parseRegName(text: string): ParsedReg | undefined {
  const t = text.toLowerCase();
  if (t === 'sp') return { n: 31, width: 'x', kind: 'sp' };
  if (t === 'wsp') return { n: 31, width: 'w', kind: 'sp' };
  if (t === 'xzr') return { n: 31, width: 'x', kind: 'zr' };
  if (t === 'wzr') return { n: 31, width: 'w', kind: 'zr' };
  if (t === 'fp') return { n: 29, width: 'x', kind: 'gpr' };
  if (t === 'lr') return { n: 30, width: 'x', kind: 'gpr' };
  const m = /^([wx])([0-9]|[12][0-9]|30)$/.exec(t);
  if (m) return { n: Number(m[2]), width: m[1] as Width, kind: 'gpr' };
  return undefined;
}

function describeReg(width: Width, r31: 'sp' | 'zr'): string {
  return `${width === 'x' ? '64' : '32'}-bit general-purpose register${r31 === 'sp' ? ' or sp' : ''}`;
}

export function readReg(c: TokenCursor, width: Width, r31: 'sp' | 'zr'): number {
  const t = c.peek();
  const r = t.kind === 'ident' ? parseRegName(t.text) : undefined;
  if (!r) throw c.error(`expected ${describeReg(width, r31)}`, t);
  if (r.width !== width || (r.kind !== 'gpr' && r.kind !== r31)) throw c.error(`invalid register '${t.text}': expected ${describeReg(width, r31)}`, t);
  c.next();
  return r.n;
}

/** A general-purpose register in `field`; register 31 is SP or ZR as the encoding says. */
export function R(field: string, width: WidthOf = bySf, r31: 'sp' | 'zr' = 'zr'): Operand {
  return {
    print: (f) => regName(f[field], widthOf(width, f), r31),
    parse: (c, f) => {
      f[field] = readReg(c, widthOf(width, f), r31);
    },
  };
}
export const Rsp = (field: string, width: WidthOf = bySf): Operand => R(field, width, 'sp');
export const X = (field: string): Operand => R(field, 'x');
export const W = (field: string): Operand => R(field, 'w');
export const Xsp = (field: string): Operand => R(field, 'x', 'sp');

/** Register whose width the assembler learns from the operand itself (sets the width field). */
export function RAnyWidth(field: string, widthField: string, r31: 'sp' | 'zr' = 'zr'): Operand {
  return {
    print: (f) => regName(f[field], f[widthField] ? 'x' : 'w', r31),
    parse: (c, f) => {
      const t = c.peek();
      const r = t.kind === 'ident' ? parseRegName(t.text) : undefined;
      if (!r || (r.kind !== 'gpr' && r.kind !== r31)) throw c.error(`expected general-purpose register`, t);
      c.next();
      f[field] = r.n;
      f[widthField] = r.width === 'x' ? 1 : 0;
    },
  };
}

/** A second register that must be the same number as an earlier one (e.g. CASP pairs). */
export function RNext(field: string, width: WidthOf, offset = 1): Operand {
  return {
    print: (f) => regName((f[field] + offset) & 31, widthOf(width, f), 'zr'),
    parse: (c, f) => {
      const t = c.peek();
      const n = readReg(c, widthOf(width, f), 'zr');
      if (n !== ((f[field] + offset) & 31)) throw c.error(`register must be ${regName((f[field] + offset) & 31, widthOf(width, f), 'zr')}`, t);
    },
  };
}

/** A register operand that must name the same register as another field (aliases like ROR). */
export function RSame(field: string, other: string, width: WidthOf = bySf): Operand {
  return {
    print: (f) => regName(f[field], widthOf(width, f), 'zr'),
    parse: (c, f) => {
      f[field] = f[other] = readReg(c, widthOf(width, f), 'zr');
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Immediates

export interface ImmOpts {
  /** Printed form: decimal (LLVM printImm) or hex (printImmHex). */
  hex?: boolean;
  signed?: boolean;
  /** The assembled value is the field times `scale`. */
  scale?: number;
  /** Add to the field when printing (e.g. widths stored minus one). */
  min?: number;
  max?: number;
}

/** Parses `#expr` (the `#` is optional, as GNU accepts) and returns its value. */
export function readImm(c: TokenCursor, a: ParseCtx): { value: bigint; tok: Token; ok: boolean } {
  const tok = c.peek();
  c.eat('#');
  const first = c.peek();
  if (first.kind === 'eol' || (first.kind === 'ident' && parseRegName(first.text)) || (first.kind === 'punct' && !'(-~+!'.includes(first.text))) {
    throw c.error('expected immediate', first);
  }
  const e = parseExpr(c);
  return { ...evaluate(e, a), tok };
}

/** Evaluates an operand expression; an undefined symbol is a value error, reported once. */
export function evaluate(e: Expr, a: ParseCtx): { value: bigint; ok: boolean } {
  if (a.sizing) return { value: 0n, ok: false };
  try {
    return { value: evalExpr(e, a.resolver), ok: true };
  } catch (err) {
    if (err instanceof AsmError) {
      a.valueError(err);
      return { value: 0n, ok: false };
    }
    throw err;
  }
}

export function rangeError(c: TokenCursor, tok: Token, lo: bigint | number, hi: bigint | number, step = 1): AsmError {
  return c.error(`immediate must be ${step > 1 ? `a multiple of ${step} ` : 'an integer '}in range [${lo}, ${hi}]`, tok);
}

/** An immediate held in `field` (width `bits`). */
export function Imm(field: string, bits: number, o: ImmOpts = {}): Operand {
  const scale = o.scale ?? 1;
  const lo = o.signed ? -(2 ** (bits - 1)) * scale : 0;
  const hi = (o.signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1) * scale;
  const value = (f: Fields): number => (o.signed ? signExtend(f[field], bits) : f[field]) * scale;
  return {
    print: (f) => '#' + (o.hex ? hex(value(f)) : String(value(f))),
    parse: (c, f, a) => {
      const { value: v, tok } = readImm(c, a);
      if (a.sizing) return;
      const n = Number(v);
      if (v < BigInt(lo) || v > BigInt(hi) || n % scale !== 0) return a.valueError(rangeError(c, tok, lo, hi, scale));
      f[field] = (n / scale) & (2 ** bits - 1);
    },
  };
}

/** Immediate printed in hex, with LLVM's printImmHex (zero prints as #0). */
export function ImmHex(field: string, bits: number): Operand {
  const base = Imm(field, bits);
  return { ...base, print: (f) => (f[field] === 0 ? '#0' : '#' + hex(f[field])) };
}

/** ADD/SUB immediate: imm12 with optional `lsl #12` (sh field). */
export function AddSubImm(): Operand {
  return {
    print: (f, p) => {
      if (!f.sh) return `#${f.imm12}`;
      p.comment = `=${f.imm12 << 12}`;
      return `#${f.imm12}, lsl #12`;
    },
    parse: (c, f, a) => {
      if (c.isPunct(':') || (c.isPunct('#') && c.isPunct(':', 1))) {
        // `add x0, x0, :lo12:sym` -- the low 12 bits of an address (the ADRP+ADD idiom).
        c.eat('#');
        readModifier(c, ['lo12']);
        const { value, ok } = evaluate(parseExpr(c), a);
        f.imm12 = ok ? Number(value & 0xfffn) : 0;
        f.sh = 0;
        return;
      }
      const { value: v, tok } = readImm(c, a);
      if (c.isPunct(',') && c.peek(1).kind === 'ident' && c.peek(1).text.toLowerCase() === 'lsl') {
        c.next();
        c.next();
        const { value: s, tok: stok } = readImm(c, a);
        if (a.sizing) return;
        if (s !== 0n && s !== 12n) return a.valueError(c.error('shift amount must be 0 or 12', stok));
        if (v < 0n || v > 4095n) return a.valueError(rangeError(c, tok, 0, 4095));
        f.imm12 = Number(v);
        f.sh = s === 12n ? 1 : 0;
        return;
      }
      if (a.sizing) return;
      // GNU as and llvm-mc pick `lsl #12` themselves for a value that needs it.
      if (v >= 0n && v <= 4095n) {
        f.imm12 = Number(v);
        f.sh = 0;
      } else if (v > 0n && v <= 0xfff000n && (v & 0xfffn) === 0n) {
        f.imm12 = Number(v >> 12n);
        f.sh = 1;
      } else return a.valueError(c.error('immediate must be an integer in range [0, 4095], optionally shifted by 12', tok));
    },
  };
}

/** Logical immediate (N:immr:imms), printed in hex as the value it stands for. */
export function LogImm(decimal = false): Operand {
  return {
    // As a `mov` alias LLVM prints the value in signed decimal instead.
    print: (f) => {
      const v = logicalImmediate(f.N, f.immr, f.imms, f.sf ? 64 : 32)!;
      return '#' + (decimal ? String(BigInt.asIntN(f.sf ? 64 : 32, v)) : hex(v));
    },
    parse: (c, f, a) => {
      const { value: v, tok } = readImm(c, a);
      if (a.sizing) return;
      const size = f.sf ? 64 : 32;
      let val = v;
      // A 32-bit form takes the low 32 bits; GNU also accepts a sign-extended negative value.
      if (size === 32) {
        if (v < -(1n << 31n) || v > 0xffffffffn) return a.valueError(c.error('immediate out of range for a 32-bit logical operation', tok));
        val = v & 0xffffffffn;
      }
      const enc = encodeLogicalImmediate(u64(val), size);
      if (!enc) return a.valueError(c.error(`immediate ${hex(u64(val))} cannot be encoded as a bitmask immediate`, tok));
      f.N = enc.N;
      f.immr = enc.immr;
      f.imms = enc.imms;
    },
  };
}

/** MOVZ/MOVN/MOVK: `#imm16{, lsl #(16*hw)}`. */
export function MovWideImm(): Operand {
  return {
    print: (f) => (f.hw ? `#${f.imm16}, lsl #${f.hw * 16}` : `#${f.imm16}`),
    parse: (c, f, a) => {
      const { value: v, tok } = readImm(c, a);
      let shift = 0n;
      let stok = tok;
      if (c.isPunct(',')) {
        c.next();
        if (!c.eatIdent('lsl')) throw c.error("expected 'lsl'");
        ({ value: shift, tok: stok } = readImm(c, a));
      }
      if (a.sizing) return;
      const maxShift = f.sf ? 48n : 16n;
      if (shift < 0n || shift > maxShift || shift % 16n !== 0n) return a.valueError(c.error(`shift amount must be one of 0, 16${f.sf ? ', 32, 48' : ''}`, stok));
      if (v < 0n || v > 0xffffn) return a.valueError(rangeError(c, tok, 0, 65535));
      f.imm16 = Number(v);
      f.hw = Number(shift / 16n);
    },
  };
}

/** Bitfield immediates given as a raw field value (immr, imms of SBFM/BFM/UBFM). */
export function BfImm(field: string): Operand {
  return {
    print: (f) => `#${f[field]}`,
    parse: (c, f, a) => {
      const { value: v, tok } = readImm(c, a);
      if (a.sizing) return;
      const max = f.sf ? 63 : 31;
      if (v < 0n || v > BigInt(max)) return a.valueError(rangeError(c, tok, 0, max));
      f[field] = Number(v);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// PC-relative targets

function targetText(p: PrintCtx, target: bigint): string {
  const t = u64(target);
  return hex(t) + (p.symbolize ? p.symbolize(t) : '');
}

/** Reads a PC-relative target: an expression giving an address (or `#imm` for a raw offset). */
function readTarget(c: TokenCursor, a: ParseCtx): { offset: bigint; tok: Token } {
  const tok = c.peek();
  if (c.isPunct('#')) {
    // `#imm` is an offset from the instruction, as llvm-mc and GNU as read it.
    const { value } = readImm(c, a);
    return { offset: value, tok };
  }
  if (c.atEnd()) throw c.error('expected label or address', tok);
  const e = parseExpr(c);
  if (a.sizing) return { offset: 0n, tok };
  const value = evalExpr(e, a.resolver);
  return { offset: a.resolver.isConstant?.(e) ? value : BigInt.asIntN(64, value - a.pc), tok };
}

/** A branch or literal target: `field` holds a signed word offset of `bits` bits. */
export function Target(field: string, bits: number): Operand {
  const range = 2n ** BigInt(bits - 1) * 4n;
  return {
    print: (f, p) => targetText(p, p.address + BigInt(signExtend(f[field], bits) * 4)),
    parse: (c, f, a) => {
      const { offset, tok } = readTarget(c, a);
      if (a.sizing) return;
      if ((offset & 3n) !== 0n) return a.valueError(c.error('target is not 4-byte aligned', tok));
      if (offset < -range || offset >= range) return a.valueError(c.error(`target out of range (±${range / 1024n} KiB)`, tok));
      f[field] = Number(offset >> 2n) & ((1 << bits) - 1);
    },
  };
}

/** ADR: a byte offset split into immhi:immlo. LLVM prints the raw offset. */
export function AdrTarget(): Operand {
  return {
    print: (f) => '#' + String(signExtend((f.immhi << 2) | f.immlo, 21)),
    parse: (c, f, a) => {
      const { offset, tok } = readTarget(c, a);
      if (a.sizing) return;
      if (offset < -(1n << 20n) || offset >= 1n << 20n) return a.valueError(c.error('target out of range (±1 MiB)', tok));
      const v = Number(offset) & 0x1fffff;
      f.immlo = v & 3;
      f.immhi = v >>> 2;
    },
  };
}

/** ADRP: a page offset; LLVM prints the target page address. */
export function AdrpTarget(): Operand {
  return {
    print: (f, p) => targetText(p, (p.address & ~0xfffn) + (BigInt(signExtend((f.immhi << 2) | f.immlo, 21)) << 12n)),
    parse: (c, f, a) => {
      const tok = c.peek();
      if (c.atEnd()) throw c.error('expected label or address', tok);
      // `adrp x0, :pg_hi21:sym` is the same as `adrp x0, sym`.
      if (c.isPunct(':')) readModifier(c, ['pg_hi21']);
      const hash = c.eat('#');
      const e = parseExpr(c);
      const { value, ok } = evaluate(e, a);
      if (!ok) return;
      // A constant (`#4096`, as llvm-mc and GNU as read it) is a byte offset in whole pages;
      // a label or address gives the page of the target.
      let pageDelta: bigint;
      if (hash || a.resolver.isConstant?.(e)) {
        if ((value & 0xfffn) !== 0n) return a.valueError(c.error('ADRP offset must be a multiple of 4096', tok));
        pageDelta = value >> 12n;
      } else pageDelta = (value >> 12n) - (a.pc >> 12n);
      if (pageDelta < -(1n << 20n) || pageDelta >= 1n << 20n) return a.valueError(c.error('target out of range (±4 GiB)', tok));
      const v = Number(BigInt.asIntN(21, pageDelta)) & 0x1fffff;
      f.immlo = v & 3;
      f.immhi = v >>> 2;
    },
  };
}

/** Reads `:name:` and returns the name, which must be one of `allowed`. */
export function readModifier(c: TokenCursor, allowed: string[]): string {
  const start = c.peek();
  c.expect(':');
  const t = c.next();
  if (t.kind !== 'ident' || !allowed.includes(t.text.toLowerCase())) throw c.error(`unsupported relocation modifier${t.kind === 'ident' ? ` ':${t.text}:'` : ''} here`, start);
  c.expect(':');
  return t.text.toLowerCase();
}

// ---------------------------------------------------------------------------------------------
// Shifts, extends, conditions

export const SHIFT_NAMES = ['lsl', 'lsr', 'asr', 'ror'];

/** `{, <shift> #amount}` of shifted-register forms; `allowRor` for logical ops. */
export function Shift(allowRor: boolean): Operand {
  return {
    optional: true,
    defaults: { shift: 0, imm6: 0 },
    omit: (f) => f.shift === 0 && f.imm6 === 0,
    print: (f) => `${SHIFT_NAMES[f.shift]} #${f.imm6}`,
    parse: (c, f, a) => {
      const t = c.peek();
      const k = t.kind === 'ident' ? SHIFT_NAMES.indexOf(t.text.toLowerCase()) : -1;
      if (k < 0 || (k === 3 && !allowRor)) throw c.error(`expected shift (${allowRor ? 'lsl, lsr, asr or ror' : 'lsl, lsr or asr'})`, t);
      c.next();
      const { value: v, tok } = readImm(c, a);
      if (a.sizing) return;
      const max = f.sf ? 63 : 31;
      if (v < 0n || v > BigInt(max)) return a.valueError(rangeError(c, tok, 0, max));
      f.shift = k;
      f.imm6 = Number(v);
    },
  };
}

export const EXTEND_NAMES = ['uxtb', 'uxth', 'uxtw', 'uxtx', 'sxtb', 'sxth', 'sxtw', 'sxtx'];

/** Rm of an extended-register ADD/SUB: W for byte/half/word extends, X for UXTX/SXTX. */
export function ExtReg(): Operand {
  const w = (f: Fields): Width => (f.sf && (f.option & 3) === 3 ? 'x' : 'w');
  return {
    print: (f) => regName(f.rm, w(f), 'zr'),
    parse: (c, f) => {
      const t = c.peek();
      const r = t.kind === 'ident' ? parseRegName(t.text) : undefined;
      if (!r || r.kind === 'sp') throw c.error('expected general-purpose register', t);
      if (!f.sf && r.width === 'x') throw c.error(`invalid register '${t.text}': expected 32-bit general-purpose register`, t);
      c.next();
      f.rm = r.n;
      f.rmWidth = r.width === 'x' ? 1 : 0;
    },
  };
}

/**
 * `{, <extend> {#amount}}` of extended-register ADD/SUB. With SP as Rd or Rn, UXTX (UXTW for
 * 32-bit) prints as LSL or nothing, as LLVM prints it. `rdIsSp`: register 31 in Rd means SP
 * (ADD/SUB), not ZR (ADDS/SUBS).
 */
export function Extend(rdIsSp: boolean): Operand {
  const spForm = (f: Fields): boolean => (rdIsSp && f.rd === 31) || f.rn === 31;
  const lslForm = (f: Fields): boolean => spForm(f) && f.option === (f.sf ? 3 : 2);
  return {
    optional: true,
    omit: (f) => lslForm(f) && f.imm3 === 0,
    print: (f) => (lslForm(f) ? `lsl #${f.imm3}` : EXTEND_NAMES[f.option] + (f.imm3 ? ` #${f.imm3}` : '')),
    parse: (c, f, a) => {
      const t = c.peek();
      const name = t.kind === 'ident' ? t.text.toLowerCase() : '';
      let option = EXTEND_NAMES.indexOf(name);
      if (name === 'lsl') {
        if (!spForm(f)) throw c.error("'lsl' is only allowed here when Rd or Rn is sp", t);
        option = f.sf ? 3 : 2;
      }
      if (option < 0) throw c.error('expected extend (uxtb, uxth, uxtw, uxtx, sxtb, sxth, sxtw, sxtx or lsl)', t);
      c.next();
      let amount = 0n;
      let atok = t;
      if (!c.atEnd() && !c.isPunct(']')) ({ value: amount, tok: atok } = readImm(c, a));
      if (a.sizing) {
        f.option = option;
        return;
      }
      if (amount < 0n || amount > 4n) return a.valueError(rangeError(c, atok, 0, 4));
      f.option = option;
      f.imm3 = Number(amount);
      checkExtRegWidth(c, f, t, a);
    },
    // Without an extend: UXTX for an X register, UXTW for a W register (LSL when SP is involved).
    fill: (f) => {
      f.imm3 = 0;
      f.option = f.sf && f.rmWidth ? 3 : 2;
    },
  };
}

function checkExtRegWidth(c: TokenCursor, f: Fields, t: Token, a: ParseCtx): void {
  if (!f.sf) return;
  const wantX = (f.option & 3) === 3;
  if ((f.rmWidth === 1) !== wantX) a.valueError(c.error(`extend '${EXTEND_NAMES[f.option]}' needs a ${wantX ? '64' : '32'}-bit register`, t));
}

export const COND_NAMES = ['eq', 'ne', 'hs', 'lo', 'mi', 'pl', 'vs', 'vc', 'hi', 'ls', 'ge', 'lt', 'gt', 'le', 'al', 'nv'];
const COND_ALIASES: Record<string, number> = { cs: 2, cc: 3 };

export function parseCond(c: TokenCursor): number {
  const t = c.peek();
  const name = t.kind === 'ident' ? t.text.toLowerCase() : '';
  const k = COND_NAMES.indexOf(name);
  const v = k >= 0 ? k : COND_ALIASES[name];
  if (v === undefined) throw c.error('expected condition code (eq, ne, hs, lo, mi, pl, vs, vc, hi, ls, ge, lt, gt, le, al, nv)', t);
  c.next();
  return v;
}

/** A condition code in `field`; `inverted` for CSET/CINC-style aliases that print !cond. */
export function Cond(field = 'cond', inverted = false): Operand {
  return {
    print: (f) => COND_NAMES[inverted ? f[field] ^ 1 : f[field]],
    parse: (c, f, a) => {
      const t = c.peek();
      const v = parseCond(c);
      if (inverted && (v & 0xe) === 0xe) return a.valueError(c.error(`condition '${COND_NAMES[v]}' is not allowed here`, t));
      f[field] = inverted ? v ^ 1 : v;
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Memory operands

function readBase(c: TokenCursor): number {
  c.expect('[');
  return readReg(c, 'x', 'sp');
}

/** `[Xn|SP{, #imm}]` with an unsigned scaled or signed unscaled offset (no writeback). */
export function MemOff(field: string, bits: number, o: { signed: boolean; scale: number }): Operand {
  const lo = o.signed ? -(2 ** (bits - 1)) * o.scale : 0;
  const hi = (o.signed ? 2 ** (bits - 1) - 1 : 2 ** bits - 1) * o.scale;
  return {
    print: (f) => {
      const off = (o.signed ? signExtend(f[field], bits) : f[field]) * o.scale;
      return off === 0 ? `[${regName(f.rn, 'x', 'sp')}]` : `[${regName(f.rn, 'x', 'sp')}, #${off}]`;
    },
    parse: (c, f, a) => {
      f.rn = readBase(c);
      f[field] = 0;
      if (!c.eat(',')) {
        c.expect(']');
        return;
      }
      const tok = c.peek();
      let v: bigint;
      let ok: boolean;
      if (c.isPunct(':') || (c.isPunct('#') && c.isPunct(':', 1))) {
        // `:lo12:sym` -- the low 12 bits of an address, scaled by the access size.
        c.eat('#');
        readModifier(c, ['lo12']);
        ({ value: v, ok } = evaluate(parseExpr(c), a));
        v &= 0xfffn;
        if (ok && v % BigInt(o.scale) !== 0n) a.valueError(c.error(`:lo12: offset 0x${v.toString(16)} is not a multiple of ${o.scale}`, tok));
      } else ({ value: v, ok } = readImm(c, a));
      c.expect(']');
      if (!ok) return;
      if (v < BigInt(lo) || v > BigInt(hi) || v % BigInt(o.scale) !== 0n) return a.valueError(rangeError(c, tok, lo, hi, o.scale));
      f[field] = Number(v / BigInt(o.scale)) & (2 ** bits - 1);
    },
  };
}

/** `[Xn|SP, #imm]!` pre-index with a signed offset. */
export function MemPre(field: string, bits: number, scale: number): Operand {
  const lo = -(2 ** (bits - 1)) * scale;
  const hi = (2 ** (bits - 1) - 1) * scale;
  return {
    print: (f) => `[${regName(f.rn, 'x', 'sp')}, #${signExtend(f[field], bits) * scale}]!`,
    parse: (c, f, a) => {
      f.rn = readBase(c);
      c.expect(',');
      const { value: v, tok, ok } = readImm(c, a);
      c.expect(']');
      c.expect('!');
      if (!ok) return;
      if (v < BigInt(lo) || v > BigInt(hi) || v % BigInt(scale) !== 0n) return a.valueError(rangeError(c, tok, lo, hi, scale));
      f[field] = Number(v / BigInt(scale)) & (2 ** bits - 1);
    },
  };
}

/** `[Xn|SP], #imm` post-index with a signed offset. */
export function MemPost(field: string, bits: number, scale: number): Operand {
  const lo = -(2 ** (bits - 1)) * scale;
  const hi = (2 ** (bits - 1) - 1) * scale;
  return {
    print: (f) => `[${regName(f.rn, 'x', 'sp')}], #${signExtend(f[field], bits) * scale}`,
    parse: (c, f, a) => {
      f.rn = readBase(c);
      c.expect(']');
      c.expect(',');
      const { value: v, tok, ok } = readImm(c, a);
      if (!ok) return;
      if (v < BigInt(lo) || v > BigInt(hi) || v % BigInt(scale) !== 0n) return a.valueError(rangeError(c, tok, lo, hi, scale));
      f[field] = Number(v / BigInt(scale)) & (2 ** bits - 1);
    },
  };
}

/** `[Xn|SP]` with no offset at all (exclusives, atomics, LDGM...). `[Xn, #0]` is accepted. */
export function MemBase(): Operand {
  return {
    print: (f) => `[${regName(f.rn, 'x', 'sp')}]`,
    parse: (c, f, a) => {
      f.rn = readBase(c);
      if (c.eat(',')) {
        const { value, tok, ok } = readImm(c, a);
        if (ok && value !== 0n) a.valueError(c.error('offset must be #0 (or omitted)', tok));
      }
      c.expect(']');
    },
  };
}

/**
 * `[Xn|SP, (Wm|Xm){, extend {#amount}}]` register offset; `log2size` is the access size.
 * LLVM prints the amount when S = 1 (`#0` for byte accesses) and the bare extend otherwise.
 */
export function MemReg(log2size: number): Operand {
  return {
    print: (f) => {
      const rm = regName(f.rm, f.option & 1 ? 'x' : 'w', 'zr');
      const base = regName(f.rn, 'x', 'sp');
      if (f.option === 3 && !f.S) return `[${base}, ${rm}]`;
      const ext = f.option === 3 ? 'lsl' : EXTEND_NAMES[f.option];
      return `[${base}, ${rm}, ${ext}${f.S ? ` #${log2size}` : ''}]`;
    },
    parse: (c, f, a) => {
      f.rn = readBase(c);
      c.expect(',');
      const t = c.peek();
      const r = t.kind === 'ident' ? parseRegName(t.text) : undefined;
      if (!r || r.kind === 'sp') throw c.error('expected index register (wN or xN)', t);
      c.next();
      f.rm = r.n;
      f.option = r.width === 'x' ? 3 : 2;
      f.S = 0;
      if (c.eat(',')) {
        const et = c.peek();
        const name = et.kind === 'ident' ? et.text.toLowerCase() : '';
        const allowed = r.width === 'x' ? ['lsl', 'sxtx'] : ['uxtw', 'sxtw'];
        if (!allowed.includes(name)) throw c.error(`expected ${allowed.join(' or ')} for a ${r.width === 'x' ? '64' : '32'}-bit index register`, et);
        c.next();
        f.option = name === 'lsl' ? 3 : EXTEND_NAMES.indexOf(name);
        if (!c.isPunct(']')) {
          const { value, tok, ok } = readImm(c, a);
          if (ok && value !== 0n && value !== BigInt(log2size)) a.valueError(c.error(`shift amount must be 0 or ${log2size}`, tok));
          // An explicit amount equal to the access size sets S; for byte accesses that is `#0`.
          f.S = ok && value === BigInt(log2size) ? 1 : 0;
        } else if (name === 'lsl') throw c.error("expected shift amount after 'lsl'", c.peek());
      }
      c.expect(']');
    },
  };
}

/** `label` (PC-relative literal) or `=expr` (a literal-pool entry of `size` bytes). */
export function Literal(size: 4 | 8 | 0): Operand {
  const target = Target('imm19', 19);
  return {
    print: target.print,
    parse: (c, f, a) => {
      const tok = c.peek();
      if (c.eat('=')) {
        if (size === 0) throw c.error("'=' literals are not allowed here", tok);
        // The assembler places the pool entry and fills imm19 once it knows the slot.
        a.literal(parseExpr(c), size, tok);
        f.imm19 = 0;
        return;
      }
      target.parse(c, f, a);
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Names: system registers, SYS operations, barriers, prefetch, PSTATE fields, hints

export const sysregKey = (f: Fields): number => (f.o0 + 2) * 16384 + (f.op1 << 11) | (f.CRn << 7) | (f.CRm << 3) | f.op2;

export function sysregGeneric(op0: number, op1: number, crn: number, crm: number, op2: number): string {
  return `S${op0}_${op1}_C${crn}_C${crm}_${op2}`;
}

/** Looks up a system register by name (either direction) or by the S<op0>_<op1>_C<n>_C<m>_<op2> form. */
export function parseSysreg(text: string, read: boolean): number | undefined {
  const m = /^s([23])_([0-7])_c([0-9]|1[0-5])_c([0-9]|1[0-5])_([0-7])$/i.exec(text);
  if (m) return (Number(m[1]) << 14) | (Number(m[2]) << 11) | (Number(m[3]) << 7) | (Number(m[4]) << 3) | Number(m[5]);
  const table = read ? SYSREG_BY_NAME_READ : SYSREG_BY_NAME_WRITE;
  return table.get(text.toUpperCase());
}

const invert = <V>(m: Map<number, V>, key: (v: V) => string): Map<string, number> => {
  const out = new Map<string, number>();
  for (const [k, v] of m) if (!out.has(key(v))) out.set(key(v), k);
  return out;
};
const SYSREG_BY_NAME_READ = invert(SYSREG_READ, (v) => v.toUpperCase());
const SYSREG_BY_NAME_WRITE = invert(SYSREG_WRITE, (v) => v.toUpperCase());
export const SYS_ALIAS_BY_NAME = invert(SYS_ALIASES, (v) => v[0]);

/** MRS/MSR system register operand (fields o0, op1, CRn, CRm, op2). */
export function Sysreg(read: boolean): Operand {
  return {
    print: (f) => {
      const key = ((f.o0 + 2) << 14) | (f.op1 << 11) | (f.CRn << 7) | (f.CRm << 3) | f.op2;
      return (read ? SYSREG_READ : SYSREG_WRITE).get(key) ?? sysregGeneric(f.o0 + 2, f.op1, f.CRn, f.CRm, f.op2);
    },
    parse: (c, f) => {
      const t = c.peek();
      const key = t.kind === 'ident' ? parseSysreg(t.text, read) : undefined;
      if (key === undefined) throw c.error(`expected system register${t.kind === 'ident' ? `, not '${t.text}'` : ''}`, t);
      c.next();
      f.o0 = (key >> 14) - 2;
      f.op1 = (key >> 11) & 7;
      f.CRn = (key >> 7) & 15;
      f.CRm = (key >> 3) & 15;
      f.op2 = key & 7;
    },
  };
}

/** `Cn` of SYS/SYSL. */
export function CReg(field: string): Operand {
  return {
    print: (f) => `c${f[field]}`,
    parse: (c, f) => {
      const t = c.peek();
      const m = t.kind === 'ident' ? /^c([0-9]|1[0-5])$/i.exec(t.text) : null;
      if (!m) throw c.error('expected control register name c0..c15', t);
      c.next();
      f[field] = Number(m[1]);
    },
  };
}

/** A named option from a list indexed by field value; unnamed values print as `#n`. */
export function Named(field: string, names: readonly (string | undefined)[], what: string, maxValue: number): Operand {
  return {
    print: (f) => names[f[field]] ?? `#${f[field]}`,
    parse: (c, f, a) => {
      const t = c.peek();
      if (t.kind === 'ident') {
        const k = names.indexOf(t.text.toLowerCase());
        if (k < 0) throw c.error(`unknown ${what} '${t.text}'`, t);
        c.next();
        f[field] = k;
        return;
      }
      const { value, tok } = readImm(c, a);
      if (a.sizing) return;
      if (value < 0n || value > BigInt(maxValue)) return a.valueError(rangeError(c, tok, 0, maxValue));
      f[field] = Number(value);
    },
  };
}

/** Not an assembly operand at all: an error message for the one-word aliases. */
export function parseFailure(c: TokenCursor, msg: string): never {
  throw c.error(msg);
}
