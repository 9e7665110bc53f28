// SPDX-License-Identifier: MIT
//
// ELF writer and reader: round trips, real loaders and readers as oracles (qemu-aarch64,
// llvm-readelf, llvm-objdump, GNU objdump/readelf/ld), a table of malformed files, and a seeded
// fuzz loop showing that parseElf only ever throws ElfError.

import { spawnSync } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ElfWriteError, writeElfExecutable, type ElfImage, type ElfSegment } from '../isa/asm/elf-writer.js';
import {
  ElfError,
  EM_AARCH64,
  ET_EXEC,
  PF_R,
  PF_W,
  PF_X,
  PT_GNU_STACK,
  PT_LOAD,
  SHF_ALLOC,
  SHF_EXECINSTR,
  SHF_WRITE,
  SHN_ABS,
  SHT_NOBITS,
  SHT_NULL,
  SHT_PROGBITS,
  SHT_STRTAB,
  SHT_SYMTAB,
  STB_GLOBAL,
  STB_LOCAL,
  STB_WEAK,
  STT_FUNC,
  STT_NOTYPE,
  STT_OBJECT,
  parseElf,
  requireAArch64,
  type ElfFile,
} from '../emulator/loader/elf.js';

// Hand-encoded A64 words (Arm ARM C6.2): MOVZ/MOVK 64-bit, hw selects the 16-bit lane.
const movz = (rd: number, imm16: number, hw = 0): number => (0xd2800000 | (hw << 21) | (imm16 << 5) | rd) >>> 0;
const movk = (rd: number, imm16: number, hw = 0): number => (0xf2800000 | (hw << 21) | (imm16 << 5) | rd) >>> 0;
const SVC_0 = 0xd4000001;
const SYS_EXIT = 93;

function code(words: number[]): Uint8Array {
  const out = new Uint8Array(words.length * 4);
  const view = new DataView(out.buffer);
  words.forEach((w, i) => view.setUint32(i * 4, w, true));
  return out;
}

/** movz x0,#42; movz x8,#93; svc #0: exit(42). */
const EXIT_42 = code([0xd2800540, 0xd2800ba8, SVC_0]);

function bss(name: string, vaddr: bigint, size: number): ElfSegment {
  return { name, vaddr, data: new Uint8Array(0), memSize: size, flags: 'rw' };
}

/** A program with every kind of segment, used by the round trip and as the fuzz seed. */
function sampleImage(): ElfImage {
  return {
    entry: 0x400000n,
    segments: [
      { name: '.rodata', vaddr: 0x410000n, data: new Uint8Array([40, 0, 0, 0, 0x68, 0x69, 0]), memSize: 7, flags: 'r' },
      { name: '.text', vaddr: 0x400000n, data: EXIT_42, memSize: EXIT_42.length, flags: 'rx' },
      { name: '.data', vaddr: 0x420000n, data: new Uint8Array([1, 2, 3, 4, 5, 6, 7, 8]), memSize: 8, flags: 'rw', align: 8 },
      bss('.bss', 0x420010n, 0x1000),
    ],
    symbols: [
      { name: '_start', value: 0x400000n, size: 12, type: 'func', binding: 'global', section: '.text' },
      { name: '$x', value: 0x400000n, size: 0, type: 'notype', binding: 'local', section: '.text' },
      { name: 'message', value: 0x410004n, size: 3, type: 'object', binding: 'global', section: '.rodata' },
      { name: '$d', value: 0x410000n, size: 0, type: 'notype', binding: 'local', section: '.rodata' },
      { name: 'counter', value: 0x420010n, size: 8, type: 'object', binding: 'weak', section: '.bss' },
      { name: 'LIMIT', value: 0x1234n, size: 0, type: 'notype', binding: 'global', section: '' },
      { name: '$d', value: 0x420000n, size: 0, type: 'notype', binding: 'local', section: '.data' },
    ],
  };
}

function has(tool: string): boolean {
  return spawnSync(tool, ['--version'], { stdio: 'ignore' }).error === undefined;
}

/** `it` when the tool is installed, else a skipped test whose name says why. */
function withTool(tool: string, name: string, fn: () => void): void {
  if (has(tool)) it(name, fn);
  else it.skip(`${name} (skipped: ${tool} is not installed)`, fn);
}

const workDir = mkdtempSync(join(tmpdir(), 'granule-elf-'));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function writeTemp(name: string, bytes: Uint8Array): string {
  const path = join(workDir, name);
  writeFileSync(path, bytes);
  chmodSync(path, 0o755);
  return path;
}

function runQemu(bytes: Uint8Array, name: string): { status: number | null; signal: NodeJS.Signals | null; stderr: string } {
  const result = spawnSync('qemu-aarch64', [writeTemp(name, bytes)], { encoding: 'utf8', timeout: 30_000 });
  return { status: result.status, signal: result.signal, stderr: result.stderr };
}

function loads(elf: ElfFile) {
  return elf.programHeaders.filter((p) => p.type === PT_LOAD);
}

describe('writeElfExecutable → parseElf', () => {
  const bytes = writeElfExecutable(sampleImage());
  const elf = parseElf(bytes);

  it('writes an AArch64 ET_EXEC with the entry point', () => {
    expect(Array.from(bytes.subarray(0, 8))).toEqual([0x7f, 0x45, 0x4c, 0x46, 2, 1, 1, 0]);
    expect(elf.type).toBe(ET_EXEC);
    expect(elf.machine).toBe(EM_AARCH64);
    expect(elf.entry).toBe(0x400000n);
    expect(() => requireAArch64(elf)).not.toThrow();
  });

  it('is deterministic', () => {
    expect(writeElfExecutable(sampleImage())).toEqual(bytes);
  });

  it('has one PT_LOAD per permission region, .bss merged into .data, and GNU_STACK', () => {
    const [text, rodata, data, ...rest] = loads(elf);
    expect(rest).toEqual([]);
    expect(text).toMatchObject({ vaddr: 0x400000n, paddr: 0x400000n, filesz: 12, memsz: 12, flags: PF_R | PF_X, align: 0x1000 });
    expect(rodata).toMatchObject({ vaddr: 0x410000n, filesz: 7, memsz: 7, flags: PF_R });
    expect(data).toMatchObject({ vaddr: 0x420000n, filesz: 8, memsz: 0x1010, flags: PF_R | PF_W });
    for (const p of loads(elf)) expect(BigInt(p.offset) % 0x1000n).toBe(p.vaddr % 0x1000n);
    const stack = elf.programHeaders.filter((p) => p.type === PT_GNU_STACK);
    expect(stack).toHaveLength(1);
    expect(stack[0]!.flags).toBe(PF_R | PF_W);
    expect(elf.programHeaders.at(-1)!.type).toBe(PT_GNU_STACK);
  });

  it('keeps segment contents at their addresses', () => {
    for (const segment of sampleImage().segments) {
      const p = loads(elf).find((l) => segment.vaddr >= l.vaddr && segment.vaddr < l.vaddr + BigInt(l.memsz))!;
      const at = p.offset + Number(segment.vaddr - p.vaddr);
      expect(bytes.subarray(at, at + segment.data.length)).toEqual(segment.data);
    }
  });

  it('writes section headers in address order with the right types and flags', () => {
    expect(elf.sections.map((s) => s.name)).toEqual(['', '.text', '.rodata', '.data', '.bss', '.symtab', '.strtab', '.shstrtab']);
    const byName = new Map(elf.sections.map((s) => [s.name, s]));
    expect(elf.sections[0]!.type).toBe(SHT_NULL);
    expect(byName.get('.text')).toMatchObject({ type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_EXECINSTR, addr: 0x400000n, size: 12, data: EXIT_42 });
    expect(byName.get('.text')!.data).toEqual(EXIT_42);
    expect(byName.get('.rodata')).toMatchObject({ type: SHT_PROGBITS, flags: SHF_ALLOC, addr: 0x410000n, size: 7 });
    expect(byName.get('.data')).toMatchObject({ type: SHT_PROGBITS, flags: SHF_ALLOC | SHF_WRITE, size: 8 });
    const bssSection = byName.get('.bss')!;
    expect(bssSection).toMatchObject({ type: SHT_NOBITS, flags: SHF_ALLOC | SHF_WRITE, addr: 0x420010n, size: 0x1000 });
    expect(bssSection.data.length).toBe(0);
    expect(byName.get('.symtab')).toMatchObject({ type: SHT_SYMTAB, entsize: 24, link: 6, info: 4 });
    expect(byName.get('.strtab')!.type).toBe(SHT_STRTAB);
    expect(byName.get('.shstrtab')!.type).toBe(SHT_STRTAB);
  });

  it('writes the null symbol, then locals, then globals, with section indices', () => {
    const names = elf.symbols.map((s) => [s.name, s.binding, s.type, s.sectionIndex, s.value, s.size]);
    expect(names).toEqual([
      ['', STB_LOCAL, STT_NOTYPE, 0, 0n, 0],
      ['$x', STB_LOCAL, STT_NOTYPE, 1, 0x400000n, 0],
      ['$d', STB_LOCAL, STT_NOTYPE, 2, 0x410000n, 0],
      ['$d', STB_LOCAL, STT_NOTYPE, 3, 0x420000n, 0],
      ['_start', STB_GLOBAL, STT_FUNC, 1, 0x400000n, 12],
      ['message', STB_GLOBAL, STT_OBJECT, 2, 0x410004n, 3],
      ['counter', STB_WEAK, STT_OBJECT, 4, 0x420010n, 8],
      ['LIMIT', STB_GLOBAL, STT_NOTYPE, SHN_ABS, 0x1234n, 0],
    ]);
  });

  it('maps the ELF and program headers when the first segment leaves room in its page', () => {
    const image: ElfImage = {
      entry: 0x400100n,
      segments: [{ name: '.text', vaddr: 0x400100n, data: EXIT_42, memSize: 12, flags: 'rx' }],
      symbols: [],
    };
    const parsed = parseElf(writeElfExecutable(image));
    expect(loads(parsed)[0]).toMatchObject({ offset: 0, vaddr: 0x400000n, filesz: 0x10c, memsz: 0x10c });
    expect(parsed.sections[1]).toMatchObject({ name: '.text', offset: 0x100, addr: 0x400100n });
  });

  it('gives a .bss on its own pages a PT_LOAD with p_filesz 0', () => {
    const image: ElfImage = {
      entry: 0x400000n,
      segments: [{ name: '.text', vaddr: 0x400000n, data: EXIT_42, memSize: 12, flags: 'rx' }, bss('.bss', 0x430000n, 0x2000)],
      symbols: [],
    };
    const [, bssLoad] = loads(parseElf(writeElfExecutable(image)));
    expect(bssLoad).toMatchObject({ vaddr: 0x430000n, filesz: 0, memsz: 0x2000, flags: PF_R | PF_W });
  });

  it('merges sections that share a page into one PT_LOAD with the union of their flags', () => {
    const image: ElfImage = {
      entry: 0x400000n,
      segments: [
        { name: '.text', vaddr: 0x400000n, data: EXIT_42, memSize: 12, flags: 'rx' },
        { name: '.rodata', vaddr: 0x400010n, data: new Uint8Array([7]), memSize: 1, flags: 'r' },
      ],
      symbols: [],
    };
    const parsed = parseElf(writeElfExecutable(image));
    expect(loads(parsed)).toHaveLength(1);
    expect(loads(parsed)[0]).toMatchObject({ vaddr: 0x400000n, filesz: 0x11, flags: PF_R | PF_X });
    expect(parsed.sections[2]!.data).toEqual(new Uint8Array([7]));
  });

  it('lays out for a larger page size on request', () => {
    const parsed = parseElf(writeElfExecutable({ ...sampleImage(), pageSize: 0x10000 }));
    for (const p of loads(parsed)) {
      expect(p.align).toBe(0x10000);
      expect(BigInt(p.offset) % 0x10000n).toBe(p.vaddr % 0x10000n);
    }
  });

  it('rejects inconsistent images', () => {
    const text: ElfSegment = { name: '.text', vaddr: 0x400000n, data: EXIT_42, memSize: 12, flags: 'rx' };
    const bad = (image: Partial<ElfImage>) => () => writeElfExecutable({ entry: 0x400000n, segments: [text], symbols: [], ...image });
    expect(bad({ segments: [text, { ...text, name: '.other', vaddr: 0x400008n }] })).toThrow(new ElfWriteError('segments ".text" and ".other" overlap'));
    expect(bad({ segments: [text, text] })).toThrow(new ElfWriteError('two segments named ".text"'));
    expect(bad({ segments: [{ ...text, memSize: 4 }] })).toThrow(ElfWriteError);
    expect(bad({ segments: [{ ...text, vaddr: 0x400002n }] })).toThrow(new ElfWriteError('segment ".text": vaddr is not 4-byte aligned'));
    expect(bad({ segments: [{ ...text, name: '.symtab' }] })).toThrow(new ElfWriteError('segment ".symtab": reserved section name'));
    expect(bad({ symbols: [{ name: 'x', value: 0n, size: 0, type: 'notype', binding: 'local', section: '.data' }] })).toThrow(
      new ElfWriteError('symbol "x": no segment named ".data"'),
    );
    expect(bad({ pageSize: 0x800 })).toThrow(ElfWriteError);
  });
});

describe('against real tools', () => {
  withTool('qemu-aarch64', 'qemu-aarch64 runs a hand-built program that exits with status 42', () => {
    const image: ElfImage = {
      entry: 0x400000n,
      segments: [{ name: '.text', vaddr: 0x400000n, data: EXIT_42, memSize: EXIT_42.length, flags: 'rx' }],
      symbols: [{ name: '_start', value: 0x400000n, size: 12, type: 'func', binding: 'global', section: '.text' }],
    };
    const result = runQemu(writeElfExecutable(image), 'exit42');
    expect(result.stderr).toBe('');
    expect(result.status).toBe(42);
    expect(runQemu(writeElfExecutable(sampleImage()), 'sample').status).toBe(42);
  });

  // Reads .rodata, writes .data, checks that .bss reads as zero at both ends and is writable,
  // and exits with 40 + 1 + 1 = 42: proves that qemu loaded every segment with its contents.
  const touchEverySegment = (bssAddress: bigint): ElfImage => {
    const hi = Number(bssAddress >> 16n);
    const lo = Number(bssAddress & 0xffffn);
    const text = code([
      movz(1, 0x41, 1), // x1 = .rodata
      0x39400020, //       ldrb w0, [x1]            ; 40
      movz(2, 0x42, 1), // x2 = .data
      0x39400043, //       ldrb w3, [x2]            ; 1
      0x0b030000, //       add  w0, w0, w3
      0x39000040, //       strb w0, [x2]            ; .data is writable
      0x39400040, //       ldrb w0, [x2]
      movz(4, hi, 1), //   x4 = .bss
      movk(4, lo),
      0xf9400085, //       ldr  x5, [x4]            ; first bytes of .bss are zero
      0x8b050000, //       add  x0, x0, x5
      0xf947fc85, //       ldr  x5, [x4, #4088]     ; last bytes of .bss are zero
      0x8b050000, //       add  x0, x0, x5
      0x52800026, //       movz w6, #1
      0x393fc086, //       strb w6, [x4, #4080]     ; .bss is writable
      0x397fc086, //       ldrb w6, [x4, #4080]
      0x0b060000, //       add  w0, w0, w6
      movz(8, SYS_EXIT),
      SVC_0,
    ]);
    return {
      entry: 0x400000n,
      segments: [
        { name: '.text', vaddr: 0x400000n, data: text, memSize: text.length, flags: 'rx' },
        { name: '.rodata', vaddr: 0x410000n, data: new Uint8Array([40]), memSize: 1, flags: 'r' },
        { name: '.data', vaddr: 0x420000n, data: new Uint8Array([1]), memSize: 1, flags: 'rw' },
        bss('.bss', bssAddress, 0x1000),
      ],
      symbols: [],
    };
  };

  withTool('qemu-aarch64', 'qemu-aarch64 loads .rodata, .data and a .bss merged with .data', () => {
    const image = touchEverySegment(0x420010n);
    expect(loads(parseElf(writeElfExecutable(image)))).toHaveLength(3);
    expect(runQemu(writeElfExecutable(image), 'merged-bss').status).toBe(42);
  });

  withTool('qemu-aarch64', 'qemu-aarch64 loads a .bss that is a PT_LOAD of its own with p_filesz 0', () => {
    const image = touchEverySegment(0x430000n);
    expect(loads(parseElf(writeElfExecutable(image)))).toHaveLength(4);
    expect(runQemu(writeElfExecutable(image), 'own-bss').status).toBe(42);
  });

  withTool('qemu-aarch64', 'qemu-aarch64 enforces the p_flags: a store to .rodata raises SIGSEGV', () => {
    const text = code([movz(1, 0x41, 1), 0x39000020 /* strb w0, [x1] */, movz(8, SYS_EXIT), SVC_0]);
    const image: ElfImage = {
      entry: 0x400000n,
      segments: [
        { name: '.text', vaddr: 0x400000n, data: text, memSize: text.length, flags: 'rx' },
        { name: '.rodata', vaddr: 0x410000n, data: new Uint8Array([40]), memSize: 1, flags: 'r' },
      ],
      symbols: [],
    };
    expect(runQemu(writeElfExecutable(image), 'rodata-store').signal).toBe('SIGSEGV');
  });

  withTool('qemu-aarch64', 'qemu-aarch64 runs a program whose first PT_LOAD also maps the headers', () => {
    const image: ElfImage = {
      entry: 0x400100n,
      segments: [{ name: '.text', vaddr: 0x400100n, data: EXIT_42, memSize: 12, flags: 'rx' }],
      symbols: [],
    };
    expect(runQemu(writeElfExecutable(image), 'mapped-headers').status).toBe(42);
  });

  withTool('llvm-readelf', 'llvm-readelf -h -l -S -s reads the file without warnings', () => {
    const path = writeTemp('readelf', writeElfExecutable(sampleImage()));
    const result = spawnSync('llvm-readelf', ['-h', '-l', '-S', '-s', path], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).not.toMatch(/warning/i);
    expect(result.stdout).toMatch(/Machine:\s+AArch64/);
    expect(result.stdout).toMatch(/\.bss\s+NOBITS/);
    expect(result.stdout).toMatch(/GNU_STACK/);
    expect(result.stdout).toMatch(/FUNC\s+GLOBAL\s+DEFAULT\s+1 _start/);
    expect(result.stdout).toMatch(/NOTYPE\s+GLOBAL\s+DEFAULT\s+ABS LIMIT/);
    expect(result.stdout).toMatch(/02\s+\.data \.bss/);
  });

  withTool('readelf', 'GNU readelf -a reads the file without warnings', () => {
    const path = writeTemp('gnu-readelf', writeElfExecutable(sampleImage()));
    const result = spawnSync('readelf', ['-a', '-W', path], { encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/AArch64/);
  });

  withTool('llvm-objdump', 'llvm-objdump -d disassembles .text under its symbol', () => {
    const path = writeTemp('objdump', writeElfExecutable(sampleImage()));
    const result = spawnSync('llvm-objdump', ['-d', path], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/<_start>:\n\s+400000:\s+40 05 80 d2\s+mov\s+x0, #42/);
    expect(result.stdout).toMatch(/svc\s+#0/);
  });

  withTool('aarch64-linux-gnu-objdump', 'aarch64-linux-gnu-objdump -d disassembles .text under its symbol', () => {
    const path = writeTemp('gnu-objdump', writeElfExecutable(sampleImage()));
    const result = spawnSync('aarch64-linux-gnu-objdump', ['-d', path], { encoding: 'utf8' });
    expect(result.stderr).toBe('');
    expect(result.stdout).toMatch(/<_start>:\n\s+400000:\s+d2800540\s+mov\s+x0, #0x2a/);
  });

  withTool('aarch64-linux-gnu-ld', 'parseElf reads a GNU ld static executable as llvm-readelf does', () => {
    const source = join(workDir, 'ld.s');
    writeFileSync(
      source,
      ['.text', '.globl _start', '_start: mov x0, #42', 'mov x8, #93', 'svc #0', '.data', 'value: .quad 7', '.bss', 'buffer: .space 64', ''].join('\n'),
    );
    const object = join(workDir, 'ld.o');
    const exe = join(workDir, 'ld.out');
    expect(spawnSync('aarch64-linux-gnu-as', ['-o', object, source]).status).toBe(0);
    expect(spawnSync('aarch64-linux-gnu-ld', ['-static', '-o', exe, object]).status).toBe(0);
    const elf = parseElf(readFileSync(exe));
    requireAArch64(elf);
    const start = elf.symbols.find((s) => s.name === '_start')!;
    expect(start.value).toBe(elf.entry);
    expect(elf.sections[start.sectionIndex]!.name).toBe('.text');
    expect(elf.sections.find((s) => s.name === '.bss')!.type).toBe(SHT_NOBITS);
    if (has('llvm-readelf')) {
      const readelf = spawnSync('llvm-readelf', ['-S', '-l', exe], { encoding: 'utf8' }).stdout;
      expect(readelf).toContain(`There are ${elf.sections.length} section headers`);
      expect(readelf).toContain(`There are ${elf.programHeaders.length} program headers`);
    }
  });
});

/** A copy of bytes with fn applied to a little-endian view of it. */
function patched(bytes: Uint8Array, fn: (v: DataView, b: Uint8Array) => void): Uint8Array {
  const copy = bytes.slice();
  fn(new DataView(copy.buffer), copy);
  return copy;
}

describe('parseElf on malformed input', () => {
  const valid = writeElfExecutable(sampleImage());
  const elf = parseElf(valid);
  const shoff = Number(new DataView(valid.buffer).getBigUint64(40, true));
  const shdr = (i: number) => shoff + i * 64;
  const phdr = (i: number) => 64 + i * 56;
  const sectionIndex = (name: string) => elf.sections.findIndex((s) => s.name === name);
  const symtab = elf.sections[sectionIndex('.symtab')]!;
  const strtab = elf.sections[sectionIndex('.strtab')]!;
  const shstrtab = elf.sections[sectionIndex('.shstrtab')]!;
  const sym = (i: number) => symtab.offset + i * 24;
  const shstrtabIndexOf = (name: string) => Buffer.from(shstrtab.data).indexOf(`${name}\0`);

  const cases: [string, Uint8Array, string][] = [
    ['empty input', new Uint8Array(0), 'not an ELF file (empty input)'],
    ['wrong magic', new TextEncoder().encode('MZ\x90\x00 this is not ELF at all, not even close....'), 'not an ELF file (bad magic)'],
    ['three bytes of magic', valid.slice(0, 3), 'truncated ELF: identification needs 16 bytes, file has 3'],
    ['32-bit class', patched(valid, (_, b) => (b[4] = 1)), '32-bit ELF (ELFCLASS32) is not supported, need ELFCLASS64'],
    ['unknown class', patched(valid, (_, b) => (b[4] = 7)), 'invalid ELF class 7'],
    ['big-endian', patched(valid, (_, b) => (b[5] = 2)), 'big-endian ELF (ELFDATA2MSB) is not supported, need little-endian'],
    ['unknown data encoding', patched(valid, (_, b) => (b[5] = 0)), 'invalid ELF data encoding 0'],
    ['identification version 0', patched(valid, (_, b) => (b[6] = 0)), 'unsupported ELF identification version 0'],
    ['truncated file header', valid.slice(0, 40), 'truncated ELF: file header needs 64 bytes, file has 40'],
    ['e_version 2', patched(valid, (v) => v.setUint32(20, 2, true)), 'unsupported ELF version 2'],
    ['e_ehsize 52', patched(valid, (v) => v.setUint16(52, 52, true)), 'bad e_ehsize 52, expected 64'],
    ['e_phentsize 32', patched(valid, (v) => v.setUint16(54, 32, true)), 'bad e_phentsize 32, expected 56'],
    ['e_shentsize 40', patched(valid, (v) => v.setUint16(58, 40, true)), 'bad e_shentsize 40, expected 64'],
    ['truncated section header table', valid.slice(0, valid.length - 10), 'truncated ELF: section header table past end of file'],
    ['e_shoff past end of file', patched(valid, (v) => v.setBigUint64(40, BigInt(valid.length), true)), 'truncated ELF: section header table past end of file'],
    ['e_shoff near 2^64', patched(valid, (v) => v.setBigUint64(40, 0xffff_ffff_ffff_ffc0n, true)), 'truncated ELF: section header table past end of file'],
    ['e_shoff inside the ELF header', patched(valid, (v) => v.setBigUint64(40, 8n, true)), 'section header table at offset 0x8 overlaps the ELF header'],
    ['e_shnum without e_shoff', patched(valid, (v) => v.setBigUint64(40, 0n, true)), 'e_shnum is 8 but e_shoff is 0'],
    ['huge e_shnum', patched(valid, (v) => v.setUint16(60, 0xfeff, true)), 'truncated ELF: section header table past end of file'],
    ['extended e_shnum too large', patched(valid, (v) => { v.setUint16(60, 0, true); v.setBigUint64(shdr(0) + 32, 0xffff_ffffn, true); }), 'truncated ELF: section header table past end of file'],
    ['huge e_phnum', patched(valid, (v) => v.setUint16(56, 0xfffe, true)), 'truncated ELF: program header table past end of file'],
    ['PN_XNUM with a huge sh_info', patched(valid, (v) => { v.setUint16(56, 0xffff, true); v.setUint32(shdr(0) + 44, 0xffff_ffff, true); }), 'truncated ELF: program header table past end of file'],
    ['e_phoff past end of file', patched(valid, (v) => v.setBigUint64(32, BigInt(valid.length - 20), true)), 'truncated ELF: program header table past end of file'],
    ['e_phoff 0', patched(valid, (v) => v.setBigUint64(32, 0n, true)), 'program header table at offset 0x0 overlaps the ELF header'],
    ['e_shstrndx out of range', patched(valid, (v) => v.setUint16(62, 200, true)), 'e_shstrndx 200 out of range (8 sections)'],
    ['e_shstrndx at a PROGBITS section', patched(valid, (v) => v.setUint16(62, 1, true)), 'section 1 (e_shstrndx) is not a string table'],
    ['section 0 not SHT_NULL', patched(valid, (v) => v.setUint32(shdr(0) + 4, SHT_PROGBITS, true)), 'section header 0 has type 1, expected SHT_NULL'],
    ['section name index past end', patched(valid, (v) => v.setUint32(shdr(1), 0x7fff_ffff, true)), `section header 1: name index 2147483647 past end of .shstrtab (${shstrtab.size} bytes)`],
    ['unterminated section name', patched(valid, (_, b) => b.fill(0x41, shstrtab.offset, shstrtab.offset + shstrtab.size)), 'section header 1: name at index 1 in .shstrtab is not NUL-terminated'],
    ['section contents past end', patched(valid, (v) => v.setBigUint64(shdr(1) + 24, BigInt(valid.length - 4), true)), 'truncated ELF: section header 1 contents past end of file'],
    ['section size near 2^64', patched(valid, (v) => v.setBigUint64(shdr(2) + 32, 0xffff_ffff_ffff_fff0n, true)), 'section header 2: section wraps past the end of the address space'],
    ['section size past end', patched(valid, (v) => v.setBigUint64(shdr(5) + 32, 0x1_0000_0000n, true)), 'truncated ELF: section header 5 contents past end of file'],
    ['sh_addralign 3', patched(valid, (v) => v.setBigUint64(shdr(1) + 48, 3n, true)), 'section header 1: sh_addralign 0x3 is not a power of two'],
    ['sh_link out of range', patched(valid, (v) => v.setUint32(shdr(5) + 40, 99, true)), 'section header 5: sh_link 99 out of range (8 sections)'],
    ['PT_LOAD p_filesz > p_memsz', patched(valid, (v) => v.setBigUint64(phdr(0) + 40, 4n, true)), 'program header 0 (PT_LOAD): p_filesz 0xc exceeds p_memsz 0x4'],
    ['PT_LOAD contents past end', patched(valid, (v) => { v.setBigUint64(phdr(1) + 32, 0x10_0000n, true); v.setBigUint64(phdr(1) + 40, 0x10_0000n, true); }), 'truncated ELF: program header 1 (PT_LOAD) contents past end of file'],
    ['PT_LOAD offset past end', patched(valid, (v) => v.setBigUint64(phdr(1) + 8, 0x41_0000n, true)), 'truncated ELF: program header 1 (PT_LOAD) contents past end of file'],
    ['PT_LOAD offset not congruent', patched(valid, (v) => v.setBigUint64(phdr(0) + 8, 0x1004n, true)), 'program header 0 (PT_LOAD): p_vaddr 0x400000 and p_offset 0x1004 are not congruent modulo p_align 0x1000'],
    ['PT_LOAD p_align 0x1001', patched(valid, (v) => v.setBigUint64(phdr(0) + 48, 0x1001n, true)), 'program header 0 (PT_LOAD): p_align 0x1001 is not a power of two'],
    ['PT_LOAD wraps', patched(valid, (v) => { v.setBigUint64(phdr(2) + 16, 0xffff_ffff_ffff_f000n, true); }), 'program header 2 (PT_LOAD): segment wraps past the end of the address space'],
    ['PT_LOAD out of order', patched(valid, (v) => v.setBigUint64(phdr(1) + 16, 0x3f_0000n, true)), 'program header 1 (PT_LOAD): PT_LOAD segments are not in ascending p_vaddr order'],
    ['PT_LOAD overlap', patched(valid, (v) => v.setBigUint64(phdr(1) + 16, 0x40_0000n, true)), 'program header 1 (PT_LOAD): overlaps the PT_LOAD segment in program header 0'],
    ['p_memsz beyond 2^53', patched(valid, (v) => v.setBigUint64(phdr(3) + 40, 1n << 60n, true)), 'program header 3: p_memsz 0x1000000000000000 is too large'],
    ['symtab sh_entsize 16', patched(valid, (v) => v.setBigUint64(shdr(5) + 56, 16n, true)), 'symbol table (section 5): sh_entsize 16, expected 24'],
    ['symtab size not a multiple of 24', patched(valid, (v) => v.setBigUint64(shdr(5) + 32, BigInt(symtab.size - 1), true)), `symbol table (section 5): size ${symtab.size - 1} is not a multiple of 24`],
    ['symtab sh_link at a non-string table', patched(valid, (v) => v.setUint32(shdr(5) + 40, 1, true)), 'symbol table (section 5): sh_link 1 is not a string table'],
    ['symtab sh_info past the symbols', patched(valid, (v) => v.setUint32(shdr(5) + 44, 9, true)), 'symbol table (section 5): sh_info 9 exceeds the 8 symbols'],
    ['symbol name index past end', patched(valid, (v) => v.setUint32(sym(3), 0xffff, true)), `symbol 3: name index 65535 past end of .strtab (${strtab.size} bytes)`],
    ['unterminated symbol name', patched(valid, (_, b) => (b[strtab.offset + strtab.size - 1] = 0x41)), `symbol 7: name at index ${strtab.size - 6} in .strtab is not NUL-terminated`],
    ['control characters in a name used in a message', patched(valid, (v, b) => {
      v.setUint32(sym(3), 0xffff, true);
      b[shstrtab.offset + shstrtabIndexOf('.strtab') + 3] = 0x0a;
    }), `symbol 3: name index 65535 past end of .st\\u{a}tab (${strtab.size} bytes)`],
    ['symbol section index out of range', patched(valid, (v) => v.setUint16(sym(4) + 6, 0x100, true)), 'symbol 4: section index 256 out of range (8 sections)'],
    ['SHN_XINDEX without SHT_SYMTAB_SHNDX', patched(valid, (v) => v.setUint16(sym(4) + 6, 0xffff, true)), 'symbol 4: SHN_XINDEX without an SHT_SYMTAB_SHNDX section'],
    ['two symbol tables', patched(valid, (v) => v.setUint32(shdr(6) + 4, SHT_SYMTAB, true)), 'more than one SHT_SYMTAB section'],
  ];

  it.each(cases)('%s', (_, bytes, message) => {
    expect(() => parseElf(bytes)).toThrow(new ElfError(message));
  });

  it('reports the machine of a non-AArch64 file', () => {
    const machine = (m: number) => parseElf(patched(valid, (v) => v.setUint16(18, m, true)));
    expect(() => requireAArch64(machine(62))).toThrow(new ElfError('ELF is for machine 62 (x86-64), not AArch64'));
    expect(() => requireAArch64(machine(40))).toThrow(new ElfError('ELF is for machine 40 (ARM), not AArch64'));
    expect(() => requireAArch64(machine(243))).toThrow(new ElfError('ELF is for machine 243 (RISC-V), not AArch64'));
    expect(() => requireAArch64(machine(3))).toThrow(new ElfError('ELF is for machine 3 (i386), not AArch64'));
    expect(() => requireAArch64(machine(4321))).toThrow(new ElfError('ELF is for machine 4321, not AArch64'));
  });

  it('parses a stripped file through its program headers', () => {
    const stripped = parseElf(
      patched(valid, (v) => {
        v.setBigUint64(40, 0n, true);
        v.setUint16(60, 0, true);
        v.setUint16(62, 0, true);
      }),
    );
    expect(stripped.sections).toEqual([]);
    expect(stripped.symbols).toEqual([]);
    expect(stripped.programHeaders).toEqual(elf.programHeaders);
    expect(stripped.entry).toBe(0x400000n);
  });

  it('follows gABI extended numbering for e_phnum and e_shstrndx', () => {
    const extended = parseElf(
      patched(valid, (v) => {
        v.setUint16(56, 0xffff, true);
        v.setUint32(shdr(0) + 44, elf.programHeaders.length, true);
        v.setUint16(62, 0xffff, true);
        v.setUint32(shdr(0) + 40, sectionIndex('.shstrtab'), true);
      }),
    );
    expect(extended.programHeaders).toEqual(elf.programHeaders);
    expect(extended.sections.map((s) => s.name)).toEqual(elf.sections.map((s) => s.name));
  });

  it('accepts a Uint8Array that is a view into a larger buffer', () => {
    const padded = new Uint8Array(valid.length + 13);
    padded.set(valid, 7);
    expect(parseElf(padded.subarray(7, 7 + valid.length))).toEqual(elf);
  });

  it('never throws anything but a one-line ElfError on mutated or truncated files', () => {
    // xorshift32 with a fixed seed: the same inputs on every run.
    let state = 0x2545f491;
    const next = (): number => {
      state ^= state << 13;
      state ^= state >>> 17;
      state ^= state << 5;
      return state >>> 0;
    };
    const below = (n: number): number => next() % n;
    // Field positions worth hitting directly: the ELF header, every program and section header
    // and the symbol table, where a random byte flip rarely lands on something interesting.
    const hotSpots = [0, 16, 24, 32, 40, 48, 52, 56, 60, 62];
    for (let i = 0; i < elf.programHeaders.length; i++) for (const f of [0, 4, 8, 16, 32, 40, 48]) hotSpots.push(phdr(i) + f);
    for (let i = 0; i < elf.sections.length; i++) for (const f of [0, 4, 8, 16, 24, 32, 40, 44, 48, 56]) hotSpots.push(shdr(i) + f);
    for (let i = 0; i < elf.symbols.length; i++) for (const f of [0, 4, 6, 8, 16]) hotSpots.push(sym(i) + f);
    const extremes = [0n, 1n, 0x40n, 0xffffn, 0xffff_ffffn, 1n << 53n, 0xffff_ffff_ffff_ffffn, BigInt(valid.length)];

    let parsed = 0;
    let rejected = 0;
    for (let round = 0; round < 4000; round++) {
      const bytes = valid.slice();
      const view = new DataView(bytes.buffer);
      const edits = 1 + below(4);
      for (let e = 0; e < edits; e++) {
        const at = below(3) === 0 ? below(bytes.length) : hotSpots[below(hotSpots.length)]!;
        const width = [1, 2, 4, 8][below(4)]!;
        if (at + width > bytes.length) continue;
        const value = below(2) === 0 ? extremes[below(extremes.length)]! : (BigInt(next()) << 32n) | BigInt(next());
        for (let k = 0; k < width; k++) view.setUint8(at + k, Number((value >> BigInt(8 * k)) & 0xffn));
      }
      const input = below(4) === 0 ? bytes.subarray(0, below(bytes.length + 1)) : bytes;
      try {
        const result = parseElf(input);
        requireAArch64(result);
        parsed++;
      } catch (error) {
        if (!(error instanceof ElfError)) throw new Error(`round ${round}: parseElf threw ${String(error)}`);
        expect(error.message).not.toContain('\n');
        rejected++;
      }
    }
    expect(parsed).toBeGreaterThan(100);
    expect(rejected).toBeGreaterThan(100);
  });
});
