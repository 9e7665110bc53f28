// Sections and layout, literal pools, mapping symbols and the flat binary: where things go in
// the static executable granule's assembler produces.

import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { toFlatBinary } from '../isa/asm/assembler.js';
import { writeElfExecutable } from '../isa/asm/elf-writer.js';
import { asm, bytes, diagnostics, mapping, segment, symbol, words } from './helpers/asm.js';

const NOP = 0xd503201f;

describe('sections', () => {
  const image = asm(
    [
      'nop',
      '.section .text.more, "ax"',
      'more: ret',
      '.data',
      'd: .byte 1',
      '.section .consts, "a"',
      'c: .byte 2',
      '.section .vars, "aw"',
      '.p2align 3',
      'v: .byte 3',
      '.bss',
      'b: .skip 8',
      '.section .zeros, "aw", %nobits',
      'z: .skip 4',
      '.rodata',
      'r: .byte 4',
      '.section .note.GNU-stack, "", %progbits',
      'n: .byte 5',
    ].join('\n'),
  );
  const layout = image.segments.map((s) => `${s.name} ${s.vaddr.toString(16)} ${s.memSize} ${s.flags} ${s.align} ${s.data.length}`);

  it('puts .text at the base, then rodata, data and bss groups each on a new page', () => {
    expect(layout).toEqual([
      '.text 400000 4 rx 4 4',
      '.text.more 400004 4 rx 4 4',
      '.rodata 401000 1 r 1 1',
      '.consts 401001 1 r 1 1',
      '.data 402000 1 rw 1 1',
      '.vars 402008 1 rw 8 1',
      '.bss 403000 8 rw 1 0',
      '.zeros 403008 4 rw 1 0',
    ]);
  });

  it('keeps non-allocated sections and their labels out of the image', () => {
    expect(image.symbols.map((s) => s.name)).not.toContain('n');
    expect(symbol(image, 'z').value).toBe(0x403008n);
  });

  it('moves everything with --base', () => {
    const moved = asm('nop\n.data\nx: .byte 1', { base: 0x10000n });
    expect(moved.segments.map((s) => s.vaddr)).toEqual([0x10000n, 0x11000n]);
    expect(moved.entry).toBe(0x10000n);
  });

  it('switches back with .previous, .pushsection and .popsection', () => {
    const img = asm('nop\n.data\n.byte 1\n.previous\nnop\n.pushsection .rodata\n.byte 2\n.popsection\nnop\n.previous\n.byte 3');
    expect(words(img)).toEqual([NOP, NOP, NOP]);
    expect(bytes(img, '.data')).toEqual([1, 3]);
    expect(bytes(img, '.rodata')).toEqual([2]);
  });

  it('infers the kind of well-known section names and takes flags for others', () => {
    const img = asm('.section .bss.x\n.skip 2\n.section .rodata.y\n.byte 1\n.section .mine, "aw", @nobits\n.skip 3');
    expect(img.segments.map((s) => `${s.name} ${s.flags} ${s.data.length}/${s.memSize}`)).toEqual(['.rodata.y r 1/1', '.bss.x rw 0/2', '.mine rw 0/3']);
  });
});

describe('literal pools', () => {
  it('dumps 4-byte entries, then 8-byte ones aligned to 8, at the end of the section', () => {
    const image = asm('ldr x0, =0x1122334455667788\nldr w1, =5\nldr x2, =0x1122334455667788\nnop\nldr w3, =5');
    expect(words(image)).toEqual([0x580000c0, 0x18000081, 0x58000082, NOP, 0x18000023, 5, 0x55667788, 0x11223344]);
  });

  it('dumps the pool at .ltorg, pads to 8 with zeros, and starts a fresh pool after it', () => {
    const image = asm('ldr w0, =1\nldr x1, =2\n.ltorg\nldr x2, =2');
    // ldr; ldr; [4-byte pool: 1] [pad] [8-byte pool: 2] ldr; [pad] [8-byte pool: 2]
    expect(words(image)).toEqual([0x18000040, 0x58000061, 1, 0, 2, 0, 0x58000042, 0, 2, 0]);
    expect(mapping(image)).toEqual(['$x@0', '$d@8', '$x@c', '$d@10', '$x@18', '$d@20']);
  });

  it('gives an ldr in another section that section\'s own pool', () => {
    const image = asm('nop\n.section .text.b, "ax"\nldr x0, =7');
    expect(words(image, '.text.b')).toEqual([0x58000040, 0, 7, 0]);
  });

  it('reports a pool entry that does not fit in 4 bytes, and a pool more than 1 MiB away', () => {
    expect(diagnostics('ldr w0, =0x100000000')).toEqual(['t.s:1:10: error: value 0x100000000 does not fit in 4 bytes']);
    expect(diagnostics('ldr x0, =1\n.skip 0x100000')).toEqual(['t.s:1:9: error: literal pool out of range (±1 MiB): add a .ltorg closer']);
  });
});

describe('mapping symbols', () => {
  it('marks code with $x and data (literal pools, data directives) with $d in code sections only', () => {
    const image = asm('nop\n.word 1\nnop\nldr x0, =3\n.data\n.word 2');
    expect(mapping(image)).toEqual(['$x@0', '$d@4', '$x@8', '$d@10']);
  });

  const hasObjdump = spawnSync('llvm-objdump', ['--version']).status === 0;
  const tmp = mkdtempSync(join(tmpdir(), 'granule-asm-'));
  afterAll(() => rmSync(tmp, { recursive: true, force: true }));

  it.skipIf(!hasObjdump)('makes llvm-objdump -d show literal pools as .word data (skipped without llvm-objdump)', () => {
    const image = asm('_start: ldr x0, =0x1122334455667788\nldr w1, =0x99\nret');
    const file = join(tmp, 'pool.elf');
    writeFileSync(file, writeElfExecutable(image));
    const out = spawnSync('llvm-objdump', ['-d', file], { encoding: 'utf8' }).stdout;
    const lines = out.split('\n').filter((l) => /^\s+4000/.test(l)).map((l) => l.replace(/\s+/g, ' ').trim());
    expect(lines).toEqual([
      '400000: 80 00 00 58 ldr x0, 0x400010 <$d+0x4>',
      '400004: 41 00 00 18 ldr w1, 0x40000c <$d>',
      '400008: c0 03 5f d6 ret',
      '40000c: 99 00 00 00 .word 0x00000099',
      '400010: 88 77 66 55 .word 0x55667788',
      '400014: 44 33 22 11 .word 0x11223344',
    ]);
  });
});

describe('toFlatBinary', () => {
  it('covers the file-backed sections from the lowest address, holes zero-filled, without .bss', () => {
    const image = asm('nop\n.data\n.byte 7\n.bss\n.skip 16');
    const flat = toFlatBinary(image);
    expect(flat.base).toBe(0x400000n);
    expect(flat.bytes.length).toBe(0x1001);
    expect([...flat.bytes.subarray(0, 4)]).toEqual([0x1f, 0x20, 0x03, 0xd5]);
    expect(flat.bytes.subarray(4, 0x1000).every((b) => b === 0)).toBe(true);
    expect(flat.bytes[0x1000]).toBe(7);
    expect(segment(image, '.bss').vaddr).toBe(0x402000n);
  });

  it('is empty for a program with nothing file-backed', () => {
    expect(toFlatBinary(asm('.bss\n.skip 4')).bytes.length).toBe(0);
  });

  it('is not stretched by empty sections that only hold labels', () => {
    const flat = toFlatBinary(asm('.data\nstart:\n.text\nnop\n.bss\nend:'));
    expect([flat.base, flat.bytes.length]).toEqual([0x400000n, 4]);
  });
});
