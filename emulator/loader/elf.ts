// SPDX-License-Identifier: MIT
//
// ELF64 little-endian reader for the loader. Input is untrusted: every field read is validated
// against the System V gABI ("Object Files", "Program Loading") before it is used, and anything
// malformed raises ElfError with a one-line message. No other exception escapes parseElf for any
// input bytes: every read is bounds-checked, 64-bit values stay bigint until proven to fit in a
// safe integer, and sums are only formed from operands already known to lie within the file.
// parseElf accepts any machine; requireAArch64 is the check a loader makes before running code.

import {
  ELF64_EHDR_SIZE,
  ELF64_PHDR_SIZE,
  ELF64_SHDR_SIZE,
  ELF64_SYM_SIZE,
  ELFCLASS32,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFDATA2MSB,
  ELFMAG,
  EM_AARCH64,
  EV_CURRENT,
  PN_XNUM,
  PT_LOAD,
  SHN_LORESERVE,
  SHN_UNDEF,
  SHN_XINDEX,
  SHT_DYNSYM,
  SHT_NOBITS,
  SHT_NULL,
  SHT_STRTAB,
  SHT_SYMTAB,
  SHT_SYMTAB_SHNDX,
} from '../../isa/asm/elf-writer.js';

export {
  ELF64_EHDR_SIZE,
  ELF64_PHDR_SIZE,
  ELF64_SHDR_SIZE,
  ELF64_SYM_SIZE,
  ELFCLASS32,
  ELFCLASS64,
  ELFDATA2LSB,
  ELFDATA2MSB,
  ELFMAG,
  EM_AARCH64,
  ET_CORE,
  ET_DYN,
  ET_EXEC,
  ET_NONE,
  ET_REL,
  EV_CURRENT,
  PF_R,
  PF_W,
  PF_X,
  PN_XNUM,
  PT_DYNAMIC,
  PT_GNU_STACK,
  PT_INTERP,
  PT_LOAD,
  PT_NOTE,
  PT_NULL,
  PT_PHDR,
  PT_TLS,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHN_ABS,
  SHN_COMMON,
  SHN_LORESERVE,
  SHN_UNDEF,
  SHN_XINDEX,
  SHT_DYNSYM,
  SHT_NOBITS,
  SHT_NULL,
  SHT_PROGBITS,
  SHT_STRTAB,
  SHT_SYMTAB,
  SHT_SYMTAB_SHNDX,
  STB_GLOBAL,
  STB_LOCAL,
  STB_WEAK,
  STT_FILE,
  STT_FUNC,
  STT_NOTYPE,
  STT_OBJECT,
  STT_SECTION,
} from '../../isa/asm/elf-writer.js';

/** A malformed or unsupported ELF file. The message is one line. */
export class ElfError extends Error {
  override name = 'ElfError';
}

export interface ProgramHeader {
  type: number;
  flags: number;
  offset: number;
  vaddr: bigint;
  paddr: bigint;
  filesz: number;
  memsz: number;
  align: number;
}

export interface Section {
  name: string;
  type: number;
  flags: number;
  addr: bigint;
  offset: number;
  size: number;
  /** A view into the parsed bytes (not a copy); empty for SHT_NOBITS and SHT_NULL. */
  data: Uint8Array;
  entsize: number;
  link: number;
  info: number;
}

export interface ElfSymbolEntry {
  name: string;
  value: bigint;
  size: number;
  type: number;
  binding: number;
  /** st_shndx, with SHN_XINDEX already resolved through SHT_SYMTAB_SHNDX. */
  sectionIndex: number;
}

export interface ElfFile {
  type: number;
  machine: number;
  entry: bigint;
  /** File offset of the program header table (e_phoff): AT_PHDR is where it is mapped. */
  phoff: bigint;
  programHeaders: ProgramHeader[];
  /** All section headers, index 0 (the null section) included; empty for a stripped file. */
  sections: Section[];
  /** .symtab (or .dynsym without one), entry 0 included so indices match the file's. */
  symbols: ElfSymbolEntry[];
}

const MACHINE_NAMES: ReadonlyMap<number, string> = new Map([
  [2, 'SPARC'],
  [3, 'i386'],
  [8, 'MIPS'],
  [20, 'PowerPC'],
  [21, 'PowerPC64'],
  [22, 'S/390'],
  [40, 'ARM'],
  [43, 'SPARC V9'],
  [62, 'x86-64'],
  [243, 'RISC-V'],
  [258, 'LoongArch'],
]);

/** Throws ElfError unless e_machine is EM_AARCH64 (183), as the AArch64 ELF ABI's ELF header requires. */
export function requireAArch64(elf: ElfFile): void {
  if (elf.machine === EM_AARCH64) return;
  const name = MACHINE_NAMES.get(elf.machine);
  throw new ElfError(`ELF is for machine ${elf.machine}${name === undefined ? '' : ` (${name})`}, not AArch64`);
}

const SAFE_LIMIT = BigInt(Number.MAX_SAFE_INTEGER);
const U64_LIMIT = 1n << 64n;
const utf8 = new TextDecoder('utf-8');

/** Bounds-checked little-endian reads; the callers validate first, this is the backstop. */
class ByteReader {
  private readonly view: DataView;

  constructor(readonly bytes: Uint8Array) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }

  get length(): number {
    return this.bytes.length;
  }

  private need(at: number, size: number): void {
    if (!(at >= 0 && at + size <= this.bytes.length)) throw new ElfError(`truncated ELF: read of ${size} bytes at ${at} past end of file`);
  }

  u8(at: number): number {
    this.need(at, 1);
    return this.view.getUint8(at);
  }

  u16(at: number): number {
    this.need(at, 2);
    return this.view.getUint16(at, true);
  }

  u32(at: number): number {
    this.need(at, 4);
    return this.view.getUint32(at, true);
  }

  u64(at: number): bigint {
    this.need(at, 8);
    return this.view.getBigUint64(at, true);
  }
}

/** A 64-bit field as a number; fails when it is not exactly representable. */
function safeNumber(value: bigint, what: string): number {
  if (value > SAFE_LIMIT) throw new ElfError(`${what} 0x${value.toString(16)} is too large`);
  return Number(value);
}

/** Checks that [offset, offset + size) lies in the file and returns offset as a number. */
function inFile(offset: bigint, size: bigint, fileLength: number, what: string): number {
  if (offset > BigInt(fileLength) || size > BigInt(fileLength) - offset) {
    throw new ElfError(`truncated ELF: ${what} past end of file`);
  }
  return Number(offset);
}

function isPowerOfTwoOrZero(value: bigint): boolean {
  return (value & (value - 1n)) === 0n;
}

function hex(value: bigint | number): string {
  return `0x${value.toString(16)}`;
}

/** A name from the file made safe for a one-line message: control and non-ASCII escaped. */
function printable(name: string): string {
  return name.replace(/[^\x20-\x7e]/g, (c) => `\\u{${c.charCodeAt(0).toString(16)}}`);
}

/** Reads the NUL-terminated string at index in a string table section (gABI "String Table"). */
function stringAt(table: Section, index: number, what: string): string {
  const tableName = table.name === '' ? 'string table' : printable(table.name);
  if (index >= table.data.length) {
    throw new ElfError(`${what}: name index ${index} past end of ${tableName} (${table.data.length} bytes)`);
  }
  const end = table.data.indexOf(0, index);
  if (end < 0) throw new ElfError(`${what}: name at index ${index} in ${tableName} is not NUL-terminated`);
  return utf8.decode(table.data.subarray(index, end));
}

const PT_NAMES: ReadonlyMap<number, string> = new Map([[PT_LOAD, 'PT_LOAD']]);

function phdrWhat(index: number, type: number): string {
  const name = PT_NAMES.get(type);
  return `program header ${index}${name === undefined ? '' : ` (${name})`}`;
}

interface HeaderFields {
  type: number;
  machine: number;
  entry: bigint;
  phoff: bigint;
  shoff: bigint;
  phentsize: number;
  phnum: number;
  shentsize: number;
  shnum: number;
  shstrndx: number;
}

function readIdentification(r: ByteReader): void {
  if (r.length === 0) throw new ElfError('not an ELF file (empty input)');
  for (let i = 0; i < ELFMAG.length && i < r.length; i++) {
    if (r.bytes[i] !== ELFMAG[i]) throw new ElfError('not an ELF file (bad magic)');
  }
  if (r.length < 16) throw new ElfError(`truncated ELF: identification needs 16 bytes, file has ${r.length}`);
  const elfClass = r.u8(4);
  if (elfClass === ELFCLASS32) throw new ElfError('32-bit ELF (ELFCLASS32) is not supported, need ELFCLASS64');
  if (elfClass !== ELFCLASS64) throw new ElfError(`invalid ELF class ${elfClass}`);
  const data = r.u8(5);
  if (data === ELFDATA2MSB) throw new ElfError('big-endian ELF (ELFDATA2MSB) is not supported, need little-endian');
  if (data !== ELFDATA2LSB) throw new ElfError(`invalid ELF data encoding ${data}`);
  const version = r.u8(6);
  if (version !== EV_CURRENT) throw new ElfError(`unsupported ELF identification version ${version}`);
}

function readHeader(r: ByteReader): HeaderFields {
  readIdentification(r);
  if (r.length < ELF64_EHDR_SIZE) throw new ElfError(`truncated ELF: file header needs ${ELF64_EHDR_SIZE} bytes, file has ${r.length}`);
  const version = r.u32(20);
  if (version !== EV_CURRENT) throw new ElfError(`unsupported ELF version ${version}`);
  const ehsize = r.u16(52);
  if (ehsize !== ELF64_EHDR_SIZE) throw new ElfError(`bad e_ehsize ${ehsize}, expected ${ELF64_EHDR_SIZE}`);
  return {
    type: r.u16(16),
    machine: r.u16(18),
    entry: r.u64(24),
    phoff: r.u64(32),
    shoff: r.u64(40),
    phentsize: r.u16(54),
    phnum: r.u16(56),
    shentsize: r.u16(58),
    shnum: r.u16(60),
    shstrndx: r.u16(62),
  };
}

/** Where a header table starts, after checking that count entries fit in the file. */
function tableOffset(offset: bigint, count: number, entsize: number, r: ByteReader, what: string): number {
  if (count === 0) return 0;
  if (offset < BigInt(ELF64_EHDR_SIZE)) throw new ElfError(`${what} at offset ${hex(offset)} overlaps the ELF header`);
  return inFile(offset, BigInt(count) * BigInt(entsize), r.length, what);
}

interface RawSection extends Omit<Section, 'name' | 'data'> {
  nameIndex: number;
}

function readSectionHeaders(r: ByteReader, h: HeaderFields): { raw: RawSection[]; shstrndx: number; phnum: number } {
  let { shnum, shstrndx, phnum } = h;
  if (h.shoff === 0n) {
    if (shnum !== 0) throw new ElfError(`e_shnum is ${shnum} but e_shoff is 0`);
    if (shstrndx !== SHN_UNDEF) throw new ElfError(`e_shstrndx is ${shstrndx} but the file has no section headers`);
    if (phnum === PN_XNUM) throw new ElfError('e_phnum is PN_XNUM but the file has no section headers');
    return { raw: [], shstrndx, phnum };
  }
  if (h.shentsize !== ELF64_SHDR_SIZE) throw new ElfError(`bad e_shentsize ${h.shentsize}, expected ${ELF64_SHDR_SIZE}`);
  // gABI extended numbering: section 0 holds the real e_shnum (sh_size), e_shstrndx (sh_link)
  // and e_phnum (sh_info) when they do not fit in the 16-bit header fields.
  const first = tableOffset(h.shoff, 1, ELF64_SHDR_SIZE, r, 'section header table');
  if (shnum === 0) {
    const size = r.u64(first + 32);
    if (size < BigInt(SHN_LORESERVE)) throw new ElfError(`e_shnum is 0 but section 0 gives a count of ${size}`);
    if (size > BigInt(r.length)) throw new ElfError('truncated ELF: section header table past end of file');
    shnum = Number(size);
  }
  if (shstrndx === SHN_XINDEX) shstrndx = r.u32(first + 40);
  if (phnum === PN_XNUM) phnum = r.u32(first + 44);
  const base = tableOffset(h.shoff, shnum, ELF64_SHDR_SIZE, r, 'section header table');

  const raw: RawSection[] = [];
  for (let i = 0; i < shnum; i++) {
    const at = base + i * ELF64_SHDR_SIZE;
    const what = `section header ${i}`;
    const type = r.u32(at + 4);
    const flags = r.u64(at + 8);
    const addr = r.u64(at + 16);
    const offset = r.u64(at + 24);
    const size = r.u64(at + 32);
    const link = r.u32(at + 40);
    const info = r.u32(at + 44);
    const align = r.u64(at + 48);
    const entsize = r.u64(at + 56);
    if (i === 0 && type !== SHT_NULL) throw new ElfError(`section header 0 has type ${type}, expected SHT_NULL`);
    if (!isPowerOfTwoOrZero(align)) throw new ElfError(`${what}: sh_addralign ${hex(align)} is not a power of two`);
    if (addr + size > U64_LIMIT) throw new ElfError(`${what}: section wraps past the end of the address space`);
    if (i > 0 && link >= shnum) throw new ElfError(`${what}: sh_link ${link} out of range (${shnum} sections)`);
    // Section 0's fields may hold extended counts, and NOBITS occupies no file space.
    const inFileSize = i === 0 || type === SHT_NOBITS ? 0n : size;
    raw.push({
      nameIndex: r.u32(at),
      type,
      flags: safeNumber(flags, `${what}: sh_flags`),
      addr,
      offset: inFileSize === 0n ? safeNumber(offset, `${what}: sh_offset`) : inFile(offset, size, r.length, `${what} contents`),
      size: safeNumber(size, `${what}: sh_size`),
      entsize: safeNumber(entsize, `${what}: sh_entsize`),
      link,
      info,
    });
  }
  if (shstrndx !== SHN_UNDEF && shstrndx >= shnum) throw new ElfError(`e_shstrndx ${shstrndx} out of range (${shnum} sections)`);
  return { raw, shstrndx, phnum };
}

function nameSections(r: ByteReader, raw: RawSection[], shstrndx: number): Section[] {
  const dataOf = (s: RawSection, i: number): Uint8Array =>
    i === 0 || s.type === SHT_NOBITS || s.type === SHT_NULL ? new Uint8Array(0) : r.bytes.subarray(s.offset, s.offset + s.size);
  let names: Section | undefined;
  if (shstrndx !== SHN_UNDEF) {
    const s = raw[shstrndx]!;
    if (s.type !== SHT_STRTAB) throw new ElfError(`section ${shstrndx} (e_shstrndx) is not a string table`);
    names = { ...s, name: '.shstrtab', data: dataOf(s, shstrndx) };
  }
  return raw.map((s, i) => {
    const { nameIndex, ...fields } = s;
    const name = names === undefined || (i === 0 && nameIndex === 0) ? '' : stringAt(names, nameIndex, `section header ${i}`);
    return { ...fields, name, data: dataOf(s, i) };
  });
}

function readProgramHeaders(r: ByteReader, h: HeaderFields, phnum: number): ProgramHeader[] {
  if (phnum === 0) return [];
  if (h.phentsize !== ELF64_PHDR_SIZE) throw new ElfError(`bad e_phentsize ${h.phentsize}, expected ${ELF64_PHDR_SIZE}`);
  const base = tableOffset(h.phoff, phnum, ELF64_PHDR_SIZE, r, 'program header table');
  const headers: ProgramHeader[] = [];
  let previousLoad: { index: number; vaddr: bigint; end: bigint } | undefined;
  for (let i = 0; i < phnum; i++) {
    const at = base + i * ELF64_PHDR_SIZE;
    const type = r.u32(at);
    const what = phdrWhat(i, type);
    const offset = r.u64(at + 8);
    const vaddr = r.u64(at + 16);
    const filesz = r.u64(at + 32);
    const memsz = r.u64(at + 40);
    const align = r.u64(at + 48);
    if (!isPowerOfTwoOrZero(align)) throw new ElfError(`${what}: p_align ${hex(align)} is not a power of two`);
    if (type === PT_LOAD) {
      // gABI §5: p_filesz <= p_memsz, p_vaddr ≡ p_offset (mod p_align), and loadable segments
      // appear in ascending p_vaddr order.
      if (filesz > memsz) throw new ElfError(`${what}: p_filesz ${hex(filesz)} exceeds p_memsz ${hex(memsz)}`);
      if (align > 1n && (vaddr - offset) % align !== 0n) {
        throw new ElfError(`${what}: p_vaddr ${hex(vaddr)} and p_offset ${hex(offset)} are not congruent modulo p_align ${hex(align)}`);
      }
      const end = vaddr + memsz;
      if (end > U64_LIMIT) throw new ElfError(`${what}: segment wraps past the end of the address space`);
      if (previousLoad !== undefined && vaddr < previousLoad.vaddr) {
        throw new ElfError(`${what}: PT_LOAD segments are not in ascending p_vaddr order`);
      }
      if (previousLoad !== undefined && memsz > 0n && vaddr < previousLoad.end) {
        throw new ElfError(`${what}: overlaps the PT_LOAD segment in program header ${previousLoad.index}`);
      }
      if (memsz > 0n) previousLoad = { index: i, vaddr, end };
    }
    headers.push({
      type,
      flags: r.u32(at + 4),
      offset: filesz === 0n ? safeNumber(offset, `${what}: p_offset`) : inFile(offset, filesz, r.length, `${what} contents`),
      vaddr,
      paddr: r.u64(at + 24),
      filesz: Number(filesz),
      memsz: safeNumber(memsz, `${what}: p_memsz`),
      align: Number(align),
    });
  }
  return headers;
}

function readSymbols(sections: Section[]): ElfSymbolEntry[] {
  const tables = sections.filter((s) => s.type === SHT_SYMTAB);
  if (tables.length > 1) throw new ElfError('more than one SHT_SYMTAB section'); // gABI: at most one
  const symtab = tables[0] ?? sections.find((s) => s.type === SHT_DYNSYM);
  if (symtab === undefined) return [];
  const index = sections.indexOf(symtab);
  const what = `symbol table (section ${index})`;
  if (symtab.entsize !== ELF64_SYM_SIZE) throw new ElfError(`${what}: sh_entsize ${symtab.entsize}, expected ${ELF64_SYM_SIZE}`);
  if (symtab.size % ELF64_SYM_SIZE !== 0) throw new ElfError(`${what}: size ${symtab.size} is not a multiple of ${ELF64_SYM_SIZE}`);
  const count = symtab.data.length / ELF64_SYM_SIZE;
  if (symtab.info > count) throw new ElfError(`${what}: sh_info ${symtab.info} exceeds the ${count} symbols`);
  const strtab = sections[symtab.link]!;
  if (strtab.type !== SHT_STRTAB) throw new ElfError(`${what}: sh_link ${symtab.link} is not a string table`);
  const shndx = sections.find((s) => s.type === SHT_SYMTAB_SHNDX && s.link === index);
  if (shndx !== undefined && shndx.size < count * 4) throw new ElfError(`SHT_SYMTAB_SHNDX section is smaller than ${what}`);

  const r = new ByteReader(symtab.data);
  const indices = shndx === undefined ? undefined : new ByteReader(shndx.data);
  const symbols: ElfSymbolEntry[] = [];
  for (let i = 0; i < count; i++) {
    const at = i * ELF64_SYM_SIZE;
    const where = `symbol ${i}`;
    const info = r.u8(at + 4);
    let sectionIndex = r.u16(at + 6);
    if (sectionIndex === SHN_XINDEX) {
      if (indices === undefined) throw new ElfError(`${where}: SHN_XINDEX without an SHT_SYMTAB_SHNDX section`);
      sectionIndex = indices.u32(i * 4);
      if (sectionIndex >= sections.length) throw new ElfError(`${where}: extended section index ${sectionIndex} out of range`);
    } else if (sectionIndex < SHN_LORESERVE && sectionIndex >= sections.length) {
      throw new ElfError(`${where}: section index ${sectionIndex} out of range (${sections.length} sections)`);
    }
    symbols.push({
      name: stringAt(strtab, r.u32(at), where),
      value: r.u64(at + 8),
      size: safeNumber(r.u64(at + 16), `${where}: st_size`),
      type: info & 0xf,
      binding: info >> 4,
      sectionIndex,
    });
  }
  return symbols;
}

/** Parses an ELF64 little-endian file of any machine. Throws only ElfError. */
export function parseElf(bytes: Uint8Array): ElfFile {
  const r = new ByteReader(bytes);
  const header = readHeader(r);
  // The section header table comes first only because its entry 0 may hold the real e_phnum.
  const { raw, shstrndx, phnum } = readSectionHeaders(r, header);
  const programHeaders = readProgramHeaders(r, header, phnum);
  const sections = nameSections(r, raw, shstrndx);
  return {
    type: header.type,
    machine: header.machine,
    entry: header.entry,
    phoff: header.phoff,
    programHeaders,
    sections,
    symbols: readSymbols(sections),
  };
}
