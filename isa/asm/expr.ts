// Assembler expressions with GNU as operators and precedence (GNU as manual, "Infix Operators"):
//   unary  - ~ !                      (highest)
//   * / % << >>
//   | & ^ !   (infix ! is "or not")
//   + - == != <> < > <= >=
//   && ||                             (lowest)
// Values are 64-bit two's complement, kept as bigint (assembly is not a hot path).

import { AsmError, type SourceLoc, type Token, TokenCursor } from './lexer.js';

export type Expr =
  | { kind: 'num'; value: bigint; loc: SourceLoc }
  | { kind: 'sym'; name: string; loc: SourceLoc }
  | { kind: 'localref'; label: string; dir: 'b' | 'f'; loc: SourceLoc }
  | { kind: 'dot'; loc: SourceLoc }
  | { kind: 'unary'; op: string; arg: Expr; loc: SourceLoc }
  | { kind: 'binary'; op: string; left: Expr; right: Expr; loc: SourceLoc };

const LEVELS: string[][] = [
  ['&&', '||'],
  ['+', '-', '==', '!=', '<>', '<', '>', '<=', '>='],
  ['|', '&', '^', '!'],
  ['*', '/', '%', '<<', '>>'],
];

/** Parses an expression at the cursor; stops at the first token that cannot continue it. */
export function parseExpr(c: TokenCursor): Expr {
  return parseLevel(c, 0);
}

function parseLevel(c: TokenCursor, level: number): Expr {
  if (level === LEVELS.length) return parseUnary(c);
  let left = parseLevel(c, level + 1);
  for (;;) {
    const t = c.peek();
    if (t.kind !== 'punct' || !LEVELS[level].includes(t.text)) return left;
    c.next();
    const right = parseLevel(c, level + 1);
    left = { kind: 'binary', op: t.text, left, right, loc: c.loc(t) };
  }
}

function parseUnary(c: TokenCursor): Expr {
  const t = c.peek();
  if (t.kind === 'punct' && (t.text === '-' || t.text === '~' || t.text === '!' || t.text === '+')) {
    c.next();
    const arg = parseUnary(c);
    return t.text === '+' ? arg : { kind: 'unary', op: t.text, arg, loc: c.loc(t) };
  }
  return parsePrimary(c);
}

function parsePrimary(c: TokenCursor): Expr {
  const t = c.peek();
  const loc = c.loc(t);
  switch (t.kind) {
    case 'number':
      c.next();
      return { kind: 'num', value: t.value!, loc };
    case 'localref':
      c.next();
      return { kind: 'localref', label: t.text.slice(0, -1), dir: t.text.endsWith('b') ? 'b' : 'f', loc };
    case 'ident':
      c.next();
      if (t.text === '.') return { kind: 'dot', loc };
      return { kind: 'sym', name: t.text, loc };
    case 'punct':
      if (t.text === '(') {
        c.next();
        const e = parseExpr(c);
        c.expect(')');
        return e;
      }
      break;
  }
  throw c.error(t.kind === 'eol' ? 'expected expression' : `unexpected '${t.text}' in expression`, t);
}

/** How an expression's names get their values. `undefined` means "not (yet) defined". */
export interface SymbolResolver {
  symbol(name: string, loc: SourceLoc): bigint | undefined;
  localLabel(label: string, dir: 'b' | 'f', loc: SourceLoc): bigint | undefined;
  /** The address of the statement being assembled (GNU's `.`). */
  dot(): bigint;
  /**
   * Whether `e` is a constant rather than an address (its value does not depend on where the
   * sections are placed). GNU as encodes a constant branch or literal target as an offset from
   * the instruction; a resolver without this method has every target taken as an address.
   */
  isConstant?(e: Expr): boolean;
}

const wrap = (v: bigint): bigint => BigInt.asIntN(64, v);

/** Evaluates to a signed 64-bit value; throws AsmError naming the first undefined symbol. */
export function evalExpr(e: Expr, r: SymbolResolver): bigint {
  switch (e.kind) {
    case 'num':
      return wrap(e.value);
    case 'dot':
      return wrap(r.dot());
    case 'sym': {
      const v = r.symbol(e.name, e.loc);
      if (v === undefined) throw new AsmError(`undefined symbol '${e.name}'`, e.loc);
      return wrap(v);
    }
    case 'localref': {
      const v = r.localLabel(e.label, e.dir, e.loc);
      if (v === undefined) throw new AsmError(`undefined local label '${e.label}${e.dir}'`, e.loc);
      return wrap(v);
    }
    case 'unary': {
      const a = evalExpr(e.arg, r);
      if (e.op === '-') return wrap(-a);
      if (e.op === '~') return wrap(~a);
      return a === 0n ? 1n : 0n;
    }
    case 'binary': {
      const a = evalExpr(e.left, r);
      const b = evalExpr(e.right, r);
      switch (e.op) {
        case '+': return wrap(a + b);
        case '-': return wrap(a - b);
        case '*': return wrap(a * b);
        case '/':
        case '%':
          if (b === 0n) throw new AsmError('division by zero', e.loc);
          return wrap(e.op === '/' ? a / b : a % b);
        case '<<': return b < 0n || b > 63n ? 0n : wrap(a << b);
        case '>>': return b < 0n || b > 63n ? (a < 0n ? -1n : 0n) : a >> b;
        case '&': return a & b;
        case '|': return a | b;
        case '^': return a ^ b;
        case '!': return wrap(a | ~b);
        // GNU as: comparisons give -1 for true, 0 for false.
        case '==': return a === b ? -1n : 0n;
        case '!=':
        case '<>': return a !== b ? -1n : 0n;
        case '<': return a < b ? -1n : 0n;
        case '>': return a > b ? -1n : 0n;
        case '<=': return a <= b ? -1n : 0n;
        case '>=': return a >= b ? -1n : 0n;
        case '&&': return a !== 0n && b !== 0n ? 1n : 0n;
        case '||': return a !== 0n || b !== 0n ? 1n : 0n;
      }
      throw new AsmError(`unknown operator '${e.op}'`, e.loc);
    }
  }
}

/** Names every symbol an expression uses (for "is this constant yet?" questions). */
export function exprSymbols(e: Expr, out: string[] = []): string[] {
  if (e.kind === 'sym') out.push(e.name);
  else if (e.kind === 'unary') exprSymbols(e.arg, out);
  else if (e.kind === 'binary') {
    exprSymbols(e.left, out);
    exprSymbols(e.right, out);
  }
  return out;
}

export type { Token };
