// Assembler front-end: statements and comments, directives, expressions, equates, macros,
// local labels, includes and conditionals. What GNU as can assemble as well is also checked
// byte for byte against it in asm-gnu.test.ts; these tests pin the details one at a time.

import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm/assembler.js';
import { asm, bytes, diagnostics, segment, symbol, words } from './helpers/asm.js';

const NOP = 0xd503201f;

describe('statements and comments', () => {
  it('separates statements with ; and ignores //, /* */ (across lines) and # at the start of a line', () => {
    const image = asm(
      [
        '# 1 "t.c"          (a preprocessor line marker)',
        '   # an indented one',
        'nop; nop // two',
        'nop /* one',
        'still a comment; nop',
        '*/ nop',
        '.ascii "a;b//c/*d*/"; .byte \';\', \'/\'',
      ].join('\n'),
    );
    expect(words(image).slice(0, 4)).toEqual([NOP, NOP, NOP, NOP]);
    expect(bytes(image, '.text').slice(16)).toEqual([...Buffer.from('a;b//c/*d*/;/')]);
  });

  it('takes several labels on a line and labels alone on a line', () => {
    const image = asm('a: b: nop\nc:\nd: nop');
    expect([symbol(image, 'a').value, symbol(image, 'b').value, symbol(image, 'c').value, symbol(image, 'd').value]).toEqual([
      0x400000n, 0x400000n, 0x400004n, 0x400004n,
    ]);
  });

  it('is case-insensitive for directives and mnemonics, not for symbols', () => {
    const image = asm('X: .WORD x\nx: NOP');
    expect(words(image)).toEqual([0x400004, NOP]);
  });
});

describe('data directives', () => {
  it('emits little-endian values of each size', () => {
    const image = asm('.data\n.byte 1, -1\n.hword 0x1234\n.word 0x12345678\n.quad 0x1122334455667788');
    expect(bytes(image, '.data')).toEqual([1, 0xff, 0x34, 0x12, 0x78, 0x56, 0x34, 0x12, 0x88, 0x77, 0x66, 0x55, 0x44, 0x33, 0x22, 0x11]);
  });

  it('accepts label differences, absolute symbols and addresses', () => {
    const image = asm('nop\n.data\na: .byte b - a, N\nb: .quad a\nN = 7');
    expect(bytes(image, '.data').slice(0, 2)).toEqual([2, 7]);
    expect(segment(image, '.data').vaddr).toBe(0x401000n);
    expect(bytes(image, '.data').slice(2)).toEqual([0, 0x10, 0x40, 0, 0, 0, 0, 0]);
  });

  it('takes . as the address of each value', () => {
    const image = asm('nop\n.data\n.word ., ., . - 8');
    expect(words(image, '.data')).toEqual([0x401000, 0x401004, 0x401000]);
  });

  it('writes strings with escapes', () => {
    const image = asm('.data\n.ascii "a\\n\\t\\"\\\\\\101\\x42"\n.asciz "z"\n.string ""');
    expect(bytes(image, '.data')).toEqual([0x61, 10, 9, 0x22, 0x5c, 0x41, 0x42, 0x7a, 0, 0]);
  });

  it('fills with .zero, .skip, .space and .fill', () => {
    const image = asm('.data\n.zero 2\n.skip 1, 0xab\n.space 2, 1\n.fill 2, 2, 0x1234\n.fill 1, 8, -1');
    expect(bytes(image, '.data')).toEqual([0, 0, 0xab, 1, 1, 0x34, 0x12, 0x34, 0x12, 0xff, 0xff, 0xff, 0xff, 0, 0, 0, 0]);
  });

  it('marks .inst as code and data directives in code as data', () => {
    const image = asm('.inst 0xd503201f\n.word 5\nnop');
    expect(words(image)).toEqual([NOP, 5, NOP]);
    expect(image.symbols.filter((s) => s.name.startsWith('$')).map((s) => `${s.name}@${s.value.toString(16)}`)).toEqual([
      '$x@400000',
      '$d@400004',
      '$x@400008',
    ]);
  });

  it('aligns an instruction that follows data in a code section', () => {
    const image = asm('.byte 1\nnop');
    expect(words(image)).toEqual([1, NOP]);
  });
});

describe('alignment', () => {
  it('pads code with NOPs and data with zeros; .align is a power of two on AArch64', () => {
    const image = asm('nop\n.align 4\nnop\n.data\n.byte 1\n.p2align 2\n.byte 2\n.balign 8, 0xee\n.byte 3');
    expect(words(image)).toEqual([NOP, NOP, NOP, NOP, NOP]);
    expect(bytes(image, '.data')).toEqual([1, 0, 0, 0, 2, 0xee, 0xee, 0xee, 3]);
    expect(segment(image, '.text').align).toBe(16);
    expect(segment(image, '.data').align).toBe(8);
  });

  it('skips the padding when it is more than the maximum', () => {
    const image = asm('.data\n.byte 1\n.balign 8, 0, 6\n.byte 2\n.balign 8, 0, 7\n.byte 3');
    expect(bytes(image, '.data')).toEqual([1, 2, 0, 0, 0, 0, 0, 0, 3]);
  });
});

describe('expressions and equates', () => {
  it('follows GNU precedence', () => {
    const image = asm('.data\n.byte 1 + 2 * 3, 3 | 1 + 1, 6 & 3 << 1, 10 - 2 - 3, -3 >> 1 & 0xff, 1 == 1, 2 < 1 || 1');
    // `|` binds tighter than `+` in GNU as; comparisons give -1 for true (GNU as 2.40 agrees).
    expect(bytes(image, '.data')).toEqual([7, 4, 6, 5, 0xfe, 0xff, 1]);
  });

  it('defines symbols with =, .equ, .set and .equiv, forward references included', () => {
    const image = asm('.data\n.byte A, B, C, D\nA = 1\n.equ B, A + 1\n.set C, B * 2\n.equiv D, 9');
    expect(bytes(image, '.data')).toEqual([1, 2, 4, 9]);
  });

  it('gives a redefined symbol its value at each use', () => {
    const image = asm('.data\nX = 1\n.byte X\nX = X + 1\n.byte X\n.set X, 10\n.byte X');
    expect(bytes(image, '.data')).toEqual([1, 2, 10]);
  });

  it('puts absolute symbols in the symbol table as such', () => {
    const image = asm('N = 42\nnop');
    expect(symbol(image, 'N')).toMatchObject({ value: 42n, section: '' });
  });

  it('knows label differences in pass 1 for sizes and conditions', () => {
    const image = asm('.data\na: .byte 1, 2, 3\nb:\n.skip b - a\n.if b - a == 3\n.byte 9\n.endif');
    expect(bytes(image, '.data')).toEqual([1, 2, 3, 0, 0, 0, 9]);
  });
});

describe('local labels', () => {
  it('resolves 1b and 1f to the nearest definition, several definitions of one number', () => {
    const image = asm('1: b 1f\n1: b 1b\nb 1b\n1: b 1b\n2: b 2b');
    // b +4; b 0 (itself); b -4; b 0; b 0
    expect(words(image)).toEqual([0x14000001, 0x14000000, 0x17ffffff, 0x14000000, 0x14000000]);
    expect(image.symbols.map((s) => s.name)).not.toContain('1');
  });
});

describe('macros and repetition', () => {
  it('substitutes arguments, defaults and \\@, and stops at .exitm', () => {
    const image = asm(
      ['.macro m a, b=2', '.byte \\a, \\b, \\@', '.ifc \\a,3', '.exitm', '.endif', '.byte 0xff', '.endm', '.data', 'm 1', 'm 3, 4'].join('\n'),
    );
    expect(bytes(image, '.data')).toEqual([1, 2, 0, 0xff, 3, 4, 1]);
  });

  it('repeats with .rept, .irp and .irpc', () => {
    const image = asm('.data\n.rept 2\n.byte 7\n.endr\n.irp x, 1, 2\n.byte \\x\n.endr\n.irpc c, 34\n.byte \\c\n.endr');
    expect(bytes(image, '.data')).toEqual([7, 7, 1, 2, 3, 4]);
  });

  it('lets a macro stand in for an instruction name', () => {
    const image = asm('.macro ret\nnop\n.endm\nret');
    expect(words(image)).toEqual([NOP]);
  });
});

describe('conditionals', () => {
  it('assembles only the taken branch and skips anything in the others', () => {
    const image = asm(
      ['.data', '.if 0', '.byte 1', 'garbage "unterminated', '.elseif 0', '.err', '.else', '.byte 2', '.endif', '.ifdef nope', '.byte 3', '.endif', '.ifndef nope', '.byte 4', '.endif'].join('\n'),
    );
    expect(bytes(image, '.data')).toEqual([2, 4]);
  });

  it('nests, and .ifb/.ifnb test for an empty argument', () => {
    const image = asm('.data\n.if 1\n.if 0\n.byte 1\n.else\n.byte 2\n.endif\n.endif\n.ifb\n.byte 3\n.endif\n.ifnb x\n.byte 4\n.endif');
    expect(bytes(image, '.data')).toEqual([2, 3, 4]);
  });

  it('stops at .end', () => {
    const image = asm('nop\n.end\n.this is never read');
    expect(words(image)).toEqual([NOP]);
  });
});

describe('.include', () => {
  const files: Record<string, string> = {
    'dir/main.s': '.include "inc/a.s"\n.word A',
    'dir/inc/a.s': 'A = 5\n.include "b.s"',
    'dir/inc/b.s': 'nop',
    'dir/bad.s': 'nop\n.include "inc/broken.s"',
    'dir/inc/broken.s': 'nop\n  bogus x0',
  };
  const readInclude = (path: string): string => {
    if (!(path in files)) throw new Error('no such file or directory');
    return files[path];
  };

  it('reads files relative to the including file', () => {
    const image = asm(files['dir/main.s'], { file: 'dir/main.s', readInclude });
    expect(words(image)).toEqual([NOP, 5]);
  });

  it('reports errors at the included file and line, and unreadable files at the directive', () => {
    expect(diagnostics(files['dir/bad.s'], { file: 'dir/bad.s', readInclude })).toEqual(["dir/inc/broken.s:2:3: error: unknown instruction 'bogus'"]);
    expect(diagnostics('.include "gone.s"', { file: 'x/t.s', readInclude })).toEqual(["x/t.s:1:1: error: cannot read 'x/gone.s': no such file or directory"]);
    expect(diagnostics('.include "a.s"')).toEqual(['t.s:1:1: error: .include is not available here (no file access)']);
  });
});

describe('symbols', () => {
  it('honours .global, .weak, .type and .size, and leaves .L and numeric labels out', () => {
    const image = asm(
      ['.global f', '.weak w', '.type f, %function', '.type o, @object', 'f: nop', '.Lx: 1: w: ret', '.size f, . - f', '.data', 'o: .word 1', '.size o, 4'].join('\n'),
    );
    expect(symbol(image, 'f')).toMatchObject({ binding: 'global', type: 'func', size: 8, value: 0x400000n, section: '.text' });
    expect(symbol(image, 'w')).toMatchObject({ binding: 'weak', type: 'notype' });
    expect(symbol(image, 'o')).toMatchObject({ binding: 'local', type: 'object', size: 4, section: '.data' });
    expect(image.symbols.map((s) => s.name).filter((n) => !n.startsWith('$')).sort()).toEqual(['f', 'o', 'w']);
  });

  it('enters at _start, or at the start of .text without it', () => {
    expect(asm('nop\n_start: nop').entry).toBe(0x400004n);
    expect(asm('.data\n.byte 1\n.text\nnop').entry).toBe(0x400000n);
  });
});

describe('encoder syntax accepted like GNU as', () => {
  it('takes :lo12: in add (immediate), with or without #', () => {
    const image = asm('adrp x0, v\nadd x0, x0, :lo12:v\nadd w1, w1, #:lo12:v\n.data\n.skip 0x123\nv: .byte 1');
    expect(words(image)).toEqual([(0x90000000 | (1 << 29)) >>> 0, 0x91048c00, 0x11048c21]);
  });
});

describe('assemble()', () => {
  it('rejects a base address that is not page-aligned', () => {
    expect(() => assemble('nop', { base: 0x400004n })).toThrow(RangeError);
  });

  it('reports diagnostics under <stdin> without a file name', () => {
    expect(assemble('bogus').errors.map((e) => e.format())).toEqual(["<stdin>:1:1: error: unknown instruction 'bogus'"]);
  });
});
