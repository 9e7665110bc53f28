// Sections, literal pools, mapping symbols and the memory layout of the static executable.

import type { ElfSegment, ElfSymbol } from './elf-writer.js';
import type { Expr } from './expr.js';
import type { SourceLoc } from './lexer.js';

export type SectionKind = 'text' | 'rodata' | 'data' | 'bss' | 'other';

const PAGE = 0x1000n;
/** No section may grow beyond this (a runaway `.skip` or `.rept` should not eat the host). */
const MAX_SECTION_SIZE = 1 << 30;

/** `ldr Rt, =expr`: one literal-pool slot. */
export interface PoolEntry {
  expr: Expr;
  /** The value, computed in pass 2 where the `ldr` is. */
  value?: bigint;
  size: 4 | 8;
  loc: SourceLoc;
  /** Where the `ldr` is: `.` in the expression means that address. */
  section: Section;
  at: number;
  /** Offset of the slot in `section`, once the pool is placed. */
  offset?: number;
}

/** An ARM ELF mapping symbol: `$x` starts A64 code, `$d` data (AArch64 ELF ABI, "Mapping symbols"). */
export interface MappingSymbol {
  name: '$x' | '$d';
  offset: number;
}

export class Section {
  size = 0;
  /** sh_addralign: the largest alignment asked for (instructions ask for 4). */
  align = 1;
  alignLoc?: SourceLoc;
  /** Created by `.section` without flags for a name that has none by default (not loaded). */
  unflaggedAt?: SourceLoc;
  addr = 0n;
  readonly mapping: MappingSymbol[] = [];
  private mapState: 'none' | 'code' | 'data' = 'none';
  /**
   * Pending literal pools by entry size (GNU keeps one per size and section), in order, each
   * entry under its sharing key (or under itself if it is never shared).
   */
  readonly pools = new Map<4 | 8, Map<string | PoolEntry, PoolEntry>>();
  private buf = new Uint8Array(0);

  constructor(
    readonly name: string,
    readonly kind: SectionKind,
    readonly index: number,
    /** The flags string it was created with, to catch a later `.section` that disagrees. */
    readonly flags: string,
  ) {
    if (kind === 'text') this.align = 4;
  }

  get nobits(): boolean {
    return this.kind === 'bss';
  }

  recordAlign(align: number, loc?: SourceLoc): void {
    if (align > this.align) {
      this.align = align;
      this.alignLoc = loc;
    }
  }

  /**
   * Notes that code or data starts at the current offset, following GNU's mapping_state(): no
   * `$d` at the very start of a non-executable section, and `$x` there after data also marks
   * the data before it.
   */
  mark(state: 'code' | 'data'): void {
    if (this.mapState === state) return;
    if (state === 'data' && this.mapState === 'none' && this.kind !== 'text') return;
    if (state === 'code' && this.mapState === 'none' && this.size > 0) this.addMapping('$d', 0);
    this.addMapping(state === 'code' ? '$x' : '$d', this.size);
    this.mapState = state;
  }

  private addMapping(name: '$x' | '$d', offset: number): void {
    const last = this.mapping.at(-1);
    if (last?.offset === offset) this.mapping.pop();
    if (this.mapping.at(-1)?.name !== name) this.mapping.push({ name, offset });
  }

  /** Reserves `n` bytes (zero until written); returns their offset. */
  reserve(n: number): number {
    const at = this.size;
    if (at + n > MAX_SECTION_SIZE) throw new RangeError(`section '${this.name}' would exceed ${MAX_SECTION_SIZE} bytes`);
    this.size += n;
    return at;
  }

  /** Appends bytes (file-backed sections only; the caller checks .bss for zeros). */
  append(bytes: Uint8Array): void {
    const at = this.reserve(bytes.length);
    if (!this.nobits) this.write(at, bytes);
  }

  write(offset: number, bytes: Uint8Array): void {
    if (this.nobits) return;
    const end = offset + bytes.length;
    if (end > this.buf.length) {
      const grown = new Uint8Array(Math.min(MAX_SECTION_SIZE, Math.max(end, this.buf.length * 2, 256)));
      grown.set(this.buf);
      this.buf = grown;
    }
    this.buf.set(bytes, offset);
  }

  contents(): Uint8Array {
    if (this.nobits) return new Uint8Array(0);
    const out = new Uint8Array(this.size);
    out.set(this.buf.subarray(0, Math.min(this.size, this.buf.length)));
    return out;
  }
}

export function alignUp(v: bigint, align: bigint): bigint {
  return ((v + align - 1n) / align) * align;
}

const GROUPS: [Exclude<SectionKind, 'other'>, string][] = [
  ['text', '.text'],
  ['rodata', '.rodata'],
  ['data', '.data'],
  ['bss', '.bss'],
];

/**
 * Places the sections: `.text` at `base`, then the rodata, data and bss groups, each starting
 * on a new 4 KiB page so that every page has one set of permissions. Within a group the
 * standard section comes first and the others follow in the order they were created, each at
 * its own alignment. Returns the section whose alignment the base does not meet, if any.
 */
export function layoutSections(sections: Section[], base: bigint): { misaligned?: Section; end: bigint } {
  let cursor = base;
  let misaligned: Section | undefined;
  for (const [kind, standard] of GROUPS) {
    const group = sections.filter((s) => s.kind === kind).sort((a, b) => Number(b.name === standard) - Number(a.name === standard));
    if (group.length === 0) continue;
    const start = kind === 'text' ? cursor : alignUp(cursor, PAGE);
    let at = start;
    for (const [i, s] of group.entries()) {
      const align = BigInt(s.align);
      if (i === 0 && start % align !== 0n) {
        if (kind === 'text') misaligned ??= s;
        at = alignUp(at, align);
      }
      s.addr = alignUp(at, align);
      at = s.addr + BigInt(s.size);
    }
    if (at > start) cursor = at;
  }
  for (const s of sections) if (s.kind === 'other') s.addr = 0n;
  return { misaligned, end: cursor };
}

const FLAGS: Record<Exclude<SectionKind, 'other'>, ElfSegment['flags']> = { text: 'rx', rodata: 'r', data: 'rw', bss: 'rw' };

/** The ELF segments, in address order: allocated sections with contents or symbols. */
export function sectionSegments(sections: Section[], used: Set<Section>): ElfSegment[] {
  return sections
    .filter((s) => s.kind !== 'other' && (s.size > 0 || used.has(s)))
    .sort((a, b) => (a.addr < b.addr ? -1 : a.addr > b.addr ? 1 : 0))
    .map((s) => ({
      name: s.name,
      vaddr: s.addr,
      data: s.contents(),
      memSize: s.size,
      flags: FLAGS[s.kind as Exclude<SectionKind, 'other'>],
      align: s.align,
    }));
}

export function mappingSymbols(sections: Section[]): ElfSymbol[] {
  return sections
    .filter((s) => s.kind !== 'other')
    .flatMap((s) =>
      s.mapping
        .filter((m) => m.offset < s.size)
        .map((m): ElfSymbol => ({ name: m.name, value: s.addr + BigInt(m.offset), size: 0, type: 'notype', binding: 'local', section: s.name })),
    );
}

/**
 * `--format bin`: the bytes from the lowest file-backed section to the end of the highest, holes
 * filled with zeros; NOBITS sections (.bss) are not part of it, as with `objcopy -O binary`.
 */
export function toFlatBinary(image: { segments: ElfSegment[] }): { base: bigint; bytes: Uint8Array } {
  const loaded = image.segments.filter((s) => s.memSize > 0 && s.data.length === s.memSize);
  if (loaded.length === 0) return { base: 0n, bytes: new Uint8Array(0) };
  const base = loaded.reduce((m, s) => (s.vaddr < m ? s.vaddr : m), loaded[0].vaddr);
  const end = loaded.reduce((m, s) => (s.vaddr + BigInt(s.memSize) > m ? s.vaddr + BigInt(s.memSize) : m), base);
  const bytes = new Uint8Array(Number(end - base));
  for (const s of loaded) bytes.set(s.data, Number(s.vaddr - base));
  return { base, bytes };
}
