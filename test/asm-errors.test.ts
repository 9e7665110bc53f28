// Assembler diagnostics: each error is `file:line:col: error: message` with the column of the
// offending token; all errors come out of one run, each once, without cascading.

import { describe, expect, it } from 'vitest';
import { assemble } from '../isa/asm/assembler.js';
import { diagnostics } from './helpers/asm.js';

/** [source, the one diagnostic it gives]. The source is one line, indented by one space. */
const CASES: [string, string][] = [
  // Values the instruction cannot encode.
  [' add x0, x1, #4096+1', '1:14: error: immediate must be an integer in range [0, 4095], optionally shifted by 12'],
  [' and x0, x1, #0x1234', '1:14: error: immediate 0x1234 cannot be encoded as a bitmask immediate'],
  [' mov w0, #0x12345', '1:10: error: immediate cannot be loaded with a single movz'],
  [' ldr x0, [x1, #300]!', '1:15: error: immediate must be an integer in range [-256, 255]'],
  [' b.eq 3', "1:7: error: target is not 4-byte aligned"],
  // Register widths and kinds.
  [' add x0, w1, x2', "1:10: error: invalid register 'w1': expected 64-bit general-purpose register or sp"],
  [' ldr x0, [w1]', "1:11: error: invalid register 'w1': expected 64-bit general-purpose register or sp"],
  // Syntax.
  [' add x0, x1', "1:12: error: expected ','"],
  [' nop x0', "1:6: error: unexpected 'x0' after the last operand"],
  [' bogus x0, x1', "1:2: error: unknown instruction 'bogus'"],
  [' .bogus 1', "1:2: error: unknown directive '.bogus'"],
  [' .word 1 2', "1:10: error: unexpected '2' at end of statement"],
  [' .byte 1,', '1:10: error: expected expression'],
  [' .ascii 5', '1:9: error: expected string'],
  [' .word 08', "1:8: error: invalid octal number '08'"],
  [' .ascii "abc', '1:9: error: unterminated string'],
  [' 5 + 3', "1:2: error: unexpected '5': expected a label, directive or instruction"],
  [' mov x0, #1 ?', "1:13: error: unexpected character '?'"],
  // Symbols and values.
  [' b nowhere', "1:4: error: undefined symbol 'nowhere'"],
  [' .quad nowhere + 4', "1:8: error: undefined symbol 'nowhere'"],
  [' ldr x0, =nowhere', "1:11: error: undefined symbol 'nowhere'"],
  [' b 1f', "1:4: error: undefined local label '1f'"],
  [' .skip later\nlater:', "1:8: error: undefined symbol 'later': the value must be known at this point"],
  [' .skip .', '1:8: error: expected a constant expression, not an address'],
  [' .byte 256', '1:8: error: value 0x100 does not fit in 1 byte'],
  [' .hword -0x10000', '1:9: error: value 0xffffffffffff0000 does not fit in 2 bytes'],
  [' .word 1 / 0', "1:10: error: division by zero"],
  [' x = y\ny = x\n.word x', "1:2: error: symbol 'x' is defined in terms of itself"],
  [' a: a: nop', "1:5: error: symbol 'a' is already defined"],
  [' .equiv k, 1\n.equiv k, 2', "2:8: error: symbol 'k' is already defined"],
  // Directives.
  [' .balign 3', '1:10: error: alignment is not a power of 2 (at most 2^30)'],
  [' .p2align 31', '1:11: error: alignment 2^31 out of range [2^0, 2^30]'],
  [' .section .x, "q"', "1:15: error: unsupported section flag 'q'"],
  [' .section .x, "aw", %init_array', "1:21: error: unsupported section type 'init_array'"],
  [' .section .m, "ax"\n.section .m, "aw"', '2:1: error: section \'.m\' was first given different attributes ("ax")'],
  [' .data 1', '1:8: error: subsections are not supported'],
  [' .section .mycode\nnop', '1:2: error: section \'.mycode\' would not be loaded (no "a" flag): give its flags, e.g. .section .mycode, "ax" for code, "a" for read-only data, "aw" for data'],
  [' . = . + 4', "1:2: error: assigning to '.' is not supported: use .skip or .balign"],
  [' .type f, %bogus', "1:12: error: unsupported symbol type 'bogus' (expected function, object or notype)"],
  [' .bss\n.word 1', "2:7: error: attempt to store non-zero value in section '.bss'"],
  [' .bss\nnop', "2:1: error: attempt to store non-zero value in section '.bss'"],
  [' .err', "1:2: error: '.err' encountered"],
  [' .error "stop here"', '1:2: error: stop here'],
  [' .if 1', "1:2: error: '.if' without matching '.endif'"],
  [' .endif', "1:2: error: '.endif' without '.if'"],
  [' .if 1\n.else\n.else\n.endif', "3:1: error: '.else' after '.else'"],
  [' .if nowhere\n.endif', "1:6: error: undefined symbol 'nowhere': the value must be known at this point"],
  [' .endm', "1:2: error: '.endm' without '.macro'"],
  [' .endr', "1:2: error: '.endr' without '.rept', '.irp' or '.irpc'"],
  [' .exitm', "1:2: error: '.exitm' outside a macro"],
  [' .macro m\nnop', "1:2: error: '.macro' without matching '.endm'"],
  [' .rept 2\nnop', "1:2: error: '.rept' without matching '.endr'"],
  [' .macro m\n.if 1\n.endm\nm', "2:1: error: '.if' without matching '.endif' (in macro 'm' called at t.s:4:1)"],
  [' .macro m a:req\n.endm\nm', "3:1: error: missing value for required parameter 'a' of macro 'm'"],
  [' .macro m a\n.endm\nm 1, 2', "3:6: error: too many arguments for macro 'm'"],
  [' .macro m\n.endm\n.macro m\n.endm', "3:1: error: macro 'm' is already defined"],
  [' .macro m\nm\n.endm\nm', "2:1: error: macros nested more than 100 deep (in macro 'm' called at t.s:2:1)"],
  [' nop /* open', '1:6: error: unterminated comment'],
];

describe('each error has its position and message', () => {
  it.each(CASES)('%j', (source, expected) => {
    expect(diagnostics(source)).toEqual([`t.s:${expected}`]);
  });
});

describe('reporting', () => {
  it('reports every error of a run, in source order, pass 1 and pass 2 alike', () => {
    const source = ['b later_undefined', 'add x0, w1, x2', '.word missing', 'mov x0, #1', 'bogus', 'and x0, x1, #0x1234'].join('\n');
    expect(diagnostics(source)).toEqual([
      "t.s:1:3: error: undefined symbol 'later_undefined'",
      "t.s:2:9: error: invalid register 'w1': expected 64-bit general-purpose register or sp",
      "t.s:3:7: error: undefined symbol 'missing'",
      "t.s:5:1: error: unknown instruction 'bogus'",
      't.s:6:13: error: immediate 0x1234 cannot be encoded as a bitmask immediate',
    ]);
  });

  it('reports an undefined symbol once per use, and nothing more', () => {
    expect(diagnostics('b nowhere\n.word nowhere, nowhere\nldr x0, =nowhere')).toEqual([
      "t.s:1:3: error: undefined symbol 'nowhere'",
      "t.s:2:7: error: undefined symbol 'nowhere'",
      "t.s:2:16: error: undefined symbol 'nowhere'",
      "t.s:3:10: error: undefined symbol 'nowhere'",
    ]);
  });

  it('does not cascade from a definition that failed', () => {
    // The equate's error is reported; its uses do not also say it is undefined.
    expect(diagnostics('N = 1 +\n.word N\nmov x0, #N')).toEqual(['t.s:1:8: error: expected expression']);
    // A rejected instruction still takes its 4 bytes: the labels after it stay where they are.
    expect(diagnostics('bogus\nb .+4\nb 1f\n1: .word 1b - .')).toEqual(["t.s:1:1: error: unknown instruction 'bogus'"]);
  });

  it('reports an error in a macro body at the body, once per call, naming the call', () => {
    expect(diagnostics('.macro addbig r\nadd \\r, \\r, #5000\n.endm\naddbig x0\naddbig w1')).toEqual([
      "t.s:2:13: error: immediate must be an integer in range [0, 4095], optionally shifted by 12 (in macro 'addbig' called at t.s:4:1)",
      "t.s:2:13: error: immediate must be an integer in range [0, 4095], optionally shifted by 12 (in macro 'addbig' called at t.s:5:1)",
    ]);
  });

  it('stops a runaway expansion or include recursion with one error', () => {
    expect(diagnostics('.rept 1000\n.rept 1000000\nnop\n.endr\n.endr')).toEqual([
      't.s:2:1: error: more than 2000000 statements after expansion: runaway macro or .rept?',
    ]);
    expect(diagnostics('.macro m\nm\nm\n.endm\nm')).toEqual(["t.s:2:1: error: macros nested more than 100 deep (in macro 'm' called at t.s:2:1)"]);
    expect(diagnostics('.include "t.s"', { readInclude: () => '.include "t.s"' })).toEqual(['t.s:1:1: error: includes nested more than 32 deep']);
  });

  it('reports a repeated error once', () => {
    expect(diagnostics('.rept 3\n.byte 300\n.endr')).toEqual(['t.s:2:7: error: value 0x12c does not fit in 1 byte']);
  });

  it('gives no image and no warnings: only errors, and an image only without them', () => {
    const bad = assemble('bogus', { file: 't.s' });
    expect(bad.image).toBeUndefined();
    const good = assemble('nop', { file: 't.s' });
    expect(good.errors).toEqual([]);
    expect(good.image).toBeDefined();
  });
});
