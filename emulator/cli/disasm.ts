// `granule disasm FILE [--format elf|bin] [--base ADDR] [--json]`: disassembles an AArch64 ELF
// file (every executable section) or a raw binary. The text is laid out as LLVM 14's
// `llvm-objdump -d --mattr=+mte,+v8.5a` lays it out: section headers, a `<symbol>:` label where
// a symbol starts, ` <sym+0x10>` after branch and literal targets, `$d` mapping-symbol ranges
// and STT_OBJECT symbols as data, and runs of zero bytes as `...`. Two deliberate differences,
// where LLVM 14 prints wrong information: ADRP's target symbol is that of the page it computes
// (LLVM 14 looks up PC + imm*4), and a lone `.byte` shows its own value (LLVM 14 shows the
// section's first byte).
//
// --json prints [{"address", "word", "text", "symbol"?, "section"?}], one entry per word (data
// items in `$d` ranges too, zero runs not elided). A raw binary whose length is not a multiple
// of 4 is disassembled up to its last whole word; then the command fails (exit 1) saying so.

import type { Command } from 'commander';
import { readFileSync } from 'node:fs';
import { disassemble, disassembleParts } from '../../isa/disasm.js';
import { ElfError, ET_REL, parseElf, requireAArch64, SHF_EXECINSTR, SHN_LORESERVE, SHT_NOBITS, STT_FUNC, STT_OBJECT, STT_SECTION, type ElfFile } from '../loader/elf.js';
import { CliError, hex, parseNumber, UsageError } from './common.js';

/** One unit of the listing: an instruction word or a data item. */
export interface ListingItem {
  address: bigint;
  bytes: Uint8Array;
  text: string;
  /** The label printed at this address, if any. */
  symbol?: string;
  section?: string;
}

export interface Listing {
  /** The text, as llvm-objdump prints it. */
  text: string;
  items: ListingItem[];
}

interface Sym {
  addr: bigint;
  name: string;
  type: number;
}

const STT_COMMON = 5;
/** llvm-objdump's columns: instructions start at 24 (with raw bytes), comments at 56. */
const INST_COLUMN = 24;
const COMMENT_COLUMN = 56;

const byteText = (b: Uint8Array): string => Array.from(b, (x) => x.toString(16).padStart(2, '0')).join(' ');
const leWord = (b: Uint8Array): number => b.reduceRight((v, x) => v * 256 + x, 0);
const hexPadded = (v: number, digits: number): string => '0x' + v.toString(16).padStart(digits, '0');

/**
 * The column llvm-objdump 14's formatted stream believes it is at after `s`: a tab moves to the
 * next multiple of 8 but, at a multiple of 8 already, stays put (so comments after an
 * 8-letter mnemonic sit further right than on a terminal).
 */
function column(s: string): number {
  let c = 0;
  for (const ch of s) c = ch === '\t' ? c + ((8 - (c & 7)) & 7) : c + 1;
  return c;
}

/** `Buffer.compare` order, as C++ std::string compares symbol names. */
const byName = (a: string, b: string): number => Buffer.compare(Buffer.from(a), Buffer.from(b));

/** llvm-objdump's symbol order: address, then name, then type (a stable sort). */
function sortSymbols(list: Sym[]): void {
  list.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : byName(a.name, b.name) || a.type - b.type));
}

/** Index of the first entry whose address is above `addr` (entries sorted by address). */
function upperBound<T>(list: T[], addr: bigint, key: (t: T) => bigint): number {
  let lo = 0;
  let hi = list.length;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (key(list[mid]) <= addr) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** llvm-objdump skips runs of 8 or more zero bytes, in whole words. */
function skippableZeroBytes(bytes: Uint8Array, from: number, to: number): number {
  let n = 0;
  while (from + n < to && bytes[from + n] === 0) n++;
  return n < 8 ? 0 : n & ~3;
}

class ListingWriter {
  readonly out: string[] = [];
  readonly items: ListingItem[] = [];
  private label?: { address: bigint; name: string };

  text(line: string): void {
    this.out.push(line);
  }

  labelAt(address: bigint, name: string): void {
    this.out.push('', `${address.toString(16).padStart(16, '0')} <${name}>:`);
    this.label = { address, name };
  }

  item(address: bigint, bytes: Uint8Array, text: string, section?: string): void {
    const it: ListingItem = { address, bytes, text, section };
    if (this.label?.address === address) it.symbol = this.label.name;
    this.label = undefined;
    this.items.push(it);
  }

  /** One instruction, with its target symbol and LLVM's comment. */
  instruction(address: bigint, bytes: Uint8Array, symbolize: ((t: bigint) => string) | undefined, section?: string): void {
    let line = `${address.toString(16).padStart(8)}: ${byteText(bytes)}`;
    const col = line.length;
    line += ' '.repeat(col < INST_COLUMN - 1 ? INST_COLUMN - 1 - col : 7 - (col % 8));
    if (bytes.length < 4) line += '\t<unknown>';
    else {
      const d = disassembleParts(leWord(bytes), address, { symbolize });
      line += '\t' + (d.status === 'unsupported' ? `<unsupported: ${d.encoding}>` : d.operands ? `${d.mnemonic}\t${d.operands}` : d.mnemonic);
      if (d.comment) line += ' '.repeat(Math.max(COMMENT_COLUMN - column(line), 1)) + '// ' + d.comment;
    }
    this.out.push(line);
    this.item(address, bytes, bytes.length < 4 ? '<unknown>' : disassemble(leWord(bytes), address), section);
  }

  listing(): Listing {
    return { text: this.out.map((l) => l + '\n').join(''), items: this.items };
  }
}

/** The `.word`/`.short`/`.byte` line of a `$d` range (llvm-objdump's dumpARMELFData). */
function dataItem(bytes: Uint8Array): string {
  const v = leWord(bytes);
  if (bytes.length === 4) return `\t.word\t${hexPadded(v, 8)}`;
  return bytes.length === 2 ? `\t\t.short\t${hexPadded(v, 4)}` : `\t\t.byte\t${hexPadded(v, 2)}`;
}

/** Bytes of an STT_OBJECT symbol in a code section, 8 to a line with their ASCII (dumpELFData). */
function dumpObjectData(w: ListingWriter, base: bigint, bytes: Uint8Array, from: number, to: number, section: string): void {
  for (let at = from; at < to; at += 8) {
    const chunk = bytes.subarray(at, Math.min(at + 8, to));
    const ascii = Array.from(chunk, (b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : '.')).join('');
    w.text(`${(base + BigInt(at)).toString(16).padStart(8)}:${Array.from(chunk, (b) => ' ' + b.toString(16).padStart(2, '0')).join('')}${' '.repeat(3 * (8 - chunk.length))}         ${ascii}`);
  }
  for (let at = from; at < to; at += 4) {
    const chunk = bytes.subarray(at, Math.min(at + 4, to));
    w.item(base + BigInt(at), chunk, dataItem(chunk).trim().replace(/\t+/g, ' '), section);
  }
}

/** Disassembles every executable section of an AArch64 ELF file, as llvm-objdump -d does. */
export function disassembleElf(elf: ElfFile, fileName: string): Listing {
  const w = new ListingWriter();
  w.text('');
  w.text(`${fileName}:\tfile format elf64-littleaarch64`);

  const relocatable = elf.type === ET_REL;
  const inSection = (i: number): boolean => i > 0 && i < SHN_LORESERVE && i < elf.sections.length;
  const bySection = new Map<number, Sym[]>();
  const absolute: Sym[] = [];
  for (const s of elf.symbols) {
    if (s.name === '' || s.type === STT_SECTION) continue;
    if (inSection(s.sectionIndex)) {
      const addr = s.value + (relocatable ? elf.sections[s.sectionIndex].addr : 0n);
      const list = bySection.get(s.sectionIndex) ?? [];
      list.push({ addr, name: s.name, type: s.type });
      bySection.set(s.sectionIndex, list);
    } else absolute.push({ addr: s.value, name: s.name, type: s.type });
  }
  for (const list of bySection.values()) sortSymbols(list);
  sortSymbols(absolute);
  const symbolsOf = (i: number): Sym[] => {
    if (!bySection.has(i)) bySection.set(i, []);
    return bySection.get(i)!;
  };
  // Sections by address; an empty one sorts before a same-address non-empty one.
  const sectionOrder = elf.sections.map((s, i) => ({ addr: s.addr, size: s.size, i }));
  sectionOrder.sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : a.size - b.size));

  /** The symbol llvm-objdump names a target after: the last one at or below it in its section. */
  const targetSymbol = (target: bigint, current: Sym[]): Sym | undefined => {
    const candidates: Sym[][] = [];
    if (relocatable) candidates.push(current);
    else {
      let k = upperBound(sectionOrder, target, (s) => s.addr);
      let sectionAddr = 0n;
      while (k > 0) {
        const s = sectionOrder[--k];
        if (sectionAddr === 0n) sectionAddr = s.addr;
        if (s.addr !== sectionAddr) break;
        candidates.push(symbolsOf(s.i));
      }
    }
    candidates.push(absolute);
    for (const list of candidates) {
      const k = upperBound(list, target, (s) => s.addr);
      if (k > 0) return list[k - 1];
    }
    return undefined;
  };

  elf.sections.forEach((section, si) => {
    if (!(section.flags & SHF_EXECINSTR) || section.type === SHT_NOBITS || section.size === 0) return;
    const symbols = symbolsOf(si);
    const mapping = symbols
      .filter((s) => s.name.startsWith('$d') || s.name.startsWith('$x'))
      .map((s) => ({ offset: BigInt.asUintN(64, s.addr - section.addr), data: s.name.startsWith('$d') }))
      .sort((a, b) => (a.offset < b.offset ? -1 : a.offset > b.offset ? 1 : Number(a.data) - Number(b.data)));
    const isData = (offset: number): boolean => {
      const k = upperBound(mapping, BigInt(offset), (m) => m.offset);
      return k > 0 && mapping[k - 1].data;
    };
    // As llvm-objdump does: a section without a symbol at address 0 gets one named after it.
    if (symbols.length === 0 || symbols[0].addr !== 0n) symbols.unshift({ addr: section.addr, name: section.name, type: STT_FUNC });
    const symbolize = (target: bigint): string => {
      const s = targetSymbol(target, symbols);
      if (!s) return '';
      const disp = BigInt.asUintN(64, target - s.addr);
      return disp === 0n ? ` <${s.name}>` : ` <${s.name}+0x${disp.toString(16)}>`;
    };
    const bytes = section.data;
    const sectionEnd = section.addr + BigInt(section.size);
    let printedHeader = false;
    symbols.forEach((sym, k) => {
      if (sym.addr < section.addr) return;
      let end = sectionEnd;
      if (k + 1 < symbols.length && symbols[k + 1].addr < end) end = symbols[k + 1].addr;
      if (sym.addr >= end) return;
      if (!printedHeader) {
        w.text('');
        w.text(`Disassembly of section ${section.name}:`);
        printedHeader = true;
      }
      w.labelAt(sym.addr, sym.name);
      const stop = Number(end - section.addr);
      let at = Number(sym.addr - section.addr);
      if (sym.type === STT_OBJECT || sym.type === STT_COMMON) {
        dumpObjectData(w, section.addr, bytes, at, stop, section.name);
        return;
      }
      while (at < stop) {
        const address = section.addr + BigInt(at);
        if (isData(at)) {
          const size = at + 4 <= stop ? 4 : at + 2 <= stop ? 2 : 1;
          const chunk = bytes.subarray(at, at + size);
          w.text(`${address.toString(16).padStart(8)}:\t${byteText(chunk)}${dataItem(chunk)}`);
          w.item(address, chunk, dataItem(chunk).trim().replace(/\t+/g, ' '), section.name);
          at += size;
          continue;
        }
        const zeros = skippableZeroBytes(bytes, at, stop);
        if (zeros > 0) {
          w.text('\t\t...');
          for (let z = 0; z < zeros; z += 4) w.item(section.addr + BigInt(at + z), bytes.subarray(at + z, at + z + 4), 'udf #0', section.name);
          at += zeros;
          continue;
        }
        // The disassembler reads 4 bytes even past the symbol's end; fewer left is one byte <unknown>.
        const size = section.size - at >= 4 ? 4 : 1;
        w.instruction(address, bytes.subarray(at, at + size), symbolize, section.name);
        at += size;
      }
    });
  });
  return w.listing();
}

/** Disassembles a raw little-endian binary loaded at `base`, every whole word. */
export function disassembleBinary(bytes: Uint8Array, base: bigint): Listing {
  const w = new ListingWriter();
  for (let at = 0; at + 4 <= bytes.length; at += 4) w.instruction(base + BigInt(at), bytes.subarray(at, at + 4), undefined);
  return w.listing();
}

interface DisasmOptions {
  format?: string;
  base?: string;
  json?: boolean;
}

function readInput(file: string): Uint8Array {
  try {
    return readFileSync(file);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new CliError(`cannot read '${file}': ${code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : (e as Error).message}`);
  }
}

function toJson(items: ListingItem[]): string {
  const rows = items.map((it) => {
    const row: Record<string, string> = { address: hex(it.address), word: hex(leWord(it.bytes)), text: it.text };
    if (it.symbol !== undefined) row.symbol = it.symbol;
    if (it.section !== undefined) row.section = it.section;
    return row;
  });
  return JSON.stringify(rows, null, 2) + '\n';
}

export function registerDisasm(program: Command): void {
  program
    .command('disasm')
    .description('disassemble an AArch64 ELF file or a raw binary (llvm-objdump -d layout)')
    .argument('<file>', 'ELF64 AArch64 file, or a raw binary with --format bin')
    .option('--format <format>', 'elf or bin (default: elf when the file starts with the ELF magic, else bin)')
    .option('--base <addr>', 'load address of a raw binary (default 0)')
    .option('--json', 'print [{"address", "word", "text"}, ...], one entry per word')
    .addHelpText('after', '\nA raw binary whose length is not a multiple of 4 is disassembled up to its last whole word,\nthen the command fails (exit status 1).')
    .action((file: string, o: DisasmOptions) => {
      if (o.format !== undefined && o.format !== 'elf' && o.format !== 'bin') throw new UsageError(`unknown --format '${o.format}' (expected elf or bin)`);
      const bytes = readInput(file);
      const isElf = bytes.length >= 4 && bytes[0] === 0x7f && bytes[1] === 0x45 && bytes[2] === 0x4c && bytes[3] === 0x46;
      const format = o.format ?? (isElf ? 'elf' : 'bin');
      if (format === 'elf' && o.base !== undefined) throw new UsageError('--base applies to --format bin only (an ELF file has its own addresses)');
      let listing: Listing;
      if (format === 'elf') {
        let elf: ElfFile;
        try {
          elf = parseElf(bytes);
          requireAArch64(elf);
        } catch (e) {
          if (e instanceof ElfError) throw new CliError(`${file}: ${e.message}`);
          throw e;
        }
        listing = disassembleElf(elf, file);
      } else {
        const base = o.base === undefined ? 0n : parseNumber(o.base, '--base address');
        if (base >= 1n << 64n) throw new UsageError(`--base address '${o.base}' does not fit in 64 bits`);
        listing = disassembleBinary(bytes, base);
      }
      process.stdout.write(o.json ? toJson(listing.items) : listing.text);
      const extra = format === 'bin' ? bytes.length % 4 : 0;
      if (extra) throw new CliError(`${file}: length ${bytes.length} is not a multiple of 4; the last ${extra} byte${extra > 1 ? 's were' : ' was'} not disassembled`);
    });
}
