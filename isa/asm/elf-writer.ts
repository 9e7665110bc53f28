// SPDX-License-Identifier: MIT
//
// ELF64 writer for AArch64 little-endian static executables (ET_EXEC), as the last step of the
// assembler. The layout follows what GNU ld produces for a static program: PT_LOAD segments in
// ascending p_vaddr order with file offsets congruent to p_vaddr modulo the page size, .bss as
// p_memsz beyond p_filesz, a PT_GNU_STACK header for a non-executable stack, and full section
// headers with a symbol table so that llvm-objdump, llvm-readelf and GNU objdump can read it.
// References: System V gABI "Object Files" and "Program Loading" chapters (Tables in §4 and §5),
// and the Arm "ELF for the Arm 64-bit Architecture" (AArch64 ELF ABI), which fixes EM_AARCH64
// and the $x/$d mapping symbols. The output is a pure function of the input: no timestamps.

/** ELF identification and header values (gABI §4 "ELF Header"). */
export const ELFMAG = [0x7f, 0x45, 0x4c, 0x46] as const;
export const ELFCLASS32 = 1;
export const ELFCLASS64 = 2;
export const ELFDATA2LSB = 1;
export const ELFDATA2MSB = 2;
export const EV_CURRENT = 1;
export const ELFOSABI_SYSV = 0;
export const ET_NONE = 0;
export const ET_REL = 1;
export const ET_EXEC = 2;
export const ET_DYN = 3;
export const ET_CORE = 4;
export const EM_AARCH64 = 183;

/** Structure sizes for ELFCLASS64. */
export const ELF64_EHDR_SIZE = 64;
export const ELF64_PHDR_SIZE = 56;
export const ELF64_SHDR_SIZE = 64;
export const ELF64_SYM_SIZE = 24;

/** Program header types and flags (gABI §5 "Program Header"). */
export const PT_NULL = 0;
export const PT_LOAD = 1;
export const PT_DYNAMIC = 2;
export const PT_INTERP = 3;
export const PT_NOTE = 4;
export const PT_PHDR = 6;
export const PT_TLS = 7;
export const PT_GNU_STACK = 0x6474e551;
export const PF_X = 1;
export const PF_W = 2;
export const PF_R = 4;

/** Section header types, flags and reserved indices (gABI §4 "Sections"). */
export const SHT_NULL = 0;
export const SHT_PROGBITS = 1;
export const SHT_SYMTAB = 2;
export const SHT_STRTAB = 3;
export const SHT_NOBITS = 8;
export const SHT_DYNSYM = 11;
export const SHT_SYMTAB_SHNDX = 18;
export const SHF_WRITE = 0x1;
export const SHF_ALLOC = 0x2;
export const SHF_EXECINSTR = 0x4;
export const SHN_UNDEF = 0;
export const SHN_LORESERVE = 0xff00;
export const SHN_ABS = 0xfff1;
export const SHN_COMMON = 0xfff2;
export const SHN_XINDEX = 0xffff;
/** e_phnum value meaning "the real count is in section 0's sh_info" (gABI extended numbering). */
export const PN_XNUM = 0xffff;

/** Symbol types and bindings (gABI §4 "Symbol Table"). */
export const STT_NOTYPE = 0;
export const STT_OBJECT = 1;
export const STT_FUNC = 2;
export const STT_SECTION = 3;
export const STT_FILE = 4;
export const STB_LOCAL = 0;
export const STB_GLOBAL = 1;
export const STB_WEAK = 2;

export interface ElfSegment {
  /** Section name: '.text', '.rodata', '.data', '.bss' or any other. */
  name: string;
  vaddr: bigint;
  /** File contents; empty for .bss. */
  data: Uint8Array;
  /** Size in memory, >= data.length. With empty data this is a NOBITS (.bss) section. */
  memSize: number;
  flags: 'rx' | 'r' | 'rw';
  /** sh_addralign; defaults to 4 for code, else the natural alignment of vaddr up to 16. */
  align?: number;
}

export interface ElfSymbol {
  name: string;
  value: bigint;
  size: number;
  type: 'func' | 'object' | 'notype';
  binding: 'local' | 'global' | 'weak';
  /** A segment name, or '' for an absolute symbol (SHN_ABS). */
  section: string;
}

export interface ElfImage {
  entry: bigint;
  segments: ElfSegment[];
  symbols: ElfSymbol[];
  /**
   * Page size the file is laid out for: offsets are congruent to addresses modulo it and it is
   * each PT_LOAD's p_align. 4096 suits 4 KiB-page kernels and qemu-aarch64; a 16 or 64 KiB-page
   * arm64 kernel needs 0x4000 or 0x10000 (GNU ld's AArch64 default max-page-size is 0x10000).
   */
  pageSize?: number;
}

/** The image handed to the writer is inconsistent (overlapping segments, unknown section...). */
export class ElfWriteError extends Error {
  override name = 'ElfWriteError';
}

const U64_LIMIT = 1n << 64n;
const utf8 = new TextEncoder();

const SYMBOL_TYPE: Record<ElfSymbol['type'], number> = { notype: STT_NOTYPE, object: STT_OBJECT, func: STT_FUNC };
const SYMBOL_BINDING: Record<ElfSymbol['binding'], number> = { local: STB_LOCAL, global: STB_GLOBAL, weak: STB_WEAK };
const SEGMENT_PFLAGS: Record<ElfSegment['flags'], number> = { rx: PF_R | PF_X, r: PF_R, rw: PF_R | PF_W };
const SEGMENT_SHFLAGS: Record<ElfSegment['flags'], number> = {
  rx: SHF_ALLOC | SHF_EXECINSTR,
  r: SHF_ALLOC,
  rw: SHF_ALLOC | SHF_WRITE,
};
const RESERVED_SECTION_NAMES = new Set(['', '.symtab', '.strtab', '.shstrtab']);

/** A section placed in the file; fileSize is 0 for NOBITS. */
interface PlacedSection {
  segment: ElfSegment;
  type: number;
  fileSize: number;
  align: number;
  offset: number;
}

/** One PT_LOAD: consecutive sections that share pages. */
interface LoadGroup {
  sections: PlacedSection[];
  vaddr: bigint;
  /** Address where the file-backed part ends; bytes from here to memEnd are zero-filled. */
  fileEnd: bigint;
  memEnd: bigint;
  flags: number;
  /** Set during layout: the file offset of the first section, and how many bytes before it
   *  (the ELF and program headers) the PT_LOAD also maps. */
  offset: number;
  headerBytes: number;
}

/** A string table as the gABI defines it: index 0 is the empty string, names are NUL-ended. */
class StringTable {
  private readonly chunks: Uint8Array[] = [new Uint8Array(1)];
  private readonly index = new Map<string, number>([['', 0]]);
  private size = 1;

  add(name: string): number {
    const known = this.index.get(name);
    if (known !== undefined) return known;
    const encoded = utf8.encode(name);
    if (encoded.includes(0)) throw new ElfWriteError(`name ${JSON.stringify(name)} contains a NUL byte`);
    const at = this.size;
    const chunk = new Uint8Array(encoded.length + 1);
    chunk.set(encoded);
    this.chunks.push(chunk);
    this.size += chunk.length;
    this.index.set(name, at);
    return at;
  }

  bytes(): Uint8Array {
    const out = new Uint8Array(this.size);
    let at = 0;
    for (const chunk of this.chunks) {
      out.set(chunk, at);
      at += chunk.length;
    }
    return out;
  }
}

function isPowerOfTwo(n: number): boolean {
  return Number.isSafeInteger(n) && n > 0 && (n & (n - 1)) === 0 && n <= 2 ** 30;
}

function alignUp(n: number, align: number): number {
  return Math.ceil(n / align) * align;
}

/** The smallest offset >= from with offset ≡ vaddr (mod page), as gABI §5 requires of PT_LOAD. */
function congruentOffset(from: number, vaddr: bigint, page: number): number {
  const want = Number(vaddr % BigInt(page));
  return from + ((want - (from % page) + page) % page);
}

function defaultAlign(segment: ElfSegment): number {
  if (segment.flags === 'rx') return 4;
  let align = 16;
  while (align > 1 && segment.vaddr % BigInt(align) !== 0n) align >>= 1;
  return align;
}

function checkSegment(segment: ElfSegment): PlacedSection {
  const what = `segment ${JSON.stringify(segment.name)}`;
  if (RESERVED_SECTION_NAMES.has(segment.name)) throw new ElfWriteError(`${what}: reserved section name`);
  if (!Object.hasOwn(SEGMENT_PFLAGS, segment.flags)) throw new ElfWriteError(`${what}: flags must be 'rx', 'r' or 'rw'`);
  if (!Number.isSafeInteger(segment.memSize) || segment.memSize < segment.data.length) {
    throw new ElfWriteError(`${what}: memSize ${segment.memSize} is not an integer >= data length ${segment.data.length}`);
  }
  if (segment.vaddr < 0n || segment.vaddr + BigInt(segment.memSize) > U64_LIMIT) {
    throw new ElfWriteError(`${what}: address range does not fit in 64 bits`);
  }
  const align = segment.align ?? defaultAlign(segment);
  if (!isPowerOfTwo(align)) throw new ElfWriteError(`${what}: align ${align} is not a power of two`);
  if (segment.vaddr % BigInt(align) !== 0n) throw new ElfWriteError(`${what}: vaddr is not ${align}-byte aligned`);
  // A section either has file contents (padded with zeros to memSize) or none at all (NOBITS);
  // the gABI has no section type that is partly backed by the file.
  const nobits = segment.data.length === 0 && segment.memSize > 0;
  return {
    segment,
    type: nobits ? SHT_NOBITS : SHT_PROGBITS,
    fileSize: nobits ? 0 : segment.memSize,
    align,
    offset: 0,
  };
}

/**
 * Groups sections into PT_LOAD segments. Two sections that touch the same page must share one
 * PT_LOAD: a page has one set of permissions, and two overlapping mappings would clobber each
 * other. The usual case is .bss starting in the last page of .data (one RW segment with
 * p_memsz > p_filesz, as ld emits); a shared page with different permissions gets their union.
 */
function groupIntoLoads(sections: PlacedSection[], page: bigint): LoadGroup[] {
  const groups: LoadGroup[] = [];
  for (const section of sections) {
    const { vaddr, memSize, flags } = section.segment;
    if (memSize === 0) continue;
    const end = vaddr + BigInt(memSize);
    const fileEnd = vaddr + BigInt(section.fileSize);
    const last = groups.at(-1);
    const lastPageEnd = last === undefined ? 0n : ((last.memEnd + page - 1n) / page) * page;
    if (last !== undefined && vaddr < lastPageEnd) {
      last.sections.push(section);
      // A file-backed section after a zero-filled tail makes that tail file-backed too (zeros).
      if (section.fileSize > 0) last.fileEnd = fileEnd;
      last.memEnd = end;
      last.flags |= SEGMENT_PFLAGS[flags];
    } else {
      groups.push({
        sections: [section],
        vaddr,
        fileEnd: section.fileSize > 0 ? fileEnd : vaddr,
        memEnd: end,
        flags: SEGMENT_PFLAGS[flags],
        offset: 0,
        headerBytes: 0,
      });
    }
  }
  return groups;
}

function sortedSymbols(symbols: ElfSymbol[], sectionIndex: Map<string, number>): ElfSymbol[] {
  for (const symbol of symbols) {
    const what = `symbol ${JSON.stringify(symbol.name)}`;
    if (!Object.hasOwn(SYMBOL_TYPE, symbol.type)) throw new ElfWriteError(`${what}: unknown type ${String(symbol.type)}`);
    if (!Object.hasOwn(SYMBOL_BINDING, symbol.binding)) throw new ElfWriteError(`${what}: unknown binding ${String(symbol.binding)}`);
    if (symbol.value < 0n || symbol.value >= U64_LIMIT) throw new ElfWriteError(`${what}: value does not fit in 64 bits`);
    if (!Number.isSafeInteger(symbol.size) || symbol.size < 0) throw new ElfWriteError(`${what}: bad size ${symbol.size}`);
    if (symbol.section !== '' && !sectionIndex.has(symbol.section)) {
      throw new ElfWriteError(`${what}: no segment named ${JSON.stringify(symbol.section)}`);
    }
  }
  // gABI: all STB_LOCAL symbols precede the weak and global ones; sh_info is the first non-local.
  const locals = symbols.filter((s) => s.binding === 'local');
  const others = symbols.filter((s) => s.binding !== 'local');
  return [...locals, ...others];
}

/** Writes a static AArch64 executable. Throws ElfWriteError if the image is inconsistent. */
export function writeElfExecutable(image: ElfImage): Uint8Array {
  const pageSize = image.pageSize ?? 0x1000;
  if (!isPowerOfTwo(pageSize) || pageSize < 0x1000) throw new ElfWriteError(`pageSize ${pageSize} is not a power of two >= 4096`);
  if (image.entry < 0n || image.entry >= U64_LIMIT) throw new ElfWriteError('entry does not fit in 64 bits');
  const page = BigInt(pageSize);

  const names = new Set<string>();
  for (const segment of image.segments) {
    if (names.has(segment.name)) throw new ElfWriteError(`two segments named ${JSON.stringify(segment.name)}`);
    names.add(segment.name);
  }
  // Stable sort: PT_LOAD entries must be in ascending p_vaddr order (gABI §5), and section
  // headers in address order read naturally in readelf.
  const sections = image.segments.map(checkSegment).sort((a, b) => {
    const d = a.segment.vaddr - b.segment.vaddr;
    return d < 0n ? -1 : d > 0n ? 1 : 0;
  });
  for (let i = 1; i < sections.length; i++) {
    const prev = sections[i - 1]!.segment;
    const cur = sections[i]!.segment;
    if (prev.memSize > 0 && cur.memSize > 0 && prev.vaddr + BigInt(prev.memSize) > cur.vaddr) {
      throw new ElfWriteError(`segments ${JSON.stringify(prev.name)} and ${JSON.stringify(cur.name)} overlap`);
    }
  }
  const loads = groupIntoLoads(sections, page);

  const phnum = loads.length + 1;
  const headersEnd = ELF64_EHDR_SIZE + phnum * ELF64_PHDR_SIZE;

  // File layout. If the first PT_LOAD starts far enough into its page, it also maps the ELF and
  // program headers, as ld lays out a static executable; then AT_PHDR (Linux computes it from
  // the PT_LOAD that covers e_phoff, qemu-user as lowest load address + e_phoff) is valid.
  let cursor = headersEnd;
  for (const [i, load] of loads.entries()) {
    const inPage = Number(load.vaddr % page);
    if (i === 0 && inPage >= headersEnd && load.fileEnd > load.vaddr) {
      load.headerBytes = inPage;
      load.offset = inPage;
    } else {
      load.offset = congruentOffset(cursor, load.vaddr, pageSize);
    }
    for (const section of load.sections) section.offset = load.offset + Number(section.segment.vaddr - load.vaddr);
    cursor = load.offset + Number(load.fileEnd - load.vaddr);
  }
  // Empty sections belong to no PT_LOAD; give them an offset that is still congruent.
  for (const section of sections) {
    if (section.segment.memSize === 0) section.offset = congruentOffset(cursor, section.segment.vaddr, pageSize);
  }

  const shstrtab = new StringTable();
  const sectionIndex = new Map<string, number>();
  sections.forEach((section, i) => sectionIndex.set(section.segment.name, i + 1));
  const symbols = sortedSymbols(image.symbols, sectionIndex);
  const firstGlobal = 1 + symbols.filter((s) => s.binding === 'local').length;

  const strtab = new StringTable();
  const symtab = new Uint8Array((symbols.length + 1) * ELF64_SYM_SIZE);
  const symView = new DataView(symtab.buffer);
  symbols.forEach((symbol, i) => {
    const at = (i + 1) * ELF64_SYM_SIZE;
    symView.setUint32(at, strtab.add(symbol.name), true);
    symView.setUint8(at + 4, (SYMBOL_BINDING[symbol.binding] << 4) | SYMBOL_TYPE[symbol.type]);
    symView.setUint8(at + 5, 0); // st_other: STV_DEFAULT
    symView.setUint16(at + 6, symbol.section === '' ? SHN_ABS : sectionIndex.get(symbol.section)!, true);
    symView.setBigUint64(at + 8, symbol.value, true);
    symView.setBigUint64(at + 16, BigInt(symbol.size), true);
  });
  const strtabBytes = strtab.bytes();

  const symtabIndex = sections.length + 1;
  const strtabIndex = symtabIndex + 1;
  const shstrtabIndex = strtabIndex + 1;
  const shnum = shstrtabIndex + 1;
  if (shnum >= SHN_LORESERVE) throw new ElfWriteError(`too many sections (${shnum})`);

  const sectionNames = sections.map((s) => shstrtab.add(s.segment.name));
  const symtabName = shstrtab.add('.symtab');
  const strtabName = shstrtab.add('.strtab');
  const shstrtabName = shstrtab.add('.shstrtab');
  const shstrtabBytes = shstrtab.bytes();

  const symtabOffset = alignUp(cursor, 8);
  const strtabOffset = symtabOffset + symtab.length;
  const shstrtabOffset = strtabOffset + strtabBytes.length;
  const shoff = alignUp(shstrtabOffset + shstrtabBytes.length, 8);
  const fileSize = shoff + shnum * ELF64_SHDR_SIZE;

  const out = new Uint8Array(fileSize);
  const view = new DataView(out.buffer);

  // ELF header (gABI §4 "ELF Header", "ELF Identification").
  out.set(ELFMAG, 0);
  out[4] = ELFCLASS64;
  out[5] = ELFDATA2LSB;
  out[6] = EV_CURRENT;
  out[7] = ELFOSABI_SYSV;
  view.setUint16(16, ET_EXEC, true);
  view.setUint16(18, EM_AARCH64, true);
  view.setUint32(20, EV_CURRENT, true);
  view.setBigUint64(24, image.entry, true);
  view.setBigUint64(32, BigInt(ELF64_EHDR_SIZE), true);
  view.setBigUint64(40, BigInt(shoff), true);
  view.setUint32(48, 0, true); // e_flags: the AArch64 ELF ABI defines none
  view.setUint16(52, ELF64_EHDR_SIZE, true);
  view.setUint16(54, ELF64_PHDR_SIZE, true);
  view.setUint16(56, phnum, true);
  view.setUint16(58, ELF64_SHDR_SIZE, true);
  view.setUint16(60, shnum, true);
  view.setUint16(62, shstrtabIndex, true);

  const writePhdr = (i: number, type: number, flags: number, offset: number, vaddr: bigint, filesz: number, memsz: number, align: number): void => {
    const at = ELF64_EHDR_SIZE + i * ELF64_PHDR_SIZE;
    view.setUint32(at, type, true);
    view.setUint32(at + 4, flags, true);
    view.setBigUint64(at + 8, BigInt(offset), true);
    view.setBigUint64(at + 16, vaddr, true);
    view.setBigUint64(at + 24, vaddr, true);
    view.setBigUint64(at + 32, BigInt(filesz), true);
    view.setBigUint64(at + 40, BigInt(memsz), true);
    view.setBigUint64(at + 48, BigInt(align), true);
  };
  loads.forEach((load, i) => {
    const filesz = Number(load.fileEnd - load.vaddr);
    const memsz = Number(load.memEnd - load.vaddr);
    const start = load.vaddr - BigInt(load.headerBytes);
    writePhdr(i, PT_LOAD, load.flags, load.offset - load.headerBytes, start,
      filesz === 0 ? 0 : filesz + load.headerBytes, memsz + load.headerBytes, pageSize);
  });
  // No PT_GNU_STACK means an executable stack to Linux (READ_IMPLIES_EXEC on some arches).
  writePhdr(loads.length, PT_GNU_STACK, PF_R | PF_W, 0, 0n, 0, 0, 16);

  for (const section of sections) if (section.fileSize > 0) out.set(section.segment.data, section.offset);
  out.set(symtab, symtabOffset);
  out.set(strtabBytes, strtabOffset);
  out.set(shstrtabBytes, shstrtabOffset);

  const writeShdr = (i: number, name: number, type: number, flags: number, addr: bigint, offset: number, size: number, link: number, info: number, align: number, entsize: number): void => {
    const at = shoff + i * ELF64_SHDR_SIZE;
    view.setUint32(at, name, true);
    view.setUint32(at + 4, type, true);
    view.setBigUint64(at + 8, BigInt(flags), true);
    view.setBigUint64(at + 16, addr, true);
    view.setBigUint64(at + 24, BigInt(offset), true);
    view.setBigUint64(at + 32, BigInt(size), true);
    view.setUint32(at + 40, link, true);
    view.setUint32(at + 44, info, true);
    view.setBigUint64(at + 48, BigInt(align), true);
    view.setBigUint64(at + 56, BigInt(entsize), true);
  };
  // Section 0 stays all zeros: the gABI's SHN_UNDEF entry.
  sections.forEach((section, i) => {
    const { segment } = section;
    writeShdr(i + 1, sectionNames[i]!, section.type, SEGMENT_SHFLAGS[segment.flags], segment.vaddr, section.offset,
      segment.memSize, 0, 0, section.align, 0);
  });
  writeShdr(symtabIndex, symtabName, SHT_SYMTAB, 0, 0n, symtabOffset, symtab.length, strtabIndex, firstGlobal, 8, ELF64_SYM_SIZE);
  writeShdr(strtabIndex, strtabName, SHT_STRTAB, 0, 0n, strtabOffset, strtabBytes.length, 0, 0, 1, 0);
  writeShdr(shstrtabIndex, shstrtabName, SHT_STRTAB, 0, 0n, shstrtabOffset, shstrtabBytes.length, 0, 0, 1, 0);
  return out;
}
