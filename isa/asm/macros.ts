// Macros and repetition as text substitution (GNU as manual, ".macro", ".irp", ".irpc", ".rept"):
// a body is kept as statements and each expansion substitutes `\param`, `\@` and `\()` in their
// text before it is tokenized.

import { AsmError, type SourceLoc } from './lexer.js';
import { splitMacroArgs, type Statement } from './source.js';

export interface MacroParam {
  name: string;
  default?: string;
  required: boolean;
  /** `:vararg`: takes the rest of the arguments, commas and all. */
  vararg: boolean;
}

export interface MacroDef {
  name: string;
  params: MacroParam[];
  body: Statement[];
  loc: SourceLoc;
}

const NAME = /^[A-Za-z_.$][\w.$]*$/;

/** Parses `name [param[:req|:vararg][=default]][, ...]`, the text after `.macro`. */
export function parseMacroHead(text: string, loc: SourceLoc): { name: string; params: MacroParam[] } {
  const m = /^\s*([A-Za-z_.$][\w.$]*)\s*,?/.exec(text);
  if (!m) throw new AsmError('expected macro name', loc);
  const params: MacroParam[] = [];
  for (const arg of splitMacroArgs(text.slice(m[0].length))) {
    const at = { ...loc, col: loc.col + m[0].length + arg.start };
    const p = /^([A-Za-z_.$][\w.$]*)\s*(?::\s*(req|vararg))?\s*(?:=\s*(.*))?$/s.exec(arg.text);
    if (!p) throw new AsmError(`invalid macro parameter '${arg.text}'`, at);
    if (params.some((q) => q.name === p[1])) throw new AsmError(`duplicate macro parameter '${p[1]}'`, at);
    if (params.at(-1)?.vararg) throw new AsmError('a :vararg parameter must be the last one', at);
    params.push({ name: p[1], default: p[3], required: p[2] === 'req', vararg: p[2] === 'vararg' });
  }
  return { name: m[1], params };
}

/**
 * Binds an invocation's argument text (which starts at `textLoc`) to the macro's parameters,
 * positional or `name=value`; a missing required one is reported at the macro name, `nameLoc`.
 */
export function bindMacroArgs(def: MacroDef, text: string, textLoc: SourceLoc, nameLoc: SourceLoc): Map<string, string> {
  const values = new Map<string, string>();
  const args = splitMacroArgs(text);
  let positional = 0;
  for (let i = 0; i < args.length; i++) {
    const arg = args[i];
    const at = { ...textLoc, col: textLoc.col + arg.start };
    const named = /^([A-Za-z_.$][\w.$]*)\s*=(?!=)\s*(.*)$/s.exec(arg.text);
    const param = named ? def.params.find((p) => p.name === named[1]) : undefined;
    if (named && param) {
      values.set(param.name, named[2]);
      continue;
    }
    const next = def.params[positional++];
    if (!next) throw new AsmError(`too many arguments for macro '${def.name}'`, at);
    if (next.vararg) {
      values.set(next.name, text.slice(arg.start).trim());
      break;
    }
    if (arg.text !== '') values.set(next.name, arg.text);
  }
  for (const p of def.params) {
    if (values.has(p.name)) continue;
    if (p.required) throw new AsmError(`missing value for required parameter '${p.name}' of macro '${def.name}'`, nameLoc);
    values.set(p.name, p.default ?? '');
  }
  return values;
}

/**
 * Substitutes `\name` for each parameter, `\@` (when `counter` is given: the number of macros
 * expanded so far) and `\()` (nothing: it separates a parameter from following name characters).
 * Any other backslash sequence is kept, as GNU does.
 */
export function substitute(text: string, values: Map<string, string>, counter?: number): string {
  let out = '';
  for (let i = 0; i < text.length; ) {
    if (text[i] !== '\\') {
      out += text[i++];
      continue;
    }
    const rest = text.slice(i + 1);
    if (counter !== undefined && rest.startsWith('@')) {
      out += String(counter);
      i += 2;
    } else if (rest.startsWith('()')) {
      i += 3;
    } else {
      const m = /^[A-Za-z_.$][\w.$]*/.exec(rest);
      const value = m ? values.get(m[0]) : undefined;
      if (m && value !== undefined) {
        out += value;
        i += 1 + m[0].length;
      } else {
        out += '\\';
        i++;
      }
    }
  }
  return out;
}

/** A body's statements with `values` substituted; `context` says where a macro was called. */
export function expandBody(body: Statement[], values: Map<string, string>, counter?: number, context?: string): Statement[] {
  return body.map((s) => ({ ...s, text: substitute(s.text, values, counter), context: context ?? s.context }));
}

/** `.irp sym, values...` / `.irpc sym, chars`: the symbol and the list of values. */
export function parseIrp(text: string, loc: SourceLoc, perChar: boolean): { name: string; values: string[] } {
  const m = /^\s*([A-Za-z_.$][\w.$]*)\s*(,|$)/.exec(text);
  if (!m || !NAME.test(m[1])) throw new AsmError(`expected symbol name after ${perChar ? '.irpc' : '.irp'}`, loc);
  const rest = text.slice(m[0].length);
  if (perChar) {
    const chars = splitMacroArgs(rest).map((a) => a.text).join('');
    return { name: m[1], values: chars === '' ? [''] : [...chars] };
  }
  const values = splitMacroArgs(rest).map((a) => a.text);
  return { name: m[1], values: values.length === 0 ? [''] : values };
}
