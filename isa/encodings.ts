// The one declarative table of every A64 encoding granule supports. The decoder, the
// disassembler and the assembler are all built from it; nothing about an encoding is written
// anywhere else. Row names follow QEMU's a64.decode style (MNEMONIC_form), field names the
// Arm ARM's. Patterns list bits 31..0: fixed bits, `name:width` fields, `(0)`/`(1)` runs for
// should-be bits the decoder ignores, and `x` for bits no supported encoding cares about.

import {
  AddSubImm, AdrpTarget, AdrTarget, BfImm, bySf, COND_NAMES, Cond, CReg, ExtReg, Extend, type Fields, Imm, ImmHex,
  Literal, LogImm, MemBase, MemOff, MemPost, MemPre, MemReg, MovWideImm, Named, type Operand, R, RNext, RSame,
  Rsp, Shift, Sysreg, Target, W, type Width, X, Xsp, readImm, rangeError, readReg, regName, SYS_ALIAS_BY_NAME,
} from './operands.js';
import { logicalImmediate } from './bits.js';
import { SYS_ALIASES } from './sysnames.js';

/** Semantic family: which function in emulator/exec/ executes the row. */
export type Family =
  | 'adr' | 'addSubImm' | 'addSubTag' | 'logicalImm' | 'moveWide' | 'bitfield' | 'extract'
  | 'addSubShifted' | 'addSubExtended' | 'addSubCarry' | 'logicalShifted' | 'condCompare' | 'condSelect'
  | 'dataProc1' | 'dataProc2' | 'dataProc3' | 'irg' | 'gmi' | 'subp'
  | 'branchImm' | 'branchCond' | 'compareBranch' | 'testBranch' | 'branchReg' | 'eret' | 'exception' | 'udf'
  | 'hint' | 'barrier' | 'clrex' | 'msrImm' | 'flagm' | 'msrReg' | 'mrs' | 'sys' | 'sysl'
  | 'loadStore' | 'loadLiteral' | 'prefetch' | 'loadStorePair' | 'exclusive' | 'exclusivePair' | 'acquireRelease'
  | 'compareSwap' | 'compareSwapPair' | 'atomic' | 'swap'
  | 'ldg' | 'stg' | 'stgp' | 'ldgm' | 'stgm' | 'stzgm';

/** Timing class: how the CPU model charges the instruction (emulator/timing). */
export type TimingClass =
  | 'alu' | 'aluShift' | 'mul' | 'mulLong' | 'div' | 'branch' | 'branchReg' | 'system' | 'barrier'
  | 'load' | 'store' | 'loadPair' | 'storePair' | 'atomic' | 'exclusive' | 'tagOp' | 'tagLoad' | 'tagStore';

export type Feature = 'base' | 'LSE' | 'RCPC' | 'RCPC2' | 'LOR' | 'FlagM' | 'MTE';

export interface FieldSpec {
  name: string;
  lsb: number;
  width: number;
}

export interface Alias {
  mnemonic: string;
  operands: Operand[];
  /** Disassembly prints this alias when true (tried in order; the first one wins). */
  when?: (f: Fields) => boolean;
  /** Fields the alias fixes, for the assembler. */
  set?: Fields;
  /** Assembler-only spelling (never printed), such as `cmpp` or `ldr` for LDUR. */
  asmOnly?: boolean;
  /** Assembler: tried after the other candidates of the same mnemonic. */
  fallback?: boolean;
}

export interface Encoding {
  name: string;
  pattern: string;
  mask: number;
  match: number;
  fields: FieldSpec[];
  family: Family;
  mnemonic: string;
  operands: Operand[];
  feature: Feature;
  cls: TimingClass;
  /** Reserved field values inside the pattern: those words are UNDEFINED. */
  undef?: (f: Fields) => boolean;
  aliases: Alias[];
  /** Static facts the semantics read (access size, signedness, writeback...). */
  attrs: Attrs;
  /** A trailing comment LLVM prints for some operand values. */
  comment?: (f: Fields) => string | undefined;
  /** Fields the assembler derives from the others (e.g. N = sf for bitfield moves). */
  derive?: (f: Fields) => void;
  /** Allocated in the architecture but not implemented: decodes as "unsupported". */
  supported: boolean;
  /** Should-be-one bits (`(1)` in the pattern): the assembler sets them, the decoder ignores them. */
  sbo: number;
  /** Bits that identify the instruction or hold a field; the rest are ignored by the decoder. */
  significant: number;
}

export interface Attrs {
  /** log2 of the access size in bytes. */
  size?: number;
  /** Register width of Rt for loads/stores (32 or 64). */
  regBits?: number;
  signed?: boolean;
  load?: boolean;
  store?: boolean;
  acquire?: boolean;
  release?: boolean;
  /** Addressing: unsigned offset, unscaled, pre/post-index, register offset, unprivileged, none. */
  mode?: 'uimm' | 'unscaled' | 'pre' | 'post' | 'reg' | 'unpriv' | 'base' | 'offset' | 'literal';
  /** Data-processing operation selector within the family. */
  op?: string;
  setFlags?: boolean;
  /** Zeroing form of a tag store (STZG...). */
  zero?: boolean;
  pair?: boolean;
  el1Only?: boolean;
}

// ---------------------------------------------------------------------------------------------
// Pattern compilation

function compile(pattern: string): { mask: number; match: number; fields: FieldSpec[]; sbo: number; significant: number } {
  let pos = 32;
  let mask = 0;
  let match = 0;
  let sbo = 0;
  const fields: FieldSpec[] = [];
  for (const tok of pattern.trim().split(/\s+/)) {
    const f = /^(\w+):(\d+)$/.exec(tok);
    if (f) {
      const width = Number(f[2]);
      pos -= width;
      fields.push({ name: f[1], lsb: pos, width });
      continue;
    }
    const sb = /^\(([01]+)\)$/.exec(tok);
    const bitsText = sb ? sb[1] : tok;
    if (!/^[01x]+$/.test(bitsText)) throw new Error(`bad pattern token '${tok}' in '${pattern}'`);
    for (const ch of bitsText) {
      pos--;
      if (sb) {
        if (ch === '1') sbo |= 1 << pos;
      } else if (ch !== 'x') {
        mask |= 1 << pos;
        if (ch === '1') match |= 1 << pos;
      }
    }
  }
  if (pos !== 0) throw new Error(`pattern '${pattern}' has ${32 - pos} bits`);
  let significant = mask;
  for (const f of fields) significant |= (f.width === 32 ? -1 : ((1 << f.width) - 1) << f.lsb);
  return { mask: mask >>> 0, match: match >>> 0, fields, sbo: sbo >>> 0, significant: significant >>> 0 };
}

interface RowOpts {
  feature?: Feature;
  cls?: TimingClass;
  undef?: (f: Fields) => boolean;
  aliases?: Alias[];
  attrs?: Attrs;
  comment?: (f: Fields) => string | undefined;
  derive?: (f: Fields) => void;
}

export const ENCODINGS: Encoding[] = [];

function E(name: string, pattern: string, family: Family, mnemonic: string, operands: Operand[], o: RowOpts = {}): void {
  const c = compile(pattern);
  ENCODINGS.push({
    name, pattern, ...c, family, mnemonic, operands,
    feature: o.feature ?? 'base', cls: o.cls ?? 'alu', undef: o.undef, aliases: o.aliases ?? [],
    attrs: o.attrs ?? {}, comment: o.comment, derive: o.derive, supported: true,
  });
}

/** An allocated encoding class granule does not implement (it raises UNDEFINED when run). */
function U(name: string, pattern: string): void {
  const c = compile(pattern);
  ENCODINGS.push({
    name, pattern, ...c, family: 'udf', mnemonic: '', operands: [], feature: 'base', cls: 'alu',
    aliases: [], attrs: {}, supported: false,
  });
}

const A = (mnemonic: string, operands: Operand[], when: (f: Fields) => boolean, set: Fields = {}): Alias => ({ mnemonic, operands, when, set });

// Operand helpers only aliases need ---------------------------------------------------------

const size = (f: Fields): number => (f.sf ? 64 : 32);

/** A fixed keyword operand (`c` of `bti c`, PSTATE field names...). */
function Keyword(text: string): Operand {
  return {
    print: () => text,
    parse: (c) => {
      const t = c.peek();
      if (t.kind !== 'ident' || t.text.toLowerCase() !== text.toLowerCase()) throw c.error(`expected '${text}'`, t);
      c.next();
    },
  };
}

/** `#shift` of LSL/LSR/ASR (immediate) aliases of UBFM/SBFM. */
function ShiftImm(kind: 'lsl' | 'lsr' | 'asr'): Operand {
  return {
    print: (f) => `#${kind === 'lsl' ? size(f) - 1 - f.imms : f.immr}`,
    parse: (c, f, a) => {
      const { value, tok } = readImm(c, a);
      if (a.sizing) return;
      const s = size(f);
      if (value < 0n || value >= BigInt(s)) return a.valueError(rangeError(c, tok, 0, s - 1));
      const n = Number(value);
      if (kind === 'lsl') {
        f.immr = (s - n) % s;
        f.imms = s - 1 - n;
      } else {
        f.immr = n;
        f.imms = s - 1;
      }
      f.N = f.sf;
    },
  };
}

/** `#lsb, #width` of BFI/SBFIZ/UBFIZ/BFC (insert) or BFXIL/SBFX/UBFX (extract). */
function LsbWidth(insert: boolean): Operand {
  return {
    print: (f) => (insert ? `#${(size(f) - f.immr) % size(f)}, #${f.imms + 1}` : `#${f.immr}, #${f.imms - f.immr + 1}`),
    parse: (c, f, a) => {
      const { value: lsb, tok: ltok } = readImm(c, a);
      c.expect(',');
      const { value: width, tok: wtok } = readImm(c, a);
      if (a.sizing) return;
      const s = size(f);
      if (lsb < 0n || lsb >= BigInt(s)) return a.valueError(rangeError(c, ltok, 0, s - 1));
      const maxWidth = s - Number(lsb);
      if (width < 1n || width > BigInt(maxWidth)) return a.valueError(rangeError(c, wtok, 1, maxWidth));
      const l = Number(lsb);
      const w = Number(width);
      if (insert) {
        f.immr = (s - l) % s;
        f.imms = w - 1;
      } else {
        f.immr = l;
        f.imms = l + w - 1;
      }
      f.N = f.sf;
    },
  };
}

/** `mov Rd, #imm` through MOVZ or MOVN: the value the instruction produces, in decimal. */
function MovImm(inverted: boolean): Operand {
  return {
    print: (f) => {
      const v = BigInt(f.imm16) << BigInt(f.hw * 16);
      const r = inverted ? ~v : v;
      return '#' + String(f.sf ? BigInt.asIntN(64, r) : BigInt.asIntN(32, r));
    },
    parse: (c, f, a) => {
      const { value, tok } = readImm(c, a);
      if (a.sizing) return;
      const s = size(f);
      const full = (1n << BigInt(s)) - 1n;
      if (value < -(1n << BigInt(s - 1)) || value > full) return a.valueError(c.error(`immediate out of range for a ${s}-bit register`, tok));
      let v = value & full;
      if (inverted) v = ~v & full;
      for (let hw = 0; hw < s / 16; hw++) {
        if ((v & ~(0xffffn << BigInt(hw * 16)) & full) === 0n) {
          f.imm16 = Number((v >> BigInt(hw * 16)) & 0xffffn);
          f.hw = v === 0n ? 0 : hw;
          // MOVN of 0xffff in the low half of a W register would also be reachable via MOVZ.
          if (inverted && !f.sf && f.imm16 === 0xffff) break;
          return;
        }
      }
      return a.valueError(c.error(`immediate cannot be loaded with a single ${inverted ? 'movn' : 'movz'}`, tok));
    },
  };
}

/** True when a 64-/32-bit value is reachable with MOVZ or MOVN (LLVM's "move wide is preferred"). */
function movWideReachable(value: bigint, bits: number): boolean {
  const full = (1n << BigInt(bits)) - 1n;
  for (const v of [value & full, ~value & full]) {
    for (let hw = 0; hw < bits / 16; hw++) if ((v & ~(0xffffn << BigInt(hw * 16)) & full) === 0n) return true;
  }
  return false;
}

/** TBZ/TBNZ register: W for bit numbers below 32 (LLVM prints it so), X otherwise. */
function TestBitReg(): Operand {
  return {
    print: (f) => regName(f.rt, f.b5 ? 'x' : 'w', 'zr'),
    parse: (c, f) => {
      const t = c.peek();
      const isX = t.kind === 'ident' && /^(x\d+|xzr|fp|lr)$/i.test(t.text);
      f.rt = readReg(c, isX ? 'x' : 'w', 'zr');
      f.regX = isX ? 1 : 0;
    },
  };
}
function TestBitNum(): Operand {
  return {
    print: (f) => `#${(f.b5 << 5) | f.b40}`,
    parse: (c, f, a) => {
      const { value, tok } = readImm(c, a);
      if (a.sizing) return;
      const max = f.regX ? 63 : 31;
      if (value < 0n || value > BigInt(max)) return a.valueError(rangeError(c, tok, 0, max));
      f.b5 = Number(value) >> 5;
      f.b40 = Number(value) & 31;
    },
  };
}

/** The SYS operation of a DC/IC/AT/TLBI alias, and its Xt if the operation takes one. */
function SysOp(prefix: string): Operand {
  const key = (f: Fields): number => (f.op1 << 11) | (f.CRn << 7) | (f.CRm << 3) | f.op2;
  return {
    print: (f) => {
      const [name, takesReg] = SYS_ALIASES.get(key(f))!;
      return name.slice(prefix.length + 1) + (takesReg ? `, ${regName(f.rt, 'x', 'zr')}` : '');
    },
    parse: (c, f) => {
      const t = c.peek();
      const k = t.kind === 'ident' ? SYS_ALIAS_BY_NAME.get(`${prefix} ${t.text.toLowerCase()}`) : undefined;
      if (k === undefined) throw c.error(`unknown ${prefix} operation${t.kind === 'ident' ? ` '${t.text}'` : ''}`, t);
      c.next();
      f.op1 = k >> 11;
      f.CRn = (k >> 7) & 15;
      f.CRm = (k >> 3) & 15;
      f.op2 = k & 7;
      if (SYS_ALIASES.get(k)![1]) {
        c.expect(',', 'register operand');
        f.rt = readReg(c, 'x', 'zr');
      } else f.rt = 31;
    },
  };
}
const sysAliasOf = (prefix: string) => (f: Fields): boolean => {
  const e = SYS_ALIASES.get((f.op1 << 11) | (f.CRn << 7) | (f.CRm << 3) | f.op2);
  return e !== undefined && e[0].startsWith(prefix + ' ');
};

/** Optional trailing Xt of SYS (omitted when 31). */
function SysReg31(): Operand {
  return { ...X('rt'), optional: true, defaults: { rt: 31 }, omit: (f) => f.rt === 31 };
}

// ---------------------------------------------------------------------------------------------
// Data processing -- immediate

E('ADR', '0 immlo:2 10000 immhi:19 rd:5', 'adr', 'adr', [X('rd'), AdrTarget()]);
E('ADRP', '1 immlo:2 10000 immhi:19 rd:5', 'adr', 'adrp', [X('rd'), AdrpTarget()]);

E('ADD_i', 'sf:1 0 0 100010 sh:1 imm12:12 rn:5 rd:5', 'addSubImm', 'add', [Rsp('rd'), Rsp('rn'), AddSubImm()], {
  attrs: { op: 'add' },
  aliases: [A('mov', [Rsp('rd'), Rsp('rn')], (f) => f.sh === 0 && f.imm12 === 0 && (f.rd === 31 || f.rn === 31), { sh: 0, imm12: 0 })],
});
E('ADDS_i', 'sf:1 0 1 100010 sh:1 imm12:12 rn:5 rd:5', 'addSubImm', 'adds', [R('rd'), Rsp('rn'), AddSubImm()], {
  attrs: { op: 'add', setFlags: true },
  aliases: [A('cmn', [Rsp('rn'), AddSubImm()], (f) => f.rd === 31, { rd: 31 })],
});
E('SUB_i', 'sf:1 1 0 100010 sh:1 imm12:12 rn:5 rd:5', 'addSubImm', 'sub', [Rsp('rd'), Rsp('rn'), AddSubImm()], { attrs: { op: 'sub' } });
E('SUBS_i', 'sf:1 1 1 100010 sh:1 imm12:12 rn:5 rd:5', 'addSubImm', 'subs', [R('rd'), Rsp('rn'), AddSubImm()], {
  attrs: { op: 'sub', setFlags: true },
  aliases: [A('cmp', [Rsp('rn'), AddSubImm()], (f) => f.rd === 31, { rd: 31 })],
});

E('ADDG', '1 0 0 100011 0 uimm6:6 00 uimm4:4 rn:5 rd:5', 'addSubTag', 'addg', [Xsp('rd'), Xsp('rn'), Imm('uimm6', 6, { scale: 16 }), Imm('uimm4', 4)], { feature: 'MTE', attrs: { op: 'add' }, cls: 'tagOp' });
E('SUBG', '1 1 0 100011 0 uimm6:6 00 uimm4:4 rn:5 rd:5', 'addSubTag', 'subg', [Xsp('rd'), Xsp('rn'), Imm('uimm6', 6, { scale: 16 }), Imm('uimm4', 4)], { feature: 'MTE', attrs: { op: 'sub' }, cls: 'tagOp' });

const badLogicalImm = (f: Fields): boolean => (!f.sf && f.N === 1) || logicalImmediate(f.N, f.immr, f.imms, size(f)) === undefined;
E('AND_i', 'sf:1 00 100100 N:1 immr:6 imms:6 rn:5 rd:5', 'logicalImm', 'and', [Rsp('rd'), R('rn'), LogImm()], { undef: badLogicalImm, attrs: { op: 'and' } });
E('ORR_i', 'sf:1 01 100100 N:1 immr:6 imms:6 rn:5 rd:5', 'logicalImm', 'orr', [Rsp('rd'), R('rn'), LogImm()], {
  undef: badLogicalImm,
  attrs: { op: 'orr' },
  aliases: [A('mov', [Rsp('rd'), LogImm(true)], (f) => f.rn === 31 && !movWideReachable(logicalImmediate(f.N, f.immr, f.imms, size(f))!, size(f)), { rn: 31 })],
});
E('EOR_i', 'sf:1 10 100100 N:1 immr:6 imms:6 rn:5 rd:5', 'logicalImm', 'eor', [Rsp('rd'), R('rn'), LogImm()], { undef: badLogicalImm, attrs: { op: 'eor' } });
E('ANDS_i', 'sf:1 11 100100 N:1 immr:6 imms:6 rn:5 rd:5', 'logicalImm', 'ands', [R('rd'), R('rn'), LogImm()], {
  undef: badLogicalImm,
  attrs: { op: 'and', setFlags: true },
  aliases: [A('tst', [R('rn'), LogImm()], (f) => f.rd === 31, { rd: 31 })],
});

const badMoveWide = (f: Fields): boolean => !f.sf && f.hw >= 2;
E('MOVN', 'sf:1 00 100101 hw:2 imm16:16 rd:5', 'moveWide', 'movn', [R('rd'), MovWideImm()], {
  undef: badMoveWide,
  attrs: { op: 'movn' },
  aliases: [A('mov', [R('rd'), MovImm(true)], (f) => !(f.imm16 === 0 && f.hw !== 0) && !(!f.sf && f.imm16 === 0xffff))],
});
E('MOVZ', 'sf:1 10 100101 hw:2 imm16:16 rd:5', 'moveWide', 'movz', [R('rd'), MovWideImm()], {
  undef: badMoveWide,
  attrs: { op: 'movz' },
  aliases: [A('mov', [R('rd'), MovImm(false)], (f) => !(f.imm16 === 0 && f.hw !== 0))],
});
E('MOVK', 'sf:1 11 100101 hw:2 imm16:16 rd:5', 'moveWide', 'movk', [R('rd'), MovWideImm()], { undef: badMoveWide, attrs: { op: 'movk' } });

const badBitfield = (f: Fields): boolean => f.N !== f.sf || (!f.sf && (f.immr >= 32 || f.imms >= 32));
const nIsSf = (f: Fields): void => {
  f.N = f.sf;
};
const isTop = (f: Fields): boolean => f.imms === size(f) - 1;
E('SBFM', 'sf:1 00 100110 N:1 immr:6 imms:6 rn:5 rd:5', 'bitfield', 'sbfm', [R('rd'), R('rn'), BfImm('immr'), BfImm('imms')], {
  undef: badBitfield, derive: nIsSf,
  attrs: { op: 'sbfm' },
  aliases: [
    A('asr', [R('rd'), R('rn'), ShiftImm('asr')], isTop),
    A('sbfiz', [R('rd'), R('rn'), LsbWidth(true)], (f) => f.imms < f.immr),
    A('sxtb', [R('rd'), W('rn')], (f) => f.immr === 0 && f.imms === 7, { immr: 0, imms: 7 }),
    A('sxth', [R('rd'), W('rn')], (f) => f.immr === 0 && f.imms === 15, { immr: 0, imms: 15 }),
    A('sxtw', [X('rd'), W('rn')], (f) => f.sf === 1 && f.immr === 0 && f.imms === 31, { sf: 1, N: 1, immr: 0, imms: 31 }),
    A('sbfx', [R('rd'), R('rn'), LsbWidth(false)], () => true),
  ],
});
E('BFM', 'sf:1 01 100110 N:1 immr:6 imms:6 rn:5 rd:5', 'bitfield', 'bfm', [R('rd'), R('rn'), BfImm('immr'), BfImm('imms')], {
  undef: badBitfield, derive: nIsSf,
  attrs: { op: 'bfm' },
  aliases: [
    // LLVM prints BFC over its whole range (ImmR == 0 too), not only where BFI would apply.
    A('bfc', [R('rd'), LsbWidth(true)], (f) => f.rn === 31 && (f.immr === 0 || f.imms < f.immr), { rn: 31 }),
    A('bfi', [R('rd'), R('rn'), LsbWidth(true)], (f) => f.imms < f.immr),
    A('bfxil', [R('rd'), R('rn'), LsbWidth(false)], () => true),
  ],
});
E('UBFM', 'sf:1 10 100110 N:1 immr:6 imms:6 rn:5 rd:5', 'bitfield', 'ubfm', [R('rd'), R('rn'), BfImm('immr'), BfImm('imms')], {
  undef: badBitfield, derive: nIsSf,
  attrs: { op: 'ubfm' },
  aliases: [
    A('lsl', [R('rd'), R('rn'), ShiftImm('lsl')], (f) => !isTop(f) && f.imms + 1 === f.immr),
    A('lsr', [R('rd'), R('rn'), ShiftImm('lsr')], isTop),
    A('ubfiz', [R('rd'), R('rn'), LsbWidth(true)], (f) => f.imms < f.immr),
    A('uxtb', [W('rd'), W('rn')], (f) => !f.sf && f.immr === 0 && f.imms === 7, { sf: 0, N: 0, immr: 0, imms: 7 }),
    A('uxth', [W('rd'), W('rn')], (f) => !f.sf && f.immr === 0 && f.imms === 15, { sf: 0, N: 0, immr: 0, imms: 15 }),
    A('ubfx', [R('rd'), R('rn'), LsbWidth(false)], () => true),
  ],
});
E('EXTR', 'sf:1 00 100111 N:1 0 rm:5 imms:6 rn:5 rd:5', 'extract', 'extr', [R('rd'), R('rn'), R('rm'), BfImm('imms')], {
  undef: (f) => f.N !== f.sf || (!f.sf && f.imms >= 32),
  derive: nIsSf,
  aliases: [A('ror', [R('rd'), RSame('rn', 'rm'), BfImm('imms')], (f) => f.rn === f.rm)],
});

// ---------------------------------------------------------------------------------------------
// Data processing -- register

const badShiftAmount = (f: Fields): boolean => !f.sf && f.imm6 >= 32;
const LOGICAL = [['AND', 'and', 0, 0], ['BIC', 'bic', 0, 1], ['ORR', 'orr', 1, 0], ['ORN', 'orn', 1, 1], ['EOR', 'eor', 2, 0], ['EON', 'eon', 2, 1], ['ANDS', 'ands', 3, 0], ['BICS', 'bics', 3, 1]] as const;
for (const [name, mn, opc, n] of LOGICAL) {
  const aliases: Alias[] = [];
  if (name === 'ORR') aliases.push(A('mov', [R('rd'), R('rm')], (f) => f.rn === 31 && f.shift === 0 && f.imm6 === 0, { rn: 31, shift: 0, imm6: 0 }));
  if (name === 'ORN') aliases.push(A('mvn', [R('rd'), R('rm'), Shift(true)], (f) => f.rn === 31, { rn: 31 }));
  if (name === 'ANDS') aliases.push(A('tst', [R('rn'), R('rm'), Shift(true)], (f) => f.rd === 31, { rd: 31 }));
  E(`${name}_r`, `sf:1 ${opc.toString(2).padStart(2, '0')} 01010 shift:2 ${n} rm:5 imm6:6 rn:5 rd:5`, 'logicalShifted', mn, [R('rd'), R('rn'), R('rm'), Shift(true)], {
    undef: badShiftAmount, cls: 'aluShift', aliases, attrs: { op: mn.replace(/s$/, '').replace(/^bic$/, 'bic'), setFlags: opc === 3 },
  });
}

const ADDSUB = [['ADD', 'add', 0, 0], ['ADDS', 'adds', 0, 1], ['SUB', 'sub', 1, 0], ['SUBS', 'subs', 1, 1]] as const;
for (const [name, mn, op, s] of ADDSUB) {
  const shiftedAliases: Alias[] = [];
  const extAliases: Alias[] = [];
  if (name === 'ADDS') {
    shiftedAliases.push(A('cmn', [R('rn'), R('rm'), Shift(false)], (f) => f.rd === 31, { rd: 31 }));
    extAliases.push(A('cmn', [Rsp('rn'), ExtReg(), Extend(false)], (f) => f.rd === 31, { rd: 31 }));
  }
  if (name === 'SUBS') {
    shiftedAliases.push(A('cmp', [R('rn'), R('rm'), Shift(false)], (f) => f.rd === 31, { rd: 31 }));
    shiftedAliases.push(A('negs', [R('rd'), R('rm'), Shift(false)], (f) => f.rn === 31, { rn: 31 }));
    extAliases.push(A('cmp', [Rsp('rn'), ExtReg(), Extend(false)], (f) => f.rd === 31, { rd: 31 }));
  }
  if (name === 'SUB') shiftedAliases.push(A('neg', [R('rd'), R('rm'), Shift(false)], (f) => f.rn === 31, { rn: 31 }));
  const attrs: Attrs = { op: op ? 'sub' : 'add', setFlags: s === 1 };
  E(`${name}_r`, `sf:1 ${op} ${s} 01011 shift:2 0 rm:5 imm6:6 rn:5 rd:5`, 'addSubShifted', mn, [R('rd'), R('rn'), R('rm'), Shift(false)], {
    undef: (f) => f.shift === 3 || badShiftAmount(f), cls: 'aluShift', aliases: shiftedAliases, attrs,
  });
  E(`${name}_x`, `sf:1 ${op} ${s} 01011 00 1 rm:5 option:3 imm3:3 rn:5 rd:5`, 'addSubExtended', mn, [s ? R('rd') : Rsp('rd'), Rsp('rn'), ExtReg(), Extend(s === 0)], {
    undef: (f) => f.imm3 > 4, cls: 'aluShift', aliases: extAliases, attrs,
  });
}

for (const [name, mn, op, s] of [['ADC', 'adc', 0, 0], ['ADCS', 'adcs', 0, 1], ['SBC', 'sbc', 1, 0], ['SBCS', 'sbcs', 1, 1]] as const) {
  const aliases = op ? [A(s ? 'ngcs' : 'ngc', [R('rd'), R('rm')], (f) => f.rn === 31, { rn: 31 })] : [];
  E(name, `sf:1 ${op} ${s} 11010000 rm:5 000000 rn:5 rd:5`, 'addSubCarry', mn, [R('rd'), R('rn'), R('rm')], { aliases, attrs: { op: op ? 'sub' : 'add', setFlags: s === 1 } });
}

// FEAT_FlagM: rotate a register into NZCV under a mask; set flags from a byte or halfword.
E('RMIF', '1 0 1 11010000 imm6:6 00001 rn:5 0 mask:4', 'flagm', 'rmif', [X('rn'), Imm('imm6', 6), Imm('mask', 4)], { feature: 'FlagM', attrs: { op: 'rmif' } });
E('SETF8', '0 0 1 11010000 000000 0 0010 rn:5 0 1101', 'flagm', 'setf8', [W('rn')], { feature: 'FlagM', attrs: { op: 'setf8' } });
E('SETF16', '0 0 1 11010000 000000 1 0010 rn:5 0 1101', 'flagm', 'setf16', [W('rn')], { feature: 'FlagM', attrs: { op: 'setf16' } });

for (const [name, mn, op] of [['CCMN', 'ccmn', 0], ['CCMP', 'ccmp', 1]] as const) {
  E(`${name}_r`, `sf:1 ${op} 1 11010010 rm:5 cond:4 0 0 rn:5 0 nzcv:4`, 'condCompare', mn, [R('rn'), R('rm'), Imm('nzcv', 4), Cond()], { attrs: { op: op ? 'sub' : 'add' } });
  E(`${name}_i`, `sf:1 ${op} 1 11010010 imm5:5 cond:4 1 0 rn:5 0 nzcv:4`, 'condCompare', mn, [R('rn'), Imm('imm5', 5), Imm('nzcv', 4), Cond()], { attrs: { op: op ? 'sub' : 'add' } });
}

const notAlNv = (f: Fields): boolean => (f.cond & 0xe) !== 0xe;
E('CSEL', 'sf:1 0 0 11010100 rm:5 cond:4 0 0 rn:5 rd:5', 'condSelect', 'csel', [R('rd'), R('rn'), R('rm'), Cond()], { attrs: { op: 'csel' } });
E('CSINC', 'sf:1 0 0 11010100 rm:5 cond:4 0 1 rn:5 rd:5', 'condSelect', 'csinc', [R('rd'), R('rn'), R('rm'), Cond()], {
  attrs: { op: 'csinc' },
  aliases: [
    A('cset', [R('rd'), Cond('cond', true)], (f) => f.rn === 31 && f.rm === 31 && notAlNv(f), { rn: 31, rm: 31 }),
    A('cinc', [R('rd'), RSame('rn', 'rm'), Cond('cond', true)], (f) => f.rn === f.rm && f.rn !== 31 && notAlNv(f)),
  ],
});
E('CSINV', 'sf:1 1 0 11010100 rm:5 cond:4 0 0 rn:5 rd:5', 'condSelect', 'csinv', [R('rd'), R('rn'), R('rm'), Cond()], {
  attrs: { op: 'csinv' },
  aliases: [
    A('csetm', [R('rd'), Cond('cond', true)], (f) => f.rn === 31 && f.rm === 31 && notAlNv(f), { rn: 31, rm: 31 }),
    A('cinv', [R('rd'), RSame('rn', 'rm'), Cond('cond', true)], (f) => f.rn === f.rm && f.rn !== 31 && notAlNv(f)),
  ],
});
E('CSNEG', 'sf:1 1 0 11010100 rm:5 cond:4 0 1 rn:5 rd:5', 'condSelect', 'csneg', [R('rd'), R('rn'), R('rm'), Cond()], {
  attrs: { op: 'csneg' },
  aliases: [A('cneg', [R('rd'), RSame('rn', 'rm'), Cond('cond', true)], (f) => f.rn === f.rm && notAlNv(f))],
});

const DP3 = [
  ['MADD', 'madd', 0, '000', 0, 'mul'], ['MSUB', 'msub', 0, '000', 1, 'mneg'],
  ['SMADDL', 'smaddl', 1, '001', 0, 'smull'], ['SMSUBL', 'smsubl', 1, '001', 1, 'smnegl'],
  ['UMADDL', 'umaddl', 1, '101', 0, 'umull'], ['UMSUBL', 'umsubl', 1, '101', 1, 'umnegl'],
] as const;
for (const [name, mn, long, op31, o0, alias] of DP3) {
  const sfBits = long ? '1' : 'sf:1';
  const regs = long ? [X('rd'), W('rn'), W('rm')] : [R('rd'), R('rn'), R('rm')];
  E(name, `${sfBits} 00 11011 ${op31} rm:5 ${o0} ra:5 rn:5 rd:5`, 'dataProc3', mn, [...regs, long ? X('ra') : R('ra')], {
    cls: long ? 'mulLong' : 'mul', attrs: { op: mn },
    aliases: [A(alias, regs, (f) => f.ra === 31, { ra: 31 })],
  });
}
E('SMULH', '1 00 11011 010 rm:5 0 (11111) rn:5 rd:5', 'dataProc3', 'smulh', [X('rd'), X('rn'), X('rm')], { cls: 'mulLong', attrs: { op: 'smulh' } });
E('UMULH', '1 00 11011 110 rm:5 0 (11111) rn:5 rd:5', 'dataProc3', 'umulh', [X('rd'), X('rn'), X('rm')], { cls: 'mulLong', attrs: { op: 'umulh' } });

for (const [name, mn, opcode, cls] of [['UDIV', 'udiv', '000010', 'div'], ['SDIV', 'sdiv', '000011', 'div'], ['LSLV', 'lsl', '001000', 'alu'], ['LSRV', 'lsr', '001001', 'alu'], ['ASRV', 'asr', '001010', 'alu'], ['RORV', 'ror', '001011', 'alu']] as const) {
  E(name, `sf:1 0 0 11010110 rm:5 ${opcode} rn:5 rd:5`, 'dataProc2', mn, [R('rd'), R('rn'), R('rm')], { cls, attrs: { op: name.toLowerCase() } });
}
E('SUBP', '1 0 0 11010110 rm:5 000000 rn:5 rd:5', 'subp', 'subp', [X('rd'), Xsp('rn'), Xsp('rm')], { feature: 'MTE', cls: 'tagOp' });
E('SUBPS', '1 0 1 11010110 rm:5 000000 rn:5 rd:5', 'subp', 'subps', [X('rd'), Xsp('rn'), Xsp('rm')], {
  feature: 'MTE', cls: 'tagOp', attrs: { setFlags: true },
  aliases: [{ mnemonic: 'cmpp', operands: [Xsp('rn'), Xsp('rm')], set: { rd: 31 }, asmOnly: true }],
});
E('IRG', '1 0 0 11010110 rm:5 000100 rn:5 rd:5', 'irg', 'irg', [Xsp('rd'), Xsp('rn'), { ...X('rm'), optional: true, defaults: { rm: 31 }, omit: (f) => f.rm === 31 }], { feature: 'MTE', cls: 'tagOp' });
E('GMI', '1 0 0 11010110 rm:5 000101 rn:5 rd:5', 'gmi', 'gmi', [X('rd'), Xsp('rn'), X('rm')], { feature: 'MTE', cls: 'tagOp' });

E('RBIT', 'sf:1 1 0 11010110 00000 000000 rn:5 rd:5', 'dataProc1', 'rbit', [R('rd'), R('rn')], { attrs: { op: 'rbit' } });
E('REV16', 'sf:1 1 0 11010110 00000 000001 rn:5 rd:5', 'dataProc1', 'rev16', [R('rd'), R('rn')], { attrs: { op: 'rev16' } });
E('REV_w', '0 1 0 11010110 00000 000010 rn:5 rd:5', 'dataProc1', 'rev', [W('rd'), W('rn')], { attrs: { op: 'rev' } });
E('REV32', '1 1 0 11010110 00000 000010 rn:5 rd:5', 'dataProc1', 'rev32', [X('rd'), X('rn')], { attrs: { op: 'rev32' } });
E('REV_x', '1 1 0 11010110 00000 000011 rn:5 rd:5', 'dataProc1', 'rev', [X('rd'), X('rn')], { attrs: { op: 'rev' } });
E('CLZ', 'sf:1 1 0 11010110 00000 000100 rn:5 rd:5', 'dataProc1', 'clz', [R('rd'), R('rn')], { attrs: { op: 'clz' } });
E('CLS', 'sf:1 1 0 11010110 00000 000101 rn:5 rd:5', 'dataProc1', 'cls', [R('rd'), R('rn')], { attrs: { op: 'cls' } });

// ---------------------------------------------------------------------------------------------
// Branches, exception generation, system

E('B', '0 00101 imm26:26', 'branchImm', 'b', [Target('imm26', 26)], { cls: 'branch' });
E('BL', '1 00101 imm26:26', 'branchImm', 'bl', [Target('imm26', 26)], { cls: 'branch', attrs: { op: 'link' } });
E('CBZ', 'sf:1 011010 0 imm19:19 rt:5', 'compareBranch', 'cbz', [R('rt'), Target('imm19', 19)], { cls: 'branch' });
E('CBNZ', 'sf:1 011010 1 imm19:19 rt:5', 'compareBranch', 'cbnz', [R('rt'), Target('imm19', 19)], { cls: 'branch', attrs: { op: 'nz' } });
E('TBZ', 'b5:1 011011 0 b40:5 imm14:14 rt:5', 'testBranch', 'tbz', [TestBitReg(), TestBitNum(), Target('imm14', 14)], { cls: 'branch' });
E('TBNZ', 'b5:1 011011 1 b40:5 imm14:14 rt:5', 'testBranch', 'tbnz', [TestBitReg(), TestBitNum(), Target('imm14', 14)], { cls: 'branch', attrs: { op: 'nz' } });
E('B_cond', '0101010 0 imm19:19 0 cond:4', 'branchCond', 'b.<cond>', [Target('imm19', 19)], { cls: 'branch' });

E('SVC', '11010100 000 imm16:16 000 01', 'exception', 'svc', [ImmHex('imm16', 16)], { cls: 'system', attrs: { op: 'svc' } });
E('HVC', '11010100 000 imm16:16 000 10', 'exception', 'hvc', [ImmHex('imm16', 16)], { cls: 'system', attrs: { op: 'hvc' } });
E('SMC', '11010100 000 imm16:16 000 11', 'exception', 'smc', [ImmHex('imm16', 16)], { cls: 'system', attrs: { op: 'smc' } });
E('BRK', '11010100 001 imm16:16 000 00', 'exception', 'brk', [ImmHex('imm16', 16)], { cls: 'system', attrs: { op: 'brk' } });
E('HLT', '11010100 010 imm16:16 000 00', 'exception', 'hlt', [ImmHex('imm16', 16)], { cls: 'system', attrs: { op: 'hlt' } });
E('UDF', '0000000000000000 imm16:16', 'udf', 'udf', [Imm('imm16', 16)], { cls: 'system' });

// PSTATE fields of MSR (immediate): [field, op1, op2, CRm bits LLVM 14 decodes, bits llvm-mc
// assembles]. LLVM prints `msr DIT, #2`..`#15` but accepts only #0 and #1, as GNU as does.
const PSTATE_FIELDS = [['UAO', 0, 3, 1, 1], ['PAN', 0, 4, 1, 1], ['SPSel', 0, 5, 4, 4], ['SSBS', 3, 1, 1, 1], ['DIT', 3, 2, 4, 1], ['TCO', 3, 4, 4, 4], ['DAIFSet', 3, 6, 4, 4], ['DAIFClr', 3, 7, 4, 4]] as const;
for (const [field, op1, op2, crmBits, immBits] of PSTATE_FIELDS) {
  const crm = crmBits === 1 ? '000 CRm:1' : 'CRm:4';
  E(`MSR_i_${field}`, `1101010100 0 00 ${op1.toString(2).padStart(3, '0')} 0100 ${crm} ${op2.toString(2).padStart(3, '0')} 11111`, 'msrImm', 'msr', [Keyword(field), Imm('CRm', immBits)], {
    cls: 'system', feature: field === 'TCO' ? 'MTE' : 'base', attrs: { op: field },
  });
}
E('CFINV', '1101010100 0 00 000 0100 0000 000 11111', 'flagm', 'cfinv', [], { feature: 'FlagM', attrs: { op: 'cfinv' } });
E('XAFLAG', '1101010100 0 00 000 0100 xxxx 001 11111', 'flagm', 'xaflag', [], { feature: 'FlagM', attrs: { op: 'xaflag' } });
E('AXFLAG', '1101010100 0 00 000 0100 xxxx 010 11111', 'flagm', 'axflag', [], { feature: 'FlagM', attrs: { op: 'axflag' } });

// Hints: names LLVM 14 prints (with +v8.5a), by CRm:op2.
const HINT_NAMES: Record<number, string> = {
  0: 'nop', 1: 'yield', 2: 'wfe', 3: 'wfi', 4: 'sev', 5: 'sevl', 6: 'dgh', 7: 'xpaclri', 8: 'pacia1716', 10: 'pacib1716',
  12: 'autia1716', 14: 'autib1716', 16: 'esb', 18: 'tsb csync', 20: 'csdb', 24: 'paciaz', 25: 'paciasp', 26: 'pacibz',
  27: 'pacibsp', 28: 'autiaz', 29: 'autiasp', 30: 'autibz', 31: 'autibsp', 32: 'bti', 34: 'bti c', 36: 'bti j', 38: 'bti jc',
};
E('HINT', '1101010100 0 00 011 0010 imm7:7 11111', 'hint', 'hint', [Imm('imm7', 7)], {
  cls: 'system',
  aliases: Object.entries(HINT_NAMES).map(([v, text]) => {
    const [mn, arg] = text.split(' ');
    return A(mn, arg ? [Keyword(arg)] : [], (f) => f.imm7 === Number(v), { imm7: Number(v) });
  }),
});

const BARRIER_OPTIONS = [undefined, 'oshld', 'oshst', 'osh', undefined, 'nshld', 'nshst', 'nsh', undefined, 'ishld', 'ishst', 'ish', undefined, 'ld', 'st', 'sy'];
E('CLREX', '1101010100 0 00 011 0011 CRm:4 010 11111', 'clrex', 'clrex', [Imm('CRm', 4)], { cls: 'barrier', aliases: [A('clrex', [], (f) => f.CRm === 15, { CRm: 15 })] });
E('DSB', '1101010100 0 00 011 0011 CRm:4 100 11111', 'barrier', 'dsb', [Named('CRm', BARRIER_OPTIONS, 'barrier option', 15)], {
  cls: 'barrier', attrs: { op: 'dsb' },
  aliases: [A('ssbb', [], (f) => f.CRm === 0, { CRm: 0 }), A('pssbb', [], (f) => f.CRm === 4, { CRm: 4 })],
});
E('DMB', '1101010100 0 00 011 0011 CRm:4 101 11111', 'barrier', 'dmb', [Named('CRm', BARRIER_OPTIONS, 'barrier option', 15)], { cls: 'barrier', attrs: { op: 'dmb' } });
E('ISB', '1101010100 0 00 011 0011 CRm:4 110 11111', 'barrier', 'isb', [Named('CRm', [...Array(15).fill(undefined), 'sy'], 'barrier option', 15)], {
  cls: 'barrier', attrs: { op: 'isb' },
  aliases: [A('isb', [], (f) => f.CRm === 15, { CRm: 15 })],
});
E('SB', '1101010100 0 00 011 0011 (0000) 111 11111', 'barrier', 'sb', [], { cls: 'barrier', attrs: { op: 'sb' } });

E('SYS', '1101010100 0 01 op1:3 CRn:4 CRm:4 op2:3 rt:5', 'sys', 'sys', [Imm('op1', 3), CReg('CRn'), CReg('CRm'), Imm('op2', 3), SysReg31()], {
  cls: 'system',
  aliases: ['dc', 'ic', 'at', 'tlbi', 'cfp', 'dvp', 'cpp'].map((p) => A(p, [SysOp(p)], sysAliasOf(p))),
});
E('SYSL', '1101010100 1 01 op1:3 CRn:4 CRm:4 op2:3 rt:5', 'sysl', 'sysl', [X('rt'), Imm('op1', 3), CReg('CRn'), CReg('CRm'), Imm('op2', 3)], { cls: 'system' });
E('MSR_r', '1101010100 0 1 o0:1 op1:3 CRn:4 CRm:4 op2:3 rt:5', 'msrReg', 'msr', [Sysreg(false), X('rt')], { cls: 'system' });
E('MRS', '1101010100 1 1 o0:1 op1:3 CRn:4 CRm:4 op2:3 rt:5', 'mrs', 'mrs', [X('rt'), Sysreg(true)], { cls: 'system' });

E('BR', '1101011 0000 11111 000000 rn:5 00000', 'branchReg', 'br', [X('rn')], { cls: 'branchReg' });
E('BLR', '1101011 0001 11111 000000 rn:5 00000', 'branchReg', 'blr', [X('rn')], { cls: 'branchReg', attrs: { op: 'link' } });
E('RET', '1101011 0010 11111 000000 rn:5 00000', 'branchReg', 'ret', [{ ...X('rn'), optional: true, defaults: { rn: 30 } }], {
  cls: 'branchReg', attrs: { op: 'ret' },
  aliases: [A('ret', [], (f) => f.rn === 30, { rn: 30 })],
});
E('ERET', '1101011 0100 11111 000000 11111 00000', 'eret', 'eret', [], { cls: 'branchReg' });

// ---------------------------------------------------------------------------------------------
// Loads and stores

type W64 = Width;
const bin = (v: number, n: number): string => v.toString(2).padStart(n, '0');

/** Load/store register (size, opc) combinations: [size, opc, base mnemonic, Rt width, signed]. */
const LDST: [number, number, string, W64, boolean][] = [
  [0, 0, 'strb', 'w', false], [0, 1, 'ldrb', 'w', false], [0, 2, 'ldrsb', 'x', true], [0, 3, 'ldrsb', 'w', true],
  [1, 0, 'strh', 'w', false], [1, 1, 'ldrh', 'w', false], [1, 2, 'ldrsh', 'x', true], [1, 3, 'ldrsh', 'w', true],
  [2, 0, 'str', 'w', false], [2, 1, 'ldr', 'w', false], [2, 2, 'ldrsw', 'x', true],
  [3, 0, 'str', 'x', false], [3, 1, 'ldr', 'x', false],
];
const PRFOPS = ['pldl1keep', 'pldl1strm', 'pldl2keep', 'pldl2strm', 'pldl3keep', 'pldl3strm', undefined, undefined, 'plil1keep', 'plil1strm', 'plil2keep', 'plil2strm', 'plil3keep', 'plil3strm', undefined, undefined, 'pstl1keep', 'pstl1strm', 'pstl2keep', 'pstl2strm', 'pstl3keep', 'pstl3strm'];
const Prfop = (): Operand => Named('rt', PRFOPS, 'prefetch operation', 31);

function rowName(mn: string, width: W64, ambiguous: boolean, form: string): string {
  return `${mn.toUpperCase()}${ambiguous ? width : ''}_${form}`;
}

for (const [sz, opc, mn, w, signed] of LDST) {
  const load = opc !== 0;
  const ambiguous = mn === 'ldrsb' || mn === 'ldrsh' || ((mn === 'ldr' || mn === 'str') && sz >= 2);
  const attrs = (mode: Attrs['mode']): Attrs => ({ size: sz, regBits: w === 'x' ? 64 : 32, signed, load, store: !load, mode });
  const cls: TimingClass = load ? 'load' : 'store';
  const Rt = R('rt', w);
  const scale = 1 << sz;
  const unscaled = mn.replace(/^ldr/, 'ldur').replace(/^str/, 'stur');
  const unpriv = mn.replace(/^ldr/, 'ldtr').replace(/^str/, 'sttr');
  const head = `${bin(sz, 2)} 111 0`;
  E(rowName(mn, w, ambiguous, 'i'), `${head} 01 ${bin(opc, 2)} imm12:12 rn:5 rt:5`, 'loadStore', mn, [Rt, MemOff('imm12', 12, { signed: false, scale })], { cls, attrs: attrs('uimm') });
  E(rowName(unscaled, w, ambiguous, 'i'), `${head} 00 ${bin(opc, 2)} 0 imm9:9 00 rn:5 rt:5`, 'loadStore', unscaled, [Rt, MemOff('imm9', 9, { signed: true, scale: 1 })], {
    cls, attrs: attrs('unscaled'),
    // GNU as and llvm-mc both assemble `ldr x0, [x1, #-8]` (not encodable scaled) as LDUR.
    aliases: [{ mnemonic: mn, operands: [Rt, MemOff('imm9', 9, { signed: true, scale: 1 })], asmOnly: true, fallback: true }],
  });
  E(rowName(mn, w, ambiguous, 'post'), `${head} 00 ${bin(opc, 2)} 0 imm9:9 01 rn:5 rt:5`, 'loadStore', mn, [Rt, MemPost('imm9', 9, 1)], { cls, attrs: attrs('post') });
  E(rowName(unpriv, w, ambiguous, 'i'), `${head} 00 ${bin(opc, 2)} 0 imm9:9 10 rn:5 rt:5`, 'loadStore', unpriv, [Rt, MemOff('imm9', 9, { signed: true, scale: 1 })], { cls, attrs: attrs('unpriv') });
  E(rowName(mn, w, ambiguous, 'pre'), `${head} 00 ${bin(opc, 2)} 0 imm9:9 11 rn:5 rt:5`, 'loadStore', mn, [Rt, MemPre('imm9', 9, 1)], { cls, attrs: attrs('pre') });
  E(rowName(mn, w, ambiguous, 'r'), `${head} 00 ${bin(opc, 2)} 1 rm:5 option:3 S:1 10 rn:5 rt:5`, 'loadStore', mn, [Rt, MemReg(sz)], {
    cls, attrs: attrs('reg'), undef: (f) => (f.option & 2) === 0,
  });
}
E('PRFM_i', '11 111 0 01 10 imm12:12 rn:5 rt:5', 'prefetch', 'prfm', [Prfop(), MemOff('imm12', 12, { signed: false, scale: 8 })], { cls: 'load', attrs: { mode: 'uimm' } });
E('PRFUM', '11 111 0 00 10 0 imm9:9 00 rn:5 rt:5', 'prefetch', 'prfum', [Prfop(), MemOff('imm9', 9, { signed: true, scale: 1 })], {
  cls: 'load', attrs: { mode: 'unscaled' },
  aliases: [{ mnemonic: 'prfm', operands: [Prfop(), MemOff('imm9', 9, { signed: true, scale: 1 })], asmOnly: true, fallback: true }],
});
E('PRFM_r', '11 111 0 00 10 1 rm:5 option:3 S:1 10 rn:5 rt:5', 'prefetch', 'prfm', [Prfop(), MemReg(3)], { cls: 'load', attrs: { mode: 'reg' }, undef: (f) => (f.option & 2) === 0 });

E('LDRw_lit', '00 011 0 00 imm19:19 rt:5', 'loadLiteral', 'ldr', [W('rt'), Literal(4)], { cls: 'load', attrs: { size: 2, regBits: 32, load: true, mode: 'literal' } });
E('LDRx_lit', '01 011 0 00 imm19:19 rt:5', 'loadLiteral', 'ldr', [X('rt'), Literal(8)], { cls: 'load', attrs: { size: 3, regBits: 64, load: true, mode: 'literal' } });
E('LDRSW_lit', '10 011 0 00 imm19:19 rt:5', 'loadLiteral', 'ldrsw', [X('rt'), Literal(4)], { cls: 'load', attrs: { size: 2, regBits: 64, signed: true, load: true, mode: 'literal' } });
E('PRFM_lit', '11 011 0 00 imm19:19 rt:5', 'prefetch', 'prfm', [Prfop(), Literal(0)], { cls: 'load', attrs: { mode: 'literal' } });

// Pairs: [opc, L, mnemonic, Rt width, log2 scale, forms]
const PAIRS: [number, number, string, W64, number, string[]][] = [
  [0, 0, 'stp', 'w', 2, ['post', 'off', 'pre']], [0, 1, 'ldp', 'w', 2, ['post', 'off', 'pre']],
  [1, 1, 'ldpsw', 'x', 2, ['post', 'off', 'pre']],
  [2, 0, 'stp', 'x', 3, ['post', 'off', 'pre']], [2, 1, 'ldp', 'x', 3, ['post', 'off', 'pre']],
  [0, 0, 'stnp', 'w', 2, ['np']], [0, 1, 'ldnp', 'w', 2, ['np']], [2, 0, 'stnp', 'x', 3, ['np']], [2, 1, 'ldnp', 'x', 3, ['np']],
];
const PAIR_MODE: Record<string, [string, Attrs['mode']]> = { np: ['000', 'offset'], post: ['001', 'post'], off: ['010', 'offset'], pre: ['011', 'pre'] };
const pairMem = (form: string, scale: number): Operand =>
  form === 'post' ? MemPost('imm7', 7, scale) : form === 'pre' ? MemPre('imm7', 7, scale) : MemOff('imm7', 7, { signed: true, scale });
for (const [opc, l, mn, w, lg, forms] of PAIRS) {
  for (const form of forms) {
    const [modeBits, mode] = PAIR_MODE[form];
    E(`${mn.toUpperCase()}${mn === 'ldpsw' ? '' : w}_${form}`, `${bin(opc, 2)} 101 0 ${modeBits} ${l} imm7:7 rt2:5 rn:5 rt:5`, 'loadStorePair', mn, [R('rt', w), R('rt2', w), pairMem(form, 1 << lg)], {
      cls: l ? 'loadPair' : 'storePair', attrs: { size: lg, regBits: w === 'x' ? 64 : 32, signed: mn === 'ldpsw', load: l === 1, store: l === 0, mode, pair: true },
    });
  }
}
for (const form of ['post', 'off', 'pre']) {
  const [modeBits, mode] = PAIR_MODE[form];
  E(`STGP_${form}`, `01 101 0 ${modeBits} 0 imm7:7 rt2:5 rn:5 rt:5`, 'stgp', 'stgp', [X('rt'), X('rt2'), pairMem(form, 16)], {
    feature: 'MTE', cls: 'tagStore', attrs: { size: 3, regBits: 64, store: true, mode, pair: true },
  });
}

// Exclusives and ordered accesses: [size, suffix, Rt width]
const SIZES: [number, string, W64][] = [[0, 'b', 'w'], [1, 'h', 'w'], [2, '', 'w'], [3, '', 'x']];
for (const [sz, sfx, w] of SIZES) {
  const amb = sz >= 2 ? w : '';
  const ex = (o2: number, l: number, o1: number, o0: number, rs: string): string => `${bin(sz, 2)} 001000 ${o2} ${l} ${o1} ${rs} ${o0} (11111) rn:5 rt:5`;
  const base = (load: boolean, acquire: boolean, release: boolean, excl: boolean): Attrs => ({ size: sz, regBits: w === 'x' ? 64 : 32, load, store: !load, acquire, release, mode: excl ? 'base' : 'base' });
  E(`STXR${sfx.toUpperCase()}${amb}`, ex(0, 0, 0, 0, 'rs:5'), 'exclusive', `stxr${sfx}`, [W('rs'), R('rt', w), MemBase()], { cls: 'exclusive', attrs: base(false, false, false, true) });
  E(`STLXR${sfx.toUpperCase()}${amb}`, ex(0, 0, 0, 1, 'rs:5'), 'exclusive', `stlxr${sfx}`, [W('rs'), R('rt', w), MemBase()], { cls: 'exclusive', attrs: base(false, false, true, true) });
  E(`LDXR${sfx.toUpperCase()}${amb}`, ex(0, 1, 0, 0, '(11111)'), 'exclusive', `ldxr${sfx}`, [R('rt', w), MemBase()], { cls: 'exclusive', attrs: base(true, false, false, true) });
  E(`LDAXR${sfx.toUpperCase()}${amb}`, ex(0, 1, 0, 1, '(11111)'), 'exclusive', `ldaxr${sfx}`, [R('rt', w), MemBase()], { cls: 'exclusive', attrs: base(true, true, false, true) });
  E(`STLLR${sfx.toUpperCase()}${amb}`, ex(1, 0, 0, 0, '(11111)'), 'acquireRelease', `stllr${sfx}`, [R('rt', w), MemBase()], { feature: 'LOR', cls: 'store', attrs: base(false, false, true, false) });
  E(`STLR${sfx.toUpperCase()}${amb}`, ex(1, 0, 0, 1, '(11111)'), 'acquireRelease', `stlr${sfx}`, [R('rt', w), MemBase()], { cls: 'store', attrs: base(false, false, true, false) });
  E(`LDLAR${sfx.toUpperCase()}${amb}`, ex(1, 1, 0, 0, '(11111)'), 'acquireRelease', `ldlar${sfx}`, [R('rt', w), MemBase()], { feature: 'LOR', cls: 'load', attrs: base(true, true, false, false) });
  E(`LDAR${sfx.toUpperCase()}${amb}`, ex(1, 1, 0, 1, '(11111)'), 'acquireRelease', `ldar${sfx}`, [R('rt', w), MemBase()], { cls: 'load', attrs: base(true, true, false, false) });
  for (const [acq, rel] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
    const ord = (acq ? 'a' : '') + (rel ? 'l' : '');
    E(`CAS${ord.toUpperCase()}${sfx.toUpperCase()}${amb}`, `${bin(sz, 2)} 001000 1 ${acq} 1 rs:5 ${rel} 11111 rn:5 rt:5`, 'compareSwap', `cas${ord}${sfx}`, [R('rs', w), R('rt', w), MemBase()], {
      feature: 'LSE', cls: 'atomic', attrs: { size: sz, regBits: w === 'x' ? 64 : 32, load: true, store: true, acquire: acq === 1, release: rel === 1 },
    });
  }
}
for (const [sz, w] of [[2, 'w'], [3, 'x']] as const) {
  const p = (l: number, o0: number, rs: string): string => `1 ${sz & 1} 001000 0 ${l} 1 ${rs} ${o0} rt2:5 rn:5 rt:5`;
  const at = (load: boolean, acq: boolean, rel: boolean): Attrs => ({ size: sz, regBits: w === 'x' ? 64 : 32, load, store: !load, acquire: acq, release: rel, pair: true });
  E(`STXP${w}`, p(0, 0, 'rs:5'), 'exclusivePair', 'stxp', [W('rs'), R('rt', w), R('rt2', w), MemBase()], { cls: 'exclusive', attrs: at(false, false, false) });
  E(`STLXP${w}`, p(0, 1, 'rs:5'), 'exclusivePair', 'stlxp', [W('rs'), R('rt', w), R('rt2', w), MemBase()], { cls: 'exclusive', attrs: at(false, false, true) });
  E(`LDXP${w}`, p(1, 0, '(11111)'), 'exclusivePair', 'ldxp', [R('rt', w), R('rt2', w), MemBase()], { cls: 'exclusive', attrs: at(true, false, false) });
  E(`LDAXP${w}`, p(1, 1, '(11111)'), 'exclusivePair', 'ldaxp', [R('rt', w), R('rt2', w), MemBase()], { cls: 'exclusive', attrs: at(true, true, false) });
}
for (const [sz, w] of [[2, 'w'], [3, 'x']] as const) {
  for (const [acq, rel] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
    const ord = (acq ? 'a' : '') + (rel ? 'l' : '');
    E(`CASP${ord.toUpperCase()}${w}`, `0 ${sz & 1} 001000 0 ${acq} 1 rs:5 ${rel} 11111 rn:5 rt:5`, 'compareSwapPair', `casp${ord}`, [R('rs', w), RNext('rs', w), R('rt', w), RNext('rt', w), MemBase()], {
      feature: 'LSE', cls: 'atomic', undef: (f) => (f.rs & 1) === 1 || (f.rt & 1) === 1,
      attrs: { size: sz, regBits: w === 'x' ? 64 : 32, load: true, store: true, acquire: acq === 1, release: rel === 1, pair: true },
    });
  }
}

/** LLVM's note on an acquiring atomic whose loaded value goes to XZR. */
const droppedAcquire = (f: Fields): string | undefined => (f.rt === 31 ? 'acquire semantics dropped since destination is zero' : undefined);

// LSE atomic memory operations: [opc, operation]
const ATOMIC_OPS: [number, string][] = [[0, 'add'], [1, 'clr'], [2, 'eor'], [3, 'set'], [4, 'smax'], [5, 'smin'], [6, 'umax'], [7, 'umin']];
for (const [sz, sfx, w] of SIZES) {
  const amb = sz >= 2 ? w : '';
  for (const [acq, rel] of [[0, 0], [1, 0], [0, 1], [1, 1]]) {
    const ord = (acq ? 'a' : '') + (rel ? 'l' : '');
    const attrs = (op: string): Attrs => ({ size: sz, regBits: w === 'x' ? 64 : 32, load: true, store: true, acquire: acq === 1, release: rel === 1, op });
    for (const [opc, op] of ATOMIC_OPS) {
      const aliases = acq ? [] : [A(`st${op}${rel ? 'l' : ''}${sfx}`, [R('rs', w), MemBase()], (f) => f.rt === 31, { rt: 31 })];
      E(`LD${op.toUpperCase()}${ord.toUpperCase()}${sfx.toUpperCase()}${amb}`, `${bin(sz, 2)} 111 0 00 ${acq} ${rel} 1 rs:5 0 ${bin(opc, 3)} 00 rn:5 rt:5`, 'atomic', `ld${op}${ord}${sfx}`, [R('rs', w), R('rt', w), MemBase()], {
        feature: 'LSE', cls: 'atomic', attrs: attrs(op), aliases,
        comment: acq ? droppedAcquire : undefined,
      });
    }
    E(`SWP${ord.toUpperCase()}${sfx.toUpperCase()}${amb}`, `${bin(sz, 2)} 111 0 00 ${acq} ${rel} 1 rs:5 1 000 00 rn:5 rt:5`, 'swap', `swp${ord}${sfx}`, [R('rs', w), R('rt', w), MemBase()], {
      feature: 'LSE', cls: 'atomic', attrs: attrs('swp'), comment: acq ? droppedAcquire : undefined,
    });
  }
  E(`LDAPR${sfx.toUpperCase()}${amb}`, `${bin(sz, 2)} 111 0 00 1 0 1 11111 1 100 00 rn:5 rt:5`, 'acquireRelease', `ldapr${sfx}`, [R('rt', w), MemBase()], {
    feature: 'RCPC', cls: 'load', attrs: { size: sz, regBits: w === 'x' ? 64 : 32, load: true, acquire: true },
  });
}

// LDAPUR/STLUR (FEAT_LRCPC2): [size, opc, mnemonic, Rt width]
const RCPC2: [number, number, string, W64][] = [
  [0, 0, 'stlurb', 'w'], [0, 1, 'ldapurb', 'w'], [0, 2, 'ldapursb', 'x'], [0, 3, 'ldapursb', 'w'],
  [1, 0, 'stlurh', 'w'], [1, 1, 'ldapurh', 'w'], [1, 2, 'ldapursh', 'x'], [1, 3, 'ldapursh', 'w'],
  [2, 0, 'stlur', 'w'], [2, 1, 'ldapur', 'w'], [2, 2, 'ldapursw', 'x'], [3, 0, 'stlur', 'x'], [3, 1, 'ldapur', 'x'],
];
for (const [sz, opc, mn, w] of RCPC2) {
  const amb = mn === 'ldapursb' || mn === 'ldapursh' || sz >= 2;
  const load = opc !== 0;
  E(`${mn.toUpperCase()}${amb ? w : ''}`, `${bin(sz, 2)} 011001 ${bin(opc, 2)} 0 imm9:9 00 rn:5 rt:5`, 'acquireRelease', mn, [R('rt', w), MemOff('imm9', 9, { signed: true, scale: 1 })], {
    feature: 'RCPC2', cls: load ? 'load' : 'store',
    attrs: { size: sz, regBits: w === 'x' ? 64 : 32, signed: opc >= 2, load, store: !load, acquire: load, release: !load, mode: 'unscaled' },
  });
}

// MTE tag loads and stores (mte-arch.md §1.1): 11011001 opc 1 imm9 op2 Rn Rt
const tagMem = (form: 'post' | 'off' | 'pre'): Operand =>
  form === 'post' ? MemPost('imm9', 9, 16) : form === 'pre' ? MemPre('imm9', 9, 16) : MemOff('imm9', 9, { signed: true, scale: 16 });
const TAG_STORES: [number, string, string, boolean, boolean][] = [[0, 'STG', 'stg', false, false], [1, 'STZG', 'stzg', true, false], [2, 'ST2G', 'st2g', false, true], [3, 'STZ2G', 'stz2g', true, true]];
for (const [opc, name, mn, zero, pair] of TAG_STORES) {
  for (const [form, op2, mode] of [['post', '01', 'post'], ['off', '10', 'offset'], ['pre', '11', 'pre']] as const) {
    E(`${name}_${form}`, `11011001 ${bin(opc, 2)} 1 imm9:9 ${op2} rn:5 rt:5`, 'stg', mn, [Xsp('rt'), tagMem(form)], {
      feature: 'MTE', cls: 'tagStore', attrs: { store: true, zero, pair, mode },
    });
  }
}
E('LDG', '11011001 01 1 imm9:9 00 rn:5 rt:5', 'ldg', 'ldg', [X('rt'), tagMem('off')], { feature: 'MTE', cls: 'tagLoad', attrs: { load: true, mode: 'offset' } });
E('STZGM', '11011001 00 1 000000000 00 rn:5 rt:5', 'stzgm', 'stzgm', [X('rt'), MemBase()], { feature: 'MTE', cls: 'tagStore', attrs: { store: true, zero: true, el1Only: true } });
E('STGM', '11011001 10 1 000000000 00 rn:5 rt:5', 'stgm', 'stgm', [X('rt'), MemBase()], { feature: 'MTE', cls: 'tagStore', attrs: { store: true, el1Only: true } });
E('LDGM', '11011001 11 1 000000000 00 rn:5 rt:5', 'ldgm', 'ldgm', [X('rt'), MemBase()], { feature: 'MTE', cls: 'tagLoad', attrs: { load: true, el1Only: true } });

// ---------------------------------------------------------------------------------------------
// Allocated encodings granule does not implement. They decode as "unsupported" and raise
// UNDEFINED when executed; the disassembler says which class they belong to.

U('SVE', 'xxx 0010 xxxxxxxxxxxxxxxxxxxxxxxxx');
U('SIMD&FP data processing', 'xxx x111 xxxxxxxxxxxxxxxxxxxxxxxxx');
U('SIMD&FP loads and stores', 'xxxx 1 1 0 xxxxxxxxxxxxxxxxxxxxxxxxx');
U('pointer authentication (data processing)', '1 1 0 11010110 00001 xxxxxx xxxxx xxxxx');
U('pointer authentication (PACGA)', '1 0 0 11010110 xxxxx 001100 xxxxx xxxxx');
U('pointer authentication (branches)', '1101011 xxxx 11111 00001x xxxxx xxxxx');
U('pointer authentication (LDRAA/LDRAB)', '11 111 0 00 x x 1 xxxxxxxxx x 1 xxxxx xxxxx');
U('CRC32', 'x 0 0 11010110 xxxxx 010 xxx xxxxx xxxxx');
U('debug state (DCPS/DRPS)', '11010100 101 xxxxxxxxxxxxxxxx 000 xx');
U('debug state (DRPS)', '1101011 0101 11111 000000 11111 00000');

/** Reserved field combinations where LLVM 14 still prints an instruction (see test/golden). */
export const ENCODING_COUNT = ENCODINGS.length;
export { COND_NAMES, bySf };
