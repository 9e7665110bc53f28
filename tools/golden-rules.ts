// Facts about the golden data in test/golden/ that both its generator (tools/gen-golden.ts) and
// the tests that read it rely on.

import type { Encoding } from '../isa/encodings.js';
import type { Fields } from '../isa/operands.js';
import { SYS_ALIASES } from '../isa/sysnames.js';

/**
 * Entry k of a golden file sits at CORPUS_BASE + 4k (llvm-objdump --adjust-vma): high enough
 * that no PC-relative target, ADRP's ±4 GiB included, wraps below zero.
 */
export const CORPUS_BASE = 0x100000000n;

/** Element size of a logical immediate (ASL DecodeBitMasks: the highest set bit of N:NOT(imms)). */
const logicalElementSize = (f: Fields): number => 1 << (31 - Math.clz32((f.N << 6) | (~f.imms & 0x3f)));

/**
 * Words kept out of the corpus because no assembly text gives them back. Their text is still
 * checked against llvm-objdump by the random corpus, which holds such words.
 */
export const NOT_ASSEMBLABLE: [string, (e: Encoding, f: Fields) => boolean][] = [
  ['logical immediate with immr bits above the element size (DecodeBitMasks ignores them; assemblers write 0)',
    (e, f) => e.family === 'logicalImm' && (f.immr & ~(logicalElementSize(f) - 1)) !== 0],
  ['SYS alias that takes no register, with Rt != 31 (LLVM prints the alias without Rt)',
    (e, f) => e.name === 'SYS' && f.rt !== 31 && SYS_ALIASES.get((f.op1 << 11) | (f.CRn << 7) | (f.CRm << 3) | f.op2)?.[1] === false],
  ['MSR DIT with CRm[3:1] != 000: llvm-objdump prints #2..#15, llvm-mc (and GNU as) accept only #0 and #1',
    (e, f) => e.name === 'MSR_i_DIT' && f.CRm > 1],
  ['writeback with Rn = Rt or Rt2 (Rn != SP): CONSTRAINED UNPREDICTABLE, llvm-mc rejects it',
    (e, f) => (e.attrs.mode === 'pre' || e.attrs.mode === 'post') && f.rn !== 31 && (f.rn === f.rt || f.rn === f.rt2)],
  ['load pair with Rt = Rt2: CONSTRAINED UNPREDICTABLE, llvm-mc rejects it',
    (e, f) => e.attrs.pair === true && e.attrs.load === true && f.rt === f.rt2],
  ['store-exclusive with Rs = Rt, Rt2 or Rn (Rn != SP): CONSTRAINED UNPREDICTABLE, llvm-mc rejects it',
    (e, f) => e.family.startsWith('exclusive') && e.attrs.store === true && (f.rs === f.rt || f.rs === f.rt2 || (f.rs === f.rn && f.rn !== 31))],
];
