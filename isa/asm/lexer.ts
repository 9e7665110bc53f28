// The assembler's lexer: GNU as tokens for AArch64 source, one statement's text at a time.
// Columns are 1-based so diagnostics read `file:line:col`, as GNU as and llvm-mc print them.

export interface SourceLoc {
  file: string;
  line: number;
  col: number;
}

/** An error in the user's source: always reported as `file:line:col: error: message`. */
export class AsmError extends Error {
  readonly loc: SourceLoc;
  constructor(message: string, loc: SourceLoc) {
    // No stack trace: a diagnostic's place is `loc`, and the encoder makes (and drops) one for
    // every candidate encoding that does not fit, where capturing stacks cost most of its time.
    const limit = Error.stackTraceLimit;
    Error.stackTraceLimit = 0;
    super(message);
    Error.stackTraceLimit = limit;
    this.loc = loc;
  }
  format(): string {
    return `${this.loc.file}:${this.loc.line}:${this.loc.col}: error: ${this.message}`;
  }
}

export type TokenKind =
  | 'ident' // symbols, mnemonics, register names, directives (with the leading '.')
  | 'number' // integer literal; value holds it
  | 'localref' // `1b` / `1f`: text is the label number, suffix 'b' or 'f' in text's last char
  | 'string' // "..." with escapes resolved into value bytes (text keeps the raw form)
  | 'punct'
  | 'eol';

export interface Token {
  kind: TokenKind;
  text: string;
  col: number;
  /** number: the literal's value (64-bit two's complement range, kept as bigint). */
  value?: bigint;
  /** string: the decoded bytes. */
  bytes?: Uint8Array;
}

const PUNCT2 = ['<<', '>>', '==', '!=', '<=', '>=', '&&', '||', '<>'];
const PUNCT1 = '#[]!,+-*/%&|^~():={}<>@';

function isIdentStart(c: string): boolean {
  return /[A-Za-z_.$]/.test(c);
}
function isIdentChar(c: string): boolean {
  return /[A-Za-z0-9_.$]/.test(c);
}

const ESCAPES: Record<string, number> = { n: 10, t: 9, r: 13, b: 8, f: 12, v: 11, a: 7, '\\': 92, '"': 34, "'": 39, e: 27 };

/** Splits one line into tokens. `//` starts a comment; block comments are removed beforehand. */
export function tokenize(text: string, loc: { file: string; line: number }, colBase = 1): Token[] {
  const out: Token[] = [];
  let i = 0;
  const err = (msg: string, at: number): AsmError => new AsmError(msg, { file: loc.file, line: loc.line, col: colBase + at });
  while (i < text.length) {
    const c = text[i];
    if (c === ' ' || c === '\t' || c === '\r' || c === '\f' || c === '\v') {
      i++;
      continue;
    }
    if (c === '/' && text[i + 1] === '/') break;
    const start = i;
    if (/[0-9]/.test(c)) {
      let j = i;
      let value: bigint;
      if (c === '0' && /[xX]/.test(text[i + 1] ?? '')) {
        j = i + 2;
        while (/[0-9a-fA-F]/.test(text[j] ?? '')) j++;
        if (j === i + 2) throw err('invalid hexadecimal number', start);
        value = BigInt('0x' + text.slice(i + 2, j));
      } else if (c === '0' && /[bB]/.test(text[i + 1] ?? '') && /[01]/.test(text[i + 2] ?? '')) {
        j = i + 2;
        while (/[01]/.test(text[j] ?? '')) j++;
        value = BigInt('0b' + text.slice(i + 2, j));
      } else {
        while (/[0-9]/.test(text[j] ?? '')) j++;
        // `1b` / `1f` refer to numeric local labels (GNU as "local labels").
        if (/[bfBF]/.test(text[j] ?? '') && !isIdentChar(text[j + 1] ?? '')) {
          out.push({ kind: 'localref', text: text.slice(i, j + 1).toLowerCase(), col: colBase + start });
          i = j + 1;
          continue;
        }
        const digits = text.slice(i, j);
        if (digits.length > 1 && digits[0] === '0') {
          if (/[89]/.test(digits)) throw err(`invalid octal number '${digits}'`, start);
          value = BigInt('0o' + digits.slice(1));
        } else value = BigInt(digits);
      }
      if (isIdentChar(text[j] ?? '')) throw err(`invalid number '${text.slice(i, j + 1)}'`, start);
      out.push({ kind: 'number', text: text.slice(i, j), col: colBase + start, value: BigInt.asIntN(64, value) === value ? value : BigInt.asUintN(64, value) });
      i = j;
      continue;
    }
    if (isIdentStart(c)) {
      let j = i + 1;
      while (j < text.length && isIdentChar(text[j])) j++;
      out.push({ kind: 'ident', text: text.slice(i, j), col: colBase + start });
      i = j;
      continue;
    }
    if (c === '"') {
      const bytes: number[] = [];
      let j = i + 1;
      for (;;) {
        if (j >= text.length) throw err('unterminated string', start);
        const d = text[j];
        if (d === '"') break;
        if (d === '\\') {
          const e = text[j + 1];
          if (e === undefined) throw err('unterminated string', start);
          if (/[0-7]/.test(e)) {
            let k = j + 1;
            let v = 0;
            while (k < j + 4 && /[0-7]/.test(text[k] ?? '')) v = v * 8 + Number(text[k++]);
            bytes.push(v & 0xff);
            j = k;
            continue;
          }
          if (e === 'x' || e === 'X') {
            let k = j + 2;
            let v = 0;
            while (/[0-9a-fA-F]/.test(text[k] ?? '')) v = (v * 16 + parseInt(text[k++], 16)) & 0xff;
            if (k === j + 2) throw err('invalid \\x escape in string', j);
            bytes.push(v);
            j = k;
            continue;
          }
          const code = ESCAPES[e];
          if (code === undefined) throw err(`unknown escape '\\${e}' in string`, j);
          bytes.push(code);
          j += 2;
          continue;
        }
        const cp = d.codePointAt(0)!;
        for (const b of new TextEncoder().encode(String.fromCodePoint(cp))) bytes.push(b);
        j += cp > 0xffff ? 2 : 1;
      }
      out.push({ kind: 'string', text: text.slice(i, j + 1), col: colBase + start, bytes: Uint8Array.from(bytes) });
      i = j + 1;
      continue;
    }
    if (c === "'") {
      // Character literal: GNU accepts 'a' and the older 'a form.
      let j = i + 1;
      let v: number;
      if (text[j] === '\\') {
        const e = text[j + 1];
        const code = e === undefined ? undefined : ESCAPES[e];
        if (code === undefined) throw err('invalid character literal', start);
        v = code;
        j += 2;
      } else {
        if (j >= text.length) throw err('invalid character literal', start);
        v = text.codePointAt(j)!;
        j += v > 0xffff ? 2 : 1;
      }
      if (text[j] === "'") j++;
      out.push({ kind: 'number', text: text.slice(i, j), col: colBase + start, value: BigInt(v) });
      i = j;
      continue;
    }
    const two = text.slice(i, i + 2);
    if (PUNCT2.includes(two)) {
      out.push({ kind: 'punct', text: two, col: colBase + start });
      i += 2;
      continue;
    }
    if (PUNCT1.includes(c)) {
      out.push({ kind: 'punct', text: c, col: colBase + start });
      i++;
      continue;
    }
    throw err(`unexpected character '${c}'`, start);
  }
  // End of statement: the column just past the last token, where "expected ..." errors point.
  const last = out[out.length - 1];
  out.push({ kind: 'eol', text: '', col: last ? last.col + last.text.length : colBase });
  return out;
}

/** A cursor over one statement's tokens, with the file/line for diagnostics. */
export class TokenCursor {
  pos = 0;
  constructor(
    readonly tokens: Token[],
    readonly file: string,
    readonly line: number,
  ) {}
  peek(k = 0): Token {
    return this.tokens[Math.min(this.pos + k, this.tokens.length - 1)];
  }
  next(): Token {
    const t = this.peek();
    if (this.pos < this.tokens.length - 1) this.pos++;
    return t;
  }
  atEnd(): boolean {
    return this.peek().kind === 'eol';
  }
  /** True (and consumes) when the next token is the punctuation `p`. */
  eat(p: string): boolean {
    const t = this.peek();
    if (t.kind === 'punct' && t.text === p) {
      this.pos++;
      return true;
    }
    return false;
  }
  /** True (and consumes) when the next token is the identifier `name` (case-insensitive). */
  eatIdent(name: string): boolean {
    const t = this.peek();
    if (t.kind === 'ident' && t.text.toLowerCase() === name) {
      this.pos++;
      return true;
    }
    return false;
  }
  isPunct(p: string, k = 0): boolean {
    const t = this.peek(k);
    return t.kind === 'punct' && t.text === p;
  }
  loc(t: Token = this.peek()): SourceLoc {
    return { file: this.file, line: this.line, col: t.col };
  }
  error(message: string, t: Token = this.peek()): AsmError {
    return new AsmError(message, this.loc(t));
  }
  expect(p: string, what = `'${p}'`): Token {
    const t = this.peek();
    if (!this.eat(p)) throw this.error(`expected ${what}`, t);
    return t;
  }
}
