import { describe, expect, it } from 'vitest';
import { bareMachine, runTo } from './helpers/machine.js';

describe('machine smoke', () => {
  it('runs add/subs with the MMU off and on', () => {
    for (const mmu of [false, true]) {
      const words = [0x91000421, 0xb1000442, 0x8b010063, 0xeb02007f];
      const m = bareMachine(words, { mmu });
      m.cpu.writeX(2, 0xffffffffffffffffn);
      runTo(m, words.length);
      expect(m.cpu.readX(1)).toBe(1n);
      expect(m.cpu.readX(2)).toBe(0n);
      expect(m.cpu.readX(3)).toBe(1n);
      expect(m.cpu.nzcv).toBe(0b0010);
      expect(m.instructions).toBe(4);
    }
  });
});
