// The assembler's symbols and how expressions get their values in each pass: labels, numeric
// local labels and equates (which GNU as lets `.set` redefine).
//
// Pass 1 does not know where the sections will go, so it evaluates under two made-up layouts:
// a value that comes out the same in both does not depend on the layout (a constant, or a
// difference of labels in one section) and is "constant" in GNU's sense; anything else is an
// address, known only in pass 2.

import type { ElfSymbol } from './elf-writer.js';
import { evalExpr, type Expr, type SymbolResolver } from './expr.js';
import type { Section } from './layout.js';
import { AsmError, type SourceLoc } from './lexer.js';

/** A place in a section: the address of a statement once the sections are laid out. */
export interface Pos {
  section: Section;
  offset: number;
}

export type Mode = { pass: 1; trial: 0 | 1 } | { pass: 2 };

/** One definition of an equated symbol (`sym = expr`, `.set`, `.equ`). */
interface EquateDef {
  expr: Expr;
  pos: Pos;
  loc: SourceLoc;
  /** Pass 1 value under each trial layout, if it could be evaluated where it was defined. */
  pair?: [bigint, bigint];
  /** Pass 2 value, set when pass 2 reaches the definition. */
  value?: bigint;
  /** Its error was reported already: it counts as 0 so that its uses report nothing more. */
  poisoned?: boolean;
  busy?: boolean;
}

export interface Sym {
  name: string;
  kind: 'none' | 'label' | 'equate';
  pos?: Pos;
  defs: EquateDef[];
  /** The definition in force during pass 1 / pass 2 (equates may be redefined). */
  cur1?: number;
  cur2?: number;
  binding: ElfSymbol['binding'];
  type: ElfSymbol['type'];
  size: number;
}

/** The location where an expression starts (its leftmost token). */
export function exprLoc(e: Expr): SourceLoc {
  return e.kind === 'binary' ? exprLoc(e.left) : e.loc;
}

export class SymbolTable {
  readonly symbols = new Map<string, Sym>();
  private readonly localDefs = new Map<string, Pos[]>();
  private readonly localCount = new Map<string, number>();

  sym(name: string): Sym {
    let s = this.symbols.get(name);
    if (!s) {
      s = { name, kind: 'none', defs: [], binding: 'local', type: 'notype', size: 0 };
      this.symbols.set(name, s);
    }
    return s;
  }

  /** Defined by this point of pass 1 (`.ifdef`). */
  isDefined(name: string): boolean {
    const s = this.symbols.get(name);
    return s !== undefined && (s.kind === 'label' || s.cur1 !== undefined);
  }

  defineLabel(name: string, pos: Pos, loc: SourceLoc): void {
    const s = this.sym(name);
    if (s.kind !== 'none') throw new AsmError(`symbol '${name}' is already defined`, loc);
    s.kind = 'label';
    s.pos = pos;
  }

  /** `1:` in pass 1; pass 2 replays the definitions in order with `passLocal`. */
  defineLocal(label: string, pos: Pos): void {
    const defs = this.localDefs.get(label) ?? [];
    defs.push(pos);
    this.localDefs.set(label, defs);
  }

  passLocal(label: string): void {
    this.localCount.set(label, (this.localCount.get(label) ?? 0) + 1);
  }

  /** Defines (or redefines) an equate in pass 1; returns the definition's index for pass 2. */
  defineEquate(name: string, expr: Expr, pos: Pos, loc: SourceLoc, once: boolean): { sym: Sym; def: number } {
    const s = this.sym(name);
    if (s.kind === 'label' || (once && s.kind === 'equate')) throw new AsmError(`symbol '${name}' is already defined`, loc);
    s.kind = 'equate';
    const def: EquateDef = { expr, pos, loc };
    const index = s.defs.push(def) - 1;
    try {
      def.pair = [this.evalDef(s, index, { pass: 1, trial: 0 }), this.evalDef(s, index, { pass: 1, trial: 1 })];
    } catch (e) {
      // Not known yet (a forward reference): evaluated when used.
      if (!(e instanceof AsmError)) throw e;
    }
    s.cur1 = index;
    return { sym: s, def: index };
  }

  /** A definition that did not parse: the name is defined, so its uses report nothing more. */
  poison(name: string, pos: Pos, loc: SourceLoc): void {
    const s = this.sym(name);
    if (s.kind !== 'none') return;
    s.kind = 'equate';
    s.cur1 = s.defs.push({ expr: { kind: 'num', value: 0n, loc }, pos, loc, poisoned: true }) - 1;
  }

  /** Pass 2 reaches definition `index` of `s`: its value from here on. */
  passEquate(s: Sym, index: number): void {
    const def = s.defs[index];
    try {
      def.value = this.evalDef(s, index, { pass: 2 });
    } catch (e) {
      def.poisoned = true;
      throw e;
    } finally {
      s.cur2 = index;
    }
  }

  /** Evaluates definition `index` of an equate; the symbol itself means its previous value. */
  private evalDef(s: Sym, index: number, mode: Mode): bigint {
    const def = s.defs[index];
    if (def.busy) throw new AsmError(`symbol '${s.name}' is defined in terms of itself`, def.loc);
    const key = mode.pass === 1 ? 'cur1' : 'cur2';
    const saved = s[key];
    s[key] = index > 0 ? index - 1 : undefined;
    def.busy = true;
    try {
      return evalExpr(def.expr, this.resolver(mode, def.pos));
    } finally {
      def.busy = false;
      s[key] = saved;
    }
  }

  private trialBase(s: Section, trial: 0 | 1): bigint {
    const k = BigInt(s.index + 1) << 40n;
    return trial === 0 ? k : 3n * k + 0x5a5a5n;
  }

  addr(pos: Pos, mode: Mode = { pass: 2 }): bigint {
    const base = mode.pass === 2 ? pos.section.addr : this.trialBase(pos.section, mode.trial);
    return base + BigInt(pos.offset);
  }

  private symbolValue(name: string, mode: Mode): bigint | undefined {
    const s = this.symbols.get(name);
    if (!s) return undefined;
    if (s.kind === 'label') return this.addr(s.pos!, mode);
    if (s.kind !== 'equate') return undefined;
    // Pass 2 before the first definition: GNU binds a forward reference to that definition.
    const index = mode.pass === 1 ? s.cur1 : (s.cur2 ?? 0);
    if (index === undefined) return undefined;
    const def = s.defs[index];
    const known = mode.pass === 1 ? def.pair?.[mode.trial] : def.value;
    if (known !== undefined) return known;
    if (def.poisoned) return 0n;
    return this.evalDef(s, index, mode);
  }

  private localValue(label: string, dir: 'b' | 'f', mode: Mode): bigint | undefined {
    if (mode.pass === 1 && dir === 'f') return undefined;
    const defs = this.localDefs.get(label) ?? [];
    const seen = mode.pass === 1 ? defs.length : (this.localCount.get(label) ?? 0);
    const pos = defs[dir === 'b' ? seen - 1 : seen];
    return pos && this.addr(pos, mode);
  }

  /** Values as seen from `pos` (which is `.`). */
  resolver(mode: Mode, pos: Pos): SymbolResolver {
    return {
      symbol: (name) => this.symbolValue(name, mode),
      localLabel: (label, dir) => this.localValue(label, dir, mode),
      dot: () => this.addr(pos, mode),
      isConstant: (e) => 'value' in this.tryConstant(e, pos),
    };
  }

  /** The value if it is a constant by now in pass 1, else why not. */
  tryConstant(e: Expr, pos: Pos): { value: bigint } | { error: AsmError } {
    try {
      const a = evalExpr(e, this.resolver({ pass: 1, trial: 0 }, pos));
      const b = evalExpr(e, this.resolver({ pass: 1, trial: 1 }, pos));
      if (a === b) return { value: a };
      return { error: new AsmError('expected a constant expression, not an address', exprLoc(e)) };
    } catch (err) {
      if (!(err instanceof AsmError)) throw err;
      const undefinedName = /^undefined (symbol|local label)/.test(err.message);
      return { error: undefinedName ? new AsmError(`${err.message}: the value must be known at this point`, err.loc) : err };
    }
  }

  /** The symbol's value after pass 2: a label's address, an equate's last value. */
  finalValue(s: Sym): bigint {
    if (s.kind === 'label') return this.addr(s.pos!);
    return s.defs.at(-1)!.value ?? 0n;
  }

  /**
   * The section a symbol belongs to: a label's own; for an equate, none (absolute) if its value
   * does not depend on the layout, else the section its value points into.
   */
  sectionOf(s: Sym, value: bigint, sections: Section[]): Section | undefined {
    if (s.kind === 'label') return s.pos!.section;
    const pair = s.defs.at(-1)!.pair;
    if (pair && pair[0] === pair[1]) return undefined;
    return sections.find((x) => x.kind !== 'other' && value >= x.addr && value <= x.addr + BigInt(x.size));
  }
}
