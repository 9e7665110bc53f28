// Source text before tokens: comments, statement separators and macro arguments, the parts of
// GNU as syntax that work on characters (GNU as manual, "Preprocessing" and "Statements").

import { AsmError } from './lexer.js';

/** One statement's text, with where it starts in its file (1-based line and column). */
export interface Statement {
  text: string;
  file: string;
  line: number;
  col: number;
  /** For a statement from a macro body: where the macro was called, for diagnostics. */
  context?: string;
}

/** Skips a string or character literal starting at `i`; returns the index just past it. */
function skipQuoted(s: string, i: number): number {
  if (s[i] === "'") {
    // Character constant: 'c or 'c' (GNU accepts the closing quote being absent), or '\c.
    const j = s[i + 1] === '\\' ? i + 3 : i + 2;
    return s[j] === "'" ? j + 1 : j;
  }
  let j = i + 1;
  while (j < s.length && s[j] !== '"') j += s[j] === '\\' ? 2 : 1;
  return Math.min(j + 1, s.length);
}

/**
 * Replaces every comment with spaces, so tokens keep their columns: `/* ... *\/` (which may span
 * lines), `//` to the end of the line, and a line whose first non-blank character is `#` (GNU's
 * line-comment character for AArch64, also used for the preprocessor's line markers).
 */
export function stripComments(text: string, file: string): { lines: string[]; error?: AsmError } {
  const lines = text.split(/\r?\n/);
  let open: { line: number; col: number } | undefined;
  for (let n = 0; n < lines.length; n++) {
    const s = lines[n];
    let out = '';
    let i = 0;
    if (!open && /^\s*#/.test(s)) {
      lines[n] = '';
      continue;
    }
    while (i < s.length) {
      if (open) {
        const end = s.indexOf('*/', i);
        const stop = end < 0 ? s.length : end + 2;
        out += ' '.repeat(stop - i);
        i = stop;
        if (end >= 0) open = undefined;
        continue;
      }
      const c = s[i];
      if (c === '"' || c === "'") {
        const j = skipQuoted(s, i);
        out += s.slice(i, j);
        i = j;
      } else if (c === '/' && s[i + 1] === '*') {
        open = { line: n + 1, col: i + 1 };
        out += '  ';
        i += 2;
      } else if (c === '/' && s[i + 1] === '/') {
        break;
      } else {
        out += c;
        i++;
      }
    }
    lines[n] = out;
  }
  const error = open ? new AsmError('unterminated comment', { file, line: open.line, col: open.col }) : undefined;
  return { lines, error };
}

/** Splits a comment-free line at `;` (AArch64's statement separator) outside quotes. */
export function splitStatements(lineText: string, file: string, line: number): Statement[] {
  const out: Statement[] = [];
  let start = 0;
  const push = (end: number): void => {
    const text = lineText.slice(start, end);
    if (text.trim() !== '') out.push({ text, file, line, col: start + 1 });
  };
  for (let i = 0; i < lineText.length; ) {
    const c = lineText[i];
    if (c === '"' || c === "'") {
      i = skipQuoted(lineText, i);
    } else if (c === ';') {
      push(i);
      start = ++i;
    } else i++;
  }
  push(lineText.length);
  return out;
}

/** All statements of a source file, comments removed. */
export function fileStatements(text: string, file: string): { statements: Statement[]; error?: AsmError } {
  const { lines, error } = stripComments(text, file);
  const statements = lines.flatMap((l, i) => splitStatements(l, file, i + 1));
  return { statements, error };
}

/** The name a statement starts with after any labels (`.endm`, `.if`...), lower-cased, or ''. */
export function leadingName(text: string): string {
  const m = /^\s*(?:(?:[A-Za-z_.$][\w.$]*|\d+)\s*:(?!:)\s*)*([A-Za-z_.$][\w.$]*)/.exec(text);
  return m ? m[1].toLowerCase() : '';
}

export interface MacroArg {
  text: string;
  /** Offset of the argument in the text it was split from (for `:vararg`). */
  start: number;
}

// Characters next to which whitespace does not separate macro arguments: GNU's preprocessor
// drops the blanks around operators, so `m 1 + 2` passes one argument, `m 1 2` two.
const JOINING = '+-*/%&|^<>=!~(';

/**
 * Splits macro (and `.irp`) arguments the way GNU as does: at commas, or at blanks between two
 * operands; a quoted argument loses its quotes.
 */
export function splitMacroArgs(text: string): MacroArg[] {
  const args: MacroArg[] = [];
  let cur = '';
  let start = -1;
  let depth = 0;
  let sawComma = false;
  const finish = (): void => {
    const t = cur.trim();
    args.push({ text: /^"(?:[^"\\]|\\.)*"$/.test(t) ? t.slice(1, -1) : t, start: start < 0 ? text.length : start });
    cur = '';
    start = -1;
  };
  let i = 0;
  while (i < text.length) {
    const c = text[i];
    if (c === '"' || c === "'") {
      const j = skipQuoted(text, i);
      if (start < 0) start = i;
      cur += text.slice(i, j);
      i = j;
      continue;
    }
    if (c === ',' && depth === 0) {
      finish();
      sawComma = true;
      i++;
      continue;
    }
    if ((c === ' ' || c === '\t') && depth === 0) {
      let j = i;
      while (text[j] === ' ' || text[j] === '\t') j++;
      const prev = cur.trimEnd().slice(-1);
      const next = text[j] ?? '';
      if (cur.trim() !== '' && next !== '' && next !== ',' && !JOINING.includes(prev) && !JOINING.includes(next)) {
        finish();
      } else cur += text.slice(i, j);
      i = j;
      continue;
    }
    if (c === '(') depth++;
    else if (c === ')' && depth > 0) depth--;
    if (start < 0 && c !== ' ' && c !== '\t') start = i;
    cur += c;
    i++;
  }
  if (cur.trim() !== '' || sawComma) finish();
  return args;
}
