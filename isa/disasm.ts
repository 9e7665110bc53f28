// The disassembler: text identical to llvm-objdump 14 (`-d --mattr=+mte,+v8.5a`) for every
// supported encoding, built from the encoding table's operand kinds and preferred aliases.

import { COND_NAMES } from './operands.js';
import { decode, extractFields, UNDEFINED } from './decode.js';
import { ENCODINGS } from './encodings.js';
import type { Fields, Operand, PrintCtx } from './operands.js';

export interface DisasmOptions {
  /** ` <sym+0x10>` text for a branch or literal target, as llvm-objdump adds it. */
  symbolize?: (target: bigint) => string;
}

export interface Disassembly {
  mnemonic: string;
  operands: string;
  /** LLVM's trailing comment, without `// `. */
  comment?: string;
  /** 'ok', or why no instruction text exists. */
  status: 'ok' | 'undefined' | 'unsupported';
  /** Row name in the encoding table (QEMU-style), when decoded. */
  encoding?: string;
  /** Index into the row's aliases of the alias printed, if one was. */
  alias?: number;
}

function printOperands(operands: Operand[], f: Fields, p: PrintCtx): string {
  const parts: string[] = [];
  for (const op of operands) {
    if (op.omit?.(f)) continue;
    parts.push(op.print(f, p));
  }
  return parts.join(', ');
}

function mnemonicOf(text: string, f: Fields): string {
  return text.includes('<cond>') ? text.replace('<cond>', COND_NAMES[f.cond]) : text;
}

/** Disassembles one word at `address` into its parts. */
export function disassembleParts(word: number, address: bigint = 0n, o: DisasmOptions = {}): Disassembly {
  const index = decode(word >>> 0);
  if (index === UNDEFINED) return { mnemonic: '<unknown>', operands: '', status: 'undefined' };
  const e = ENCODINGS[index];
  if (!e.supported) return { mnemonic: '<unknown>', operands: '', status: 'unsupported', encoding: e.name };
  const f = extractFields(e, word >>> 0);
  const p: PrintCtx = { address, symbolize: o.symbolize };
  const alias = e.aliases.findIndex((a) => !a.asmOnly && a.when?.(f));
  const form = alias >= 0 ? e.aliases[alias] : e;
  const text = printOperands(form.operands, f, p);
  const comment = p.comment ?? e.comment?.(f);
  return { mnemonic: mnemonicOf(form.mnemonic, f), operands: text, comment, status: 'ok', encoding: e.name, alias: alias >= 0 ? alias : undefined };
}

/**
 * One line of text: `mnemonic operands` (one space, as llvm-objdump's tab normalised), with
 * LLVM's `// comment` when it prints one. Undefined words give `<unknown>`; allocated encodings
 * granule does not implement give `<unsupported: class>`.
 */
export function disassemble(word: number, address: bigint = 0n, o: DisasmOptions = {}): string {
  const d = disassembleParts(word, address, o);
  if (d.status === 'unsupported') return `<unsupported: ${d.encoding}>`;
  const body = d.operands ? `${d.mnemonic} ${d.operands}` : d.mnemonic;
  return d.comment ? `${body} // ${d.comment}` : body;
}
