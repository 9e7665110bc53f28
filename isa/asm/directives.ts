// Assembler directives (GNU as manual, "Assembler Directives", and the AArch64-dependent ones
// in "AArch64 Machine Directives"). Each handler runs in pass 1 with the cursor just past the
// directive's name; what needs final addresses is queued as a pass-2 item by the Assembler.

import type { Assembler } from './assembler.js';
import { parseExpr, type Expr } from './expr.js';
import type { SectionKind } from './layout.js';
import { AsmError, type SourceLoc, type Token, TokenCursor } from './lexer.js';
import { expandBody, parseIrp, parseMacroHead } from './macros.js';
import type { Statement } from './source.js';

export type Directive = (a: Assembler, c: TokenCursor, s: Statement, name: Token) => void;

/** The source text after the directive's name, and the column where it starts. */
function rest(s: Statement, name: Token): { text: string; col: number } {
  const at = name.col - s.col + name.text.length;
  return { text: s.text.slice(at), col: name.col + name.text.length };
}

function exprList(a: Assembler, c: TokenCursor): Expr[] {
  const out: Expr[] = [];
  if (c.atEnd()) return out;
  do out.push(parseExpr(c));
  while (c.eat(','));
  a.expectEnd(c);
  return out;
}

/** A pass-1 constant in [min, max]. */
function count(a: Assembler, c: TokenCursor, what: string, min = 0n, max = 1n << 30n): number {
  const e = parseExpr(c);
  const v = a.constant(e);
  if (v < min || v > max) throw new AsmError(`${what} ${v} out of range [${min}, ${max}]`, e.loc);
  return Number(v);
}

function data(size: 1 | 2 | 4 | 8, code = false): Directive {
  return (a, c, _s, name) => a.emitData(size, exprList(a, c), code, c.loc(name));
}

function strings(terminate: boolean): Directive {
  return (a, c) => {
    do {
      const t = c.next();
      if (t.kind !== 'string') throw c.error('expected string', t);
      const bytes = terminate ? Uint8Array.of(...t.bytes!, 0) : t.bytes!;
      a.emitBytes(bytes, 'data', c.loc(t));
    } while (c.eat(','));
    a.expectEnd(c);
  };
}

/** `.skip size[, fill]` (also `.space`, and `.zero size`). */
function skip(withFill: boolean): Directive {
  return (a, c, _s, name) => {
    const size = count(a, c, 'size');
    const fill = Number(BigInt.asUintN(8, withFill && c.eat(',') ? a.constant(parseExpr(c)) : 0n));
    a.expectEnd(c);
    if (fill === 0) a.emitZeros(size, 'data', c.loc(name));
    else a.emitBytes(new Uint8Array(size).fill(fill), 'data', c.loc(name));
  };
}

/** `.fill repeat[, size[, value]]`: GNU takes value as 4 bytes with zeros above, size at most 8. */
const fill: Directive = (a, c, _s, name) => {
  const repeat = count(a, c, 'repeat count');
  let size = 1;
  let value = 0n;
  if (c.eat(',')) {
    size = Math.min(count(a, c, 'size'), 8);
    if (c.eat(',')) value = a.constant(parseExpr(c));
  }
  a.expectEnd(c);
  if (repeat * size > 1 << 30) throw c.error('.fill would emit more than 1 GiB', name);
  const unit = new Uint8Array(8);
  new DataView(unit.buffer).setUint32(0, Number(BigInt.asUintN(32, value)), true);
  const out = new Uint8Array(repeat * size);
  for (let i = 0; i < repeat; i++) out.set(unit.subarray(0, size), i * size);
  a.emitBytes(out, 'data', c.loc(name));
};

/**
 * `.p2align n[, fill[, max]]`, `.balign bytes[, fill[, max]]`; on AArch64 `.align` is `.p2align`
 * (GNU as manual, ".align": "the ARM ... the first expression ... is the number of low-order zero
 * bits"). `.align 3,` with an empty fill pads with zeros even in code, as GNU does.
 */
function align(power: boolean): Directive {
  return (a, c, _s, name) => {
    let bytes = 1;
    if (!c.atEnd() && !c.isPunct(',')) {
      const e = parseExpr(c);
      const v = a.constant(e);
      if (power) {
        if (v < 0n || v > 30n) throw new AsmError(`alignment 2^${v} out of range [2^0, 2^30]`, e.loc);
        bytes = 2 ** Number(v);
      } else {
        if (v < 0n || v > 1n << 30n || (v & (v - 1n)) !== 0n) throw new AsmError('alignment is not a power of 2 (at most 2^30)', e.loc);
        bytes = Math.max(1, Number(v));
      }
    }
    let fillValue: bigint | undefined;
    let max: number | undefined;
    if (c.eat(',')) {
      if (c.atEnd()) fillValue = 0n;
      else if (!c.isPunct(',')) fillValue = a.constant(parseExpr(c));
      if (c.eat(',')) max = count(a, c, 'maximum skip');
    }
    a.expectEnd(c);
    a.alignTo(bytes, fillValue, max, c.loc(name));
  };
}

// --- Sections -------------------------------------------------------------------------------

const hasPrefix = (name: string, p: string): boolean => name === p || name.startsWith(p + '.');

/** ELF section kind from flags and type, or for well-known names without flags (bfd's special sections). */
function sectionKind(name: string, flags: string | undefined, type: string | undefined): SectionKind {
  if (flags === undefined) {
    for (const k of ['text', 'rodata', 'data', 'bss'] as const) if (hasPrefix(name, '.' + k)) return k;
    return 'other';
  }
  if (!flags.includes('a')) return 'other';
  if (flags.includes('x')) return 'text';
  if (type === 'nobits' || (type === undefined && hasPrefix(name, '.bss'))) return 'bss';
  return flags.includes('w') ? 'data' : 'rodata';
}

function enterSection(a: Assembler, name: string, kind: SectionKind, flags: string, explicit: boolean, loc: SourceLoc): void {
  const existing = a.sections.find((x) => x.name === name);
  if (existing && explicit && existing.kind !== kind) throw new AsmError(`section '${name}' was first given different attributes ("${existing.flags}")`, loc);
  const section = existing ?? a.sectionNamed(name, kind, flags);
  // A name GNU knows no flags for makes a section that is not loaded: fine for markers like
  // .note.GNU-stack, a surprise for code or data, so contents there are an error (Assembler.run).
  if (!existing && kind === 'other' && !explicit) section.unflaggedAt = loc;
  a.switchTo(section);
}

function standardSection(name: string, kind: SectionKind, flags: string): Directive {
  return (a, c) => {
    if (!c.atEnd()) throw c.error('subsections are not supported');
    enterSection(a, name, kind, flags, false, c.loc());
  };
}

/** `.section name[, "flags"[, %type[, ...]]]`. */
function section(push: boolean): Directive {
  return (a, c, s, dir) => {
    const { text, col } = rest(s, dir);
    const m = /^\s*(?:"([^"]*)"|([^\s,"]+))\s*/.exec(text);
    if (!m) throw c.error('expected section name', c.peek());
    const name = m[1] ?? m[2];
    let tail = text.slice(m[0].length);
    let at = col + m[0].length;
    let flags: string | undefined;
    let type: string | undefined;
    const f = /^,\s*"([^"]*)"\s*/.exec(tail);
    const locAt = (offset: number): SourceLoc => ({ file: s.file, line: s.line, col: at + offset });
    if (f) {
      flags = f[1];
      const bad = [...flags].find((ch) => !'awxMS'.includes(ch));
      if (bad) throw new AsmError(`unsupported section flag '${bad}'`, locAt(f[0].indexOf('"')));
      tail = tail.slice(f[0].length);
      at += f[0].length;
      const t = /^,\s*[%@](\w+)\s*/.exec(tail);
      if (t) {
        type = t[1].toLowerCase();
        if (!['progbits', 'nobits', 'note'].includes(type)) throw new AsmError(`unsupported section type '${t[1]}'`, locAt(t[0].search(/[%@]/)));
        tail = tail.slice(t[0].length);
        at += t[0].length;
      }
      if (tail !== '' && !(type && tail.startsWith(','))) throw new AsmError(`unexpected '${tail.trim()}' after section flags`, locAt(0));
    } else if (tail !== '') {
      throw new AsmError('expected \'"flags"\' after the section name', locAt(0));
    }
    if (push) a.sectionStack.push([a.section, a.previous]);
    enterSection(a, name, sectionKind(name, flags, type), flags ?? '', flags !== undefined, c.loc(dir));
  };
}

// --- Symbols --------------------------------------------------------------------------------

function ident(c: TokenCursor, what = 'symbol name'): Token {
  const t = c.next();
  if (t.kind !== 'ident') throw c.error(`expected ${what}`, t);
  return t;
}

function binding(b: 'global' | 'weak' | 'local'): Directive {
  return (a, c) => {
    do a.symtab.sym(ident(c).text).binding = b;
    while (c.eat(','));
    a.expectEnd(c);
  };
}

const SYMBOL_TYPES: Record<string, 'func' | 'object' | 'notype'> = {
  function: 'func',
  object: 'object',
  notype: 'notype',
  stt_func: 'func',
  stt_object: 'object',
  stt_notype: 'notype',
};

const typeDirective: Directive = (a, c) => {
  const sym = a.symtab.sym(ident(c).text);
  c.expect(',');
  if (!c.eat('%')) c.eat('@');
  const t = c.next();
  const type = t.kind === 'ident' || t.kind === 'string' ? SYMBOL_TYPES[(t.kind === 'string' ? new TextDecoder().decode(t.bytes) : t.text).toLowerCase()] : undefined;
  if (!type) throw c.error(`unsupported symbol type '${t.text}' (expected function, object or notype)`, t);
  a.expectEnd(c);
  sym.type = type;
};

const sizeDirective: Directive = (a, c) => {
  const sym = a.symtab.sym(ident(c).text);
  c.expect(',');
  const expr = parseExpr(c);
  a.expectEnd(c);
  a.queue({ kind: 'size', pos: a.here(), sym, expr });
};

function equate(once: boolean): Directive {
  return (a, c) => {
    const t = ident(c);
    c.expect(',');
    a.equateStatement(t.text, c.loc(t), c, once);
  };
}

// --- Conditionals ---------------------------------------------------------------------------

/** Opens a conditional block; a condition that cannot be evaluated counts as false. */
function openIf(a: Assembler, test: () => boolean, loc: SourceLoc): void {
  let v = false;
  if (a.active) {
    try {
      v = test();
    } catch (e) {
      a.report(e);
    }
  }
  a.conds.push({ active: v, done: v || !a.active, elseSeen: false, loc, context: a.context });
}

function ifExpr(test: (v: bigint) => boolean): Directive {
  return (a, c, _s, name) =>
    openIf(a, () => {
      const v = a.constant(parseExpr(c));
      a.expectEnd(c);
      return test(v);
    }, c.loc(name));
}

function ifDef(want: boolean): Directive {
  return (a, c, _s, name) =>
    openIf(a, () => {
      const t = ident(c);
      a.expectEnd(c);
      return a.symtab.isDefined(t.text) === want;
    }, c.loc(name));
}

function ifBlank(want: boolean): Directive {
  return (a, c, s, name) => openIf(a, () => (rest(s, name).text.trim() === '') === want, c.loc(name));
}

/** `.ifc a, b`: string comparison; either string may be in single quotes. */
function ifSame(want: boolean): Directive {
  return (a, c, s, name) =>
    openIf(a, () => {
      const m = /^\s*('[^']*'|[^,]*?)\s*,\s*('[^']*'|.*?)\s*$/.exec(rest(s, name).text);
      if (!m) throw c.error('expected two strings separated by a comma', c.peek());
      const unquote = (x: string): string => (x.startsWith("'") ? x.slice(1, -1) : x);
      return (unquote(m[1]) === unquote(m[2])) === want;
    }, c.loc(name));
}

function innermost(a: Assembler, c: TokenCursor, name: Token): NonNullable<Assembler['conds'][number]> {
  const top = a.conds.at(-1);
  if (!top) throw c.error(`'${name.text}' without '.if'`, name);
  if (top.elseSeen) throw c.error(`'${name.text}' after '.else'`, name);
  return top;
}

const elseIf: Directive = (a, c, _s, name) => {
  const top = innermost(a, c, name);
  if (top.done) {
    top.active = false;
    return;
  }
  a.conds.pop();
  openIf(a, () => {
    const v = a.constant(parseExpr(c));
    a.expectEnd(c);
    return v !== 0n;
  }, top.loc);
};

const elseDirective: Directive = (a, c, _s, name) => {
  const top = innermost(a, c, name);
  a.expectEnd(c);
  top.active = !top.done;
  top.done = true;
  top.elseSeen = true;
};

const endif: Directive = (a, c, _s, name) => {
  if (!a.conds.pop()) throw c.error("'.endif' without '.if'", name);
};

// --- Macros and repetition ------------------------------------------------------------------

const REPEATS = ['.rept', '.irp', '.irpc'];

const macro: Directive = (a, c, s, name) => {
  const loc = c.loc(name);
  const body = a.captureBody(loc, '.macro', ['.macro'], '.endm');
  const { text, col } = rest(s, name);
  const head = parseMacroHead(text, { ...loc, col });
  if (a.macros.has(head.name.toLowerCase())) throw new AsmError(`macro '${head.name}' is already defined`, loc);
  if (body) a.macros.set(head.name.toLowerCase(), { ...head, body, loc });
};

function stray(what: string): Directive {
  return (_a, c, _s, name) => {
    throw c.error(`'${name.text}' without ${what}`, name);
  };
}

const rept: Directive = (a, c, _s, name) => {
  const loc = c.loc(name);
  const body = a.captureBody(loc, '.rept', REPEATS, '.endr');
  const n = count(a, c, 'repeat count', 0n, 1n << 30n);
  a.expectEnd(c);
  if (body) a.repeat(body, n, loc);
};

function irp(perChar: boolean): Directive {
  return (a, c, s, name) => {
    const loc = c.loc(name);
    const body = a.captureBody(loc, name.text.toLowerCase(), REPEATS, '.endr');
    const { text, col } = rest(s, name);
    const { name: param, values } = parseIrp(text, { ...loc, col }, perChar);
    if (body) a.pushStatements(values.flatMap((v) => expandBody(body, new Map([[param, v]]))), 'repeat', loc);
  };
}

// --- Everything else ------------------------------------------------------------------------

function quoted(c: TokenCursor, what: string): string {
  const t = c.next();
  if (t.kind !== 'string') throw c.error(`expected ${what} in double quotes`, t);
  return new TextDecoder().decode(t.bytes);
}

const ignored: Directive = () => {
  // `.arch`, `.arch_extension`, `.cpu`: the encoder accepts every instruction granule supports
  // whatever architecture is named, so these select nothing.
};

export const DIRECTIVES = new Map<string, Directive>([
  ['.byte', data(1)],
  ['.hword', data(2)],
  ['.short', data(2)],
  ['.2byte', data(2)],
  ['.word', data(4)],
  ['.long', data(4)],
  ['.int', data(4)],
  ['.4byte', data(4)],
  ['.quad', data(8)],
  ['.xword', data(8)],
  ['.dword', data(8)],
  ['.8byte', data(8)],
  ['.inst', data(4, true)],
  ['.ascii', strings(false)],
  ['.asciz', strings(true)],
  ['.string', strings(true)],
  ['.zero', skip(false)],
  ['.skip', skip(true)],
  ['.space', skip(true)],
  ['.fill', fill],
  ['.align', align(true)],
  ['.p2align', align(true)],
  ['.balign', align(false)],
  ['.text', standardSection('.text', 'text', 'ax')],
  ['.data', standardSection('.data', 'data', 'aw')],
  ['.bss', standardSection('.bss', 'bss', 'aw')],
  ['.rodata', standardSection('.rodata', 'rodata', 'a')],
  ['.section', section(false)],
  ['.pushsection', section(true)],
  [
    '.popsection',
    (a, c, _s, name) => {
      const top = a.sectionStack.pop();
      if (!top) throw c.error("'.popsection' without '.pushsection'", name);
      [a.section, a.previous] = top;
    },
  ],
  ['.previous', (a) => ([a.section, a.previous] = [a.previous, a.section])],
  ['.global', binding('global')],
  ['.globl', binding('global')],
  ['.weak', binding('weak')],
  ['.local', binding('local')],
  ['.type', typeDirective],
  ['.size', sizeDirective],
  ['.equ', equate(false)],
  ['.set', equate(false)],
  ['.equiv', equate(true)],
  ['.ltorg', (a, c) => (a.expectEnd(c), a.dumpPools(a.section))],
  ['.pool', (a, c) => (a.expectEnd(c), a.dumpPools(a.section))],
  ['.if', ifExpr((v) => v !== 0n)],
  ['.ifne', ifExpr((v) => v !== 0n)],
  ['.ifeq', ifExpr((v) => v === 0n)],
  ['.ifgt', ifExpr((v) => v > 0n)],
  ['.ifge', ifExpr((v) => v >= 0n)],
  ['.iflt', ifExpr((v) => v < 0n)],
  ['.ifle', ifExpr((v) => v <= 0n)],
  ['.ifdef', ifDef(true)],
  ['.ifndef', ifDef(false)],
  ['.ifnotdef', ifDef(false)],
  ['.ifb', ifBlank(true)],
  ['.ifnb', ifBlank(false)],
  ['.ifc', ifSame(true)],
  ['.ifnc', ifSame(false)],
  ['.elseif', elseIf],
  ['.else', elseDirective],
  ['.endif', endif],
  ['.macro', macro],
  ['.endm', stray("'.macro'")],
  ['.exitm', (a, c, _s, name) => a.exitMacro(c.loc(name))],
  [
    '.purgem',
    (a, c) => {
      const t = ident(c, 'macro name');
      if (!a.macros.delete(t.text.toLowerCase())) throw c.error(`macro '${t.text}' is not defined`, t);
    },
  ],
  ['.rept', rept],
  ['.irp', irp(false)],
  ['.irpc', irp(true)],
  ['.endr', stray("'.rept', '.irp' or '.irpc'")],
  [
    '.include',
    (a, c, _s, name) => {
      const path = quoted(c, 'file name');
      a.expectEnd(c);
      a.include(path, c.loc(name));
    },
  ],
  ['.err', (_a, c, _s, name) => { throw c.error("'.err' encountered", name); }],
  ['.error', (_a, c, _s, name) => { throw c.error(c.atEnd() ? "'.error' encountered" : quoted(c, 'message'), name); }],
  ['.end', (a) => a.endInput()],
  ['.arch', ignored],
  ['.arch_extension', ignored],
  ['.cpu', ignored],
]);

/** Directives followed even inside a skipped conditional block, to find its end. */
export const CONDITIONALS = new Set([...DIRECTIVES.keys()].filter((k) => k.startsWith('.if') || k === '.else' || k === '.elseif' || k === '.endif'));
