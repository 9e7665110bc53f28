// The assembler driver: GNU as syntax for AArch64 in two passes, producing a static executable
// image (no relocations: every value is absolute once the sections are placed).
//
// Pass 1 reads the source (macros, conditionals, includes and repetitions are expanded here,
// once), sizes every statement and records what pass 2 has to finish as items in program order.
// Between the passes the sections are laid out. Pass 2 evaluates and encodes the items.
// Errors never stop a pass: each is reported once, with the column of the offending token.

import { encodeInstruction } from './encoder.js';
import type { ElfSegment, ElfSymbol } from './elf-writer.js';
import { evalExpr, parseExpr, type Expr, type SymbolResolver } from './expr.js';
import { layoutSections, mappingSymbols, Section, sectionSegments, type PoolEntry, type SectionKind } from './layout.js';
import { AsmError, tokenize, TokenCursor, type SourceLoc, type Token } from './lexer.js';
import { bindMacroArgs, expandBody, type MacroDef } from './macros.js';
import { fileStatements, leadingName, type Statement } from './source.js';
import { DIRECTIVES, CONDITIONALS } from './directives.js';
import { exprLoc, SymbolTable, type Mode, type Pos, type Sym } from './symbols.js';

export { toFlatBinary } from './layout.js';
export { AsmError } from './lexer.js';

export interface AssembleOptions {
  /** Name used in diagnostics; default `<stdin>`. */
  file?: string;
  /** Address of `.text`; default 0x400000. Must be a multiple of 4 KiB. */
  base?: bigint;
  /**
   * Reads an `.include`d file. Relative paths are resolved against the including file's
   * directory before this is called, and diagnostics name the file by that resolved path.
   * Without it, `.include` is an error.
   */
  readInclude?: (path: string) => string;
}

export interface AssembledImage {
  entry: bigint;
  segments: ElfSegment[];
  symbols: ElfSymbol[];
}

export interface AssembleResult {
  errors: AsmError[];
  /** Present only when there are no errors. */
  image?: AssembledImage;
}

/** Assembles GNU as AArch64 source into a static executable image. */
export function assemble(source: string, opts: AssembleOptions = {}): AssembleResult {
  const base = opts.base ?? 0x400000n;
  if (base < 0n || base >= 1n << 64n || base % 0x1000n !== 0n) throw new RangeError(`base address ${base} is not a 4 KiB-aligned 64-bit address`);
  return new Assembler(opts, base).run(source);
}

/** Work left for pass 2, in program order; `context` as the statement's (see Statement). */
export type Item = { context?: string } & (
  | { kind: 'insn'; pos: Pos; mn: Token; tokens: Token[]; start: number; file: string; line: number; lit?: PoolEntry }
  | { kind: 'data'; pos: Pos; size: 1 | 2 | 4 | 8; exprs: Expr[] }
  | { kind: 'pool'; entries: PoolEntry[] }
  | { kind: 'equate'; sym: Sym; def: number }
  | { kind: 'local'; label: string }
  | { kind: 'size'; pos: Pos; sym: Sym; expr: Expr }
);

interface Frame {
  stmts: Statement[];
  next: number;
  kind: 'file' | 'macro' | 'repeat';
  /** Depth of the conditional stack when the frame started: it must end balanced. */
  condDepth: number;
}

export interface Conditional {
  /** This branch is being assembled. */
  active: boolean;
  /** A branch was taken already (or the enclosing block is inactive): the rest are skipped. */
  done: boolean;
  elseSeen: boolean;
  loc: SourceLoc;
  context?: string;
}

const MAX_MACRO_DEPTH = 100;
const MAX_INCLUDE_DEPTH = 32;
/** Statements one run may expand to: stops runaway recursion or `.rept` before the host runs out. */
const MAX_STATEMENTS = 2_000_000;
const NOP = 0xd503201f;

function le(value: bigint, size: number): Uint8Array {
  const out = new Uint8Array(size);
  let v = BigInt.asUintN(64, value);
  for (let i = 0; i < size; i++, v >>= 8n) out[i] = Number(v & 0xffn);
  return out;
}

/**
 * GNU's truncation check (read.c, emit_expr): a value fits in `size` bytes when either it or its
 * negation has no bits above them, so `.byte` takes -255..255.
 */
function fitsIn(value: bigint, size: number): boolean {
  if (size >= 8) return true;
  const high = BigInt.asUintN(64, ~((1n << BigInt(size * 8)) - 1n));
  return (BigInt.asUintN(64, value) & high) === 0n || (BigInt.asUintN(64, -value) & high) === 0n;
}

const hex = (v: bigint): string => '0x' + BigInt.asUintN(64, v).toString(16);

function exprUses(e: Expr, kinds: Expr['kind'][]): boolean {
  if (kinds.includes(e.kind)) return true;
  if (e.kind === 'unary') return exprUses(e.arg, kinds);
  if (e.kind === 'binary') return exprUses(e.left, kinds) || exprUses(e.right, kinds);
  return false;
}

/** An expression's text, with each symbol named as `name` spells it (to tell `.set` values apart). */
function exprKey(e: Expr, name: (sym: string) => string): string {
  switch (e.kind) {
    case 'num': return e.value.toString();
    case 'sym': return name(e.name);
    case 'unary': return `(${e.op}${exprKey(e.arg, name)})`;
    case 'binary': return `(${exprKey(e.left, name)}${e.op}${exprKey(e.right, name)})`;
    default: return '?';
  }
}

function dirname(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i + 1);
}

/** One assembly run (the state directives.ts works on); callers use `assemble()`. */
export class Assembler {
  readonly errors: AsmError[] = [];
  readonly sections: Section[] = [];
  readonly symtab = new SymbolTable();
  readonly macros = new Map<string, MacroDef>();
  readonly items: Item[] = [];
  readonly conds: Conditional[] = [];
  section: Section;
  previous: Section;
  readonly sectionStack: [Section, Section][] = [];
  private readonly frames: Frame[] = [];
  private macroCount = 0;
  private statementCount = 0;
  private readonly file: string;
  /** Where the statement being assembled came from, when a macro expanded it. */
  context: string | undefined;

  constructor(
    readonly opts: AssembleOptions,
    readonly base: bigint,
  ) {
    this.file = opts.file ?? '<stdin>';
    this.section = this.previous = this.sectionNamed('.text', 'text', 'ax');
  }

  report(e: unknown, context = this.context): void {
    if (!(e instanceof AsmError)) throw e;
    this.errors.push(context ? new AsmError(`${e.message} (${context})`, e.loc) : e);
  }

  run(source: string): AssembleResult {
    this.pushFile(source, this.file);
    for (let s = this.nextStatement(); s; s = this.nextStatement()) this.statement(s);
    for (const s of this.sections) {
      this.dumpPools(s);
      if (s.unflaggedAt && s.size > 0) {
        this.report(new AsmError(`section '${s.name}' would not be loaded (no "a" flag): give its flags, e.g. .section ${s.name}, "ax" for code, "a" for read-only data, "aw" for data`, s.unflaggedAt));
      }
    }
    const { misaligned, end } = layoutSections(this.sections, this.base);
    if (misaligned) {
      const loc = misaligned.alignLoc ?? { file: this.file, line: 1, col: 1 };
      this.report(new AsmError(`alignment ${misaligned.align} of '${misaligned.name}' is larger than the alignment of the base address ${hex(this.base)}`, loc));
    }
    if (end >= 1n << 64n) this.report(new AsmError('the program does not fit in the 64-bit address space above the base address', { file: this.file, line: 1, col: 1 }));
    for (const item of this.items) this.pass2(item);
    const errors = this.sortedErrors();
    return errors.length ? { errors } : { errors, image: this.image() };
  }

  private sortedErrors(): AsmError[] {
    const seen = new Set<string>();
    const files: string[] = [];
    const unique = this.errors.filter((e) => {
      const key = e.format();
      if (seen.has(key)) return false;
      seen.add(key);
      if (!files.includes(e.loc.file)) files.push(e.loc.file);
      return true;
    });
    const rank = (e: AsmError): number[] => [files.indexOf(e.loc.file), e.loc.line, e.loc.col];
    return unique.sort((a, b) => {
      const [x, y] = [rank(a), rank(b)];
      return x[0] - y[0] || x[1] - y[1] || x[2] - y[2];
    });
  }

  // --- Reading statements -------------------------------------------------------------------

  private pushFile(text: string, file: string): void {
    const { statements, error } = fileStatements(text, file);
    if (error) this.report(error);
    this.frames.push({ stmts: statements, next: 0, kind: 'file', condDepth: this.conds.length });
  }

  private nextStatement(): Statement | undefined {
    for (;;) {
      const frame = this.frames.at(-1);
      if (!frame) return undefined;
      if (frame.next < frame.stmts.length) {
        if (++this.statementCount > MAX_STATEMENTS) {
          const s = frame.stmts[frame.next];
          this.report(this.tooManyStatements({ file: s.file, line: s.line, col: s.col }));
          this.frames.length = 0;
          return undefined;
        }
        return frame.stmts[frame.next++];
      }
      this.popFrame();
    }
  }

  /** Ends a file, expansion or repetition; its conditionals must be closed unless it is left by `.exitm`. */
  private popFrame(exiting = false): Frame | undefined {
    const frame = this.frames.pop();
    if (!frame) return undefined;
    while (this.conds.length > frame.condDepth) {
      const c = this.conds.pop()!;
      if (!exiting) this.report(new AsmError(`'.if' without matching '.endif'`, c.loc), c.context);
    }
    return frame;
  }

  /** `.exitm`: leaves the innermost macro expansion. */
  exitMacro(loc: SourceLoc): void {
    if (!this.frames.some((f) => f.kind === 'macro')) throw new AsmError("'.exitm' outside a macro", loc);
    while (this.popFrame(true)?.kind !== 'macro');
  }

  /** `.end`: nothing after it is assembled. */
  endInput(): void {
    this.frames.length = 0;
    this.conds.length = 0;
  }

  /** Collects the statements up to the `close` that matches, nesting on `opens`. */
  captureBody(open: SourceLoc, opener: string, opens: string[], close: string): Statement[] | undefined {
    const frame = this.frames.at(-1)!;
    const body: Statement[] = [];
    let depth = 0;
    while (frame.next < frame.stmts.length) {
      const s = frame.stmts[frame.next++];
      const name = leadingName(s.text);
      if (opens.includes(name)) depth++;
      else if (name === close && depth-- === 0) return body;
      body.push(s);
    }
    this.report(new AsmError(`'${opener}' without matching '${close}'`, open));
    return undefined;
  }

  /** Runs `stmts` next (a macro expansion or repetition). */
  pushStatements(stmts: Statement[], kind: 'macro' | 'repeat', loc: SourceLoc): void {
    if (kind === 'macro' && this.frames.filter((f) => f.kind === 'macro').length >= MAX_MACRO_DEPTH) {
      // Runaway recursion: going on would only repeat this error, maybe exponentially often.
      this.endInput();
      throw new AsmError(`macros nested more than ${MAX_MACRO_DEPTH} deep`, loc);
    }
    this.frames.push({ stmts, next: 0, kind, condDepth: this.conds.length });
  }

  /** `.rept`: runs `body` `times` times, checking the size before building it. */
  repeat(body: Statement[], times: number, loc: SourceLoc): void {
    if (this.statementCount + times * body.length > MAX_STATEMENTS) throw this.tooManyStatements(loc);
    this.pushStatements(Array.from({ length: times }, () => body).flat(), 'repeat', loc);
  }

  private tooManyStatements(loc: SourceLoc): AsmError {
    return new AsmError(`more than ${MAX_STATEMENTS} statements after expansion: runaway macro or .rept?`, loc);
  }

  /** `.include "path"`: path relative to the including file's directory. */
  include(path: string, loc: SourceLoc): void {
    if (!this.opts.readInclude) throw new AsmError('.include is not available here (no file access)', loc);
    if (this.frames.filter((f) => f.kind === 'file').length >= MAX_INCLUDE_DEPTH) {
      this.endInput();
      throw new AsmError(`includes nested more than ${MAX_INCLUDE_DEPTH} deep`, loc);
    }
    const resolved = path.startsWith('/') ? path : dirname(loc.file) + path;
    let text: string;
    try {
      text = this.opts.readInclude(resolved);
    } catch (e) {
      throw new AsmError(`cannot read '${resolved}': ${(e as Error).message}`, loc);
    }
    this.pushFile(text, resolved);
  }

  get active(): boolean {
    return this.conds.at(-1)?.active ?? true;
  }

  private statement(s: Statement): void {
    // Skipped conditional blocks are not tokenized: only their conditionals are followed.
    if (!this.active && !CONDITIONALS.has(leadingName(s.text))) return;
    this.context = s.context;
    try {
      const c = new TokenCursor(tokenize(s.text, s, s.col), s.file, s.line);
      this.parseStatement(c, s);
    } catch (e) {
      this.report(e);
    } finally {
      this.context = undefined;
    }
  }

  private parseStatement(c: TokenCursor, s: Statement): void {
    this.labels(c, this.active);
    if (c.atEnd()) return;
    const t = c.peek();
    const name = t.kind === 'ident' ? t.text.toLowerCase() : '';
    const directive = DIRECTIVES.get(name);
    if (!this.active) {
      c.next();
      return CONDITIONALS.has(name) ? directive?.(this, c, s, t) : undefined;
    }
    if (t.kind === 'ident' && c.isPunct('=', 1)) {
      if (t.text === '.') throw c.error("assigning to '.' is not supported: use .skip or .balign", t);
      c.next();
      c.next();
      return this.equateStatement(t.text, c.loc(t), c);
    }
    if (t.kind !== 'ident') throw c.error(`unexpected '${t.text}': expected a label, directive or instruction`, t);
    if (directive) {
      c.next();
      return directive(this, c, s, t);
    }
    const macro = this.macros.get(name);
    if (macro) return this.invokeMacro(macro, s, t, c);
    if (name.startsWith('.')) throw c.error(`unknown directive '${t.text}'`, t);
    this.instruction(c, t);
  }

  /** Labels at the start of a statement: `name:` and numeric local labels `1:`. */
  private labels(c: TokenCursor, define: boolean): void {
    while (c.isPunct(':', 1) && !c.isPunct(':', 2)) {
      const t = c.peek();
      const local = t.kind === 'number' && /^\d+$/.test(t.text);
      if (t.kind !== 'ident' && !local) return;
      try {
        if (define && local) this.defineLocal(t.text);
        else if (define) this.defineLabel(t.text, c.loc(t));
      } catch (e) {
        this.report(e);
      }
      c.next();
      c.next();
    }
  }

  expectEnd(c: TokenCursor): void {
    if (!c.atEnd()) throw c.error(`unexpected '${c.peek().text}' at end of statement`);
  }

  private invokeMacro(def: MacroDef, s: Statement, name: Token, c: TokenCursor): void {
    const at = name.col - s.col + name.text.length;
    const loc = c.loc(name);
    const values = bindMacroArgs(def, s.text.slice(at), { ...loc, col: name.col + name.text.length }, loc);
    const context = `in macro '${def.name}' called at ${loc.file}:${loc.line}:${loc.col}`;
    this.pushStatements(expandBody(def.body, values, this.macroCount++, context), 'macro', loc);
  }

  // --- Sections -----------------------------------------------------------------------------

  sectionNamed(name: string, kind: SectionKind, flags: string): Section {
    let s = this.sections.find((x) => x.name === name);
    if (!s) {
      s = new Section(name, kind, this.sections.length, flags);
      this.sections.push(s);
    }
    return s;
  }

  switchTo(s: Section): void {
    if (s !== this.section) {
      this.previous = this.section;
      this.section = s;
    }
  }

  here(): Pos {
    return { section: this.section, offset: this.section.size };
  }

  /** Reserves bytes in the current section, turning a section overflow into a source error. */
  reserve(n: number, loc: SourceLoc): number {
    try {
      return this.section.reserve(n);
    } catch (e) {
      throw e instanceof RangeError ? new AsmError(e.message, loc) : e;
    }
  }

  /** Appends constant bytes; .bss only takes zeros (GNU: "attempt to store non-zero value"). */
  emitBytes(bytes: Uint8Array, state: 'code' | 'data', loc: SourceLoc): void {
    if (bytes.length === 0) return;
    const s = this.section;
    if (s.nobits && bytes.some((b) => b !== 0)) throw this.nonZeroInBss(loc);
    s.mark(state);
    this.reserve(bytes.length, loc);
    s.write(s.size - bytes.length, bytes);
  }

  /** Appends `n` zero bytes without building them (a large `.skip` in `.bss` costs nothing). */
  emitZeros(n: number, state: 'code' | 'data', loc: SourceLoc): void {
    if (n === 0) return;
    this.section.mark(state);
    this.reserve(n, loc);
  }

  nonZeroInBss(loc: SourceLoc): AsmError {
    return new AsmError(`attempt to store non-zero value in section '${this.section.name}'`, loc);
  }

  /**
   * Pads to a multiple of `align` (GNU as manual, ".balign"). Without a fill, code sections get
   * NOPs (zeros first for a part that is not a whole instruction, as GNU's
   * aarch64_handle_align does), other sections zeros. Nothing happens if more than `max` bytes
   * would be needed. The section's alignment grows either way. Like GNU (aarch64_init_frag),
   * padding in a code section counts as code for the mapping symbols, whatever it is filled with.
   */
  alignTo(align: number, fill: bigint | undefined, max: number | undefined, loc: SourceLoc): void {
    const s = this.section;
    s.recordAlign(align, loc);
    const pad = (align - (s.size % align)) % align;
    if (pad === 0 || (max !== undefined && pad > max)) return;
    const state = s.kind === 'text' ? 'code' : 'data';
    if (fill === undefined && s.kind === 'text') {
      this.emitZeros(pad % 4, 'data', loc);
      const nops = new Uint8Array(pad - (pad % 4));
      for (let i = 0; i < nops.length; i += 4) nops.set(le(BigInt(NOP), 4), i);
      this.emitBytes(nops, state, loc);
    } else {
      const byte = Number(BigInt.asUintN(8, fill ?? 0n));
      if (byte === 0) this.emitZeros(pad, state, loc);
      else this.emitBytes(new Uint8Array(pad).fill(byte), state, loc);
    }
  }

  /** GNU aligns instructions in code sections (md_assemble, frag_align_code). */
  private alignCode(loc: SourceLoc): void {
    const s = this.section;
    if (s.kind === 'text' && s.size % 4 !== 0) this.emitZeros(4 - (s.size % 4), 'data', loc);
    s.recordAlign(4);
  }

  /** Queues work for pass 2. */
  queue(item: Item): void {
    item.context = this.context;
    this.items.push(item);
  }

  /** `.byte`, `.word`, `.inst`...: values evaluated in pass 2. */
  emitData(size: 1 | 2 | 4 | 8, exprs: Expr[], code: boolean, loc: SourceLoc): void {
    if (exprs.length === 0) return;
    if (code) this.alignCode(loc);
    this.section.mark(code ? 'code' : 'data');
    const offset = this.reserve(size * exprs.length, loc);
    this.queue({ kind: 'data', pos: { section: this.section, offset }, size, exprs });
  }

  /**
   * Places the section's pending literal pools here, 4-byte entries first, then the 8-byte
   * ones, each pool aligned to its entry size with zeros (GNU's s_ltorg).
   */
  dumpPools(s: Section): void {
    const saved = this.section;
    this.section = s;
    for (const size of [4, 8] as const) {
      const entries = [...(s.pools.get(size)?.values() ?? [])];
      if (entries.length === 0) continue;
      s.pools.delete(size);
      this.alignTo(size, 0n, undefined, entries[0].loc);
      s.mark('data');
      for (const e of entries) e.offset = this.reserve(size, e.loc);
      this.queue({ kind: 'pool', entries });
    }
    this.section = saved;
  }

  /**
   * The pool slot for `ldr Rt, =expr`. Entries with equal constant values share a slot, and
   * so do entries with the same symbols and addend, like GNU's add_to_lit_pool (a symbol
   * redefined by `.set` in between counts as another symbol); never ones using `.` or local labels.
   */
  private addLiteral(expr: Expr, size: 4 | 8, pos: Pos): PoolEntry {
    const v = this.symtab.tryConstant(expr, pos);
    let key: string | undefined;
    if ('value' in v) key = `#${v.value}`;
    else if (!exprUses(expr, ['dot', 'localref'])) key = exprKey(expr, (name) => `${name}@${this.symtab.symbols.get(name)?.cur1 ?? ''}`);
    const pool = pos.section.pools.get(size) ?? new Map<string | PoolEntry, PoolEntry>();
    pos.section.pools.set(size, pool);
    const known = key === undefined ? undefined : pool.get(key);
    if (known) return known;
    const entry: PoolEntry = { expr, size, loc: exprLoc(expr), section: pos.section, at: pos.offset };
    pool.set(key ?? entry, entry);
    return entry;
  }

  private instruction(c: TokenCursor, mn: Token): void {
    const loc = c.loc(mn);
    const s = this.section;
    if (s.nobits) {
      this.reserve(4, loc);
      throw this.nonZeroInBss(loc);
    }
    this.alignCode(loc);
    s.mark('code');
    const pos = this.here();
    const item: Item = { kind: 'insn', pos, mn, tokens: c.tokens, start: c.pos + 1, file: c.file, line: c.line };
    this.reserve(4, loc);
    c.next();
    encodeInstruction(mn, c, {
      pc: 0n,
      resolver: this.symtab.resolver({ pass: 1, trial: 0 }, pos),
      sizing: true,
      literal: (expr, size) => {
        item.lit = this.addLiteral(expr, size, pos);
        return 0n;
      },
    });
    this.queue(item);
  }

  // --- Symbols ------------------------------------------------------------------------------

  private defineLabel(name: string, loc: SourceLoc): void {
    this.symtab.defineLabel(name, this.here(), loc);
  }

  private defineLocal(label: string): void {
    this.symtab.defineLocal(label, this.here());
    this.queue({ kind: 'local', label });
  }

  /** `name = expr` and the `.set` family. */
  equateStatement(name: string, loc: SourceLoc, c: TokenCursor, once = false): void {
    let expr: Expr;
    try {
      expr = parseExpr(c);
      this.expectEnd(c);
    } catch (e) {
      this.symtab.poison(name, this.here(), loc);
      throw e;
    }
    this.queue({ kind: 'equate', ...this.symtab.defineEquate(name, expr, this.here(), loc, once) });
  }

  /** A value that pass 1 must know (sizes, counts, conditions): constant where it is written. */
  constant(e: Expr): bigint {
    const v = this.symtab.tryConstant(e, this.here());
    if ('error' in v) throw v.error;
    return v.value;
  }

  // --- Pass 2 -------------------------------------------------------------------------------

  private pass2(item: Item): void {
    this.context = item.context;
    try {
      this.finish(item);
    } catch (e) {
      this.report(e);
    } finally {
      this.context = undefined;
    }
  }

  private finish(item: Item): void {
    const mode: Mode = { pass: 2 };
    const resolver = (pos: Pos): SymbolResolver => this.symtab.resolver(mode, pos);
    switch (item.kind) {
      case 'insn': {
        const c = new TokenCursor(item.tokens, item.file, item.line);
        c.pos = item.start;
        const pc = this.symtab.addr(item.pos);
        const lit = item.lit;
        // The pool slot gets its value here, where the `ldr` is: a later `.set` must not change it.
        if (lit && lit.value === undefined && lit.at === item.pos.offset && lit.section === item.pos.section) {
          lit.value = this.pass2Value(lit.expr, lit.size, item.pos);
        }
        const word = encodeInstruction(item.mn, c, {
          pc,
          resolver: resolver(item.pos),
          sizing: false,
          literal: () => (lit?.offset === undefined ? pc : lit.section.addr + BigInt(lit.offset)),
        });
        item.pos.section.write(item.pos.offset, le(BigInt(word), 4));
        return;
      }
      case 'data':
        item.exprs.forEach((e, i) => {
          const at = { section: item.pos.section, offset: item.pos.offset + i * item.size };
          const v = this.pass2Value(e, item.size, at);
          if (v !== undefined) at.section.write(at.offset, le(v, item.size));
        });
        return;
      case 'pool':
        for (const e of item.entries) if (e.value !== undefined) e.section.write(e.offset!, le(e.value, e.size));
        return;
      case 'equate':
        return this.symtab.passEquate(item.sym, item.def);
      case 'local':
        return this.symtab.passLocal(item.label);
      case 'size': {
        const v = evalExpr(item.expr, resolver(item.pos));
        if (v < 0n || v > BigInt(Number.MAX_SAFE_INTEGER)) throw new AsmError(`invalid symbol size ${v}`, exprLoc(item.expr));
        item.sym.size = Number(v);
        return;
      }
    }
  }

  /** Evaluates a `size`-byte data value with `.` at `at`; undefined (reported) if it is wrong. */
  private pass2Value(e: Expr, size: number, at: Pos): bigint | undefined {
    try {
      const v = evalExpr(e, this.symtab.resolver({ pass: 2 }, at));
      if (!fitsIn(v, size)) throw new AsmError(`value ${hex(v)} does not fit in ${size} byte${size > 1 ? 's' : ''}`, exprLoc(e));
      if (at.section.nobits && v !== 0n) throw new AsmError(`attempt to store non-zero value in section '${at.section.name}'`, exprLoc(e));
      return v;
    } catch (err) {
      this.report(err);
      return undefined;
    }
  }

  // --- The image ----------------------------------------------------------------------------

  private image(): AssembledImage {
    const used = new Set<Section>();
    const symbols: ElfSymbol[] = [];
    for (const s of this.symtab.symbols.values()) {
      if (s.kind === 'none' || s.name.startsWith('.L')) continue;
      const value = this.symtab.finalValue(s);
      const section = this.symtab.sectionOf(s, value, this.sections);
      if (section?.kind === 'other') continue;
      if (section) used.add(section);
      symbols.push({ name: s.name, value: BigInt.asUintN(64, value), size: s.size, type: s.type, binding: s.binding, section: section?.name ?? '' });
    }
    symbols.push(...mappingSymbols(this.sections));
    const start = this.symtab.symbols.get('_start');
    const entry = start && start.kind !== 'none' ? BigInt.asUintN(64, this.symtab.finalValue(start)) : this.sections[0].addr;
    return { entry, segments: sectionSegments(this.sections, used), symbols };
  }
}
