// Development aid: disassemble random words of every row, assemble the text back, compare.
import { ENCODINGS } from '../isa/encodings.js';
import { decode } from '../isa/decode.js';
import { disassemble } from '../isa/disasm.js';
import { encodeInstruction } from '../isa/asm/encoder.js';
import { tokenize, TokenCursor, AsmError } from '../isa/asm/lexer.js';

let seed = 12345;
const rand = (): number => { seed ^= seed << 13; seed >>>= 0; seed ^= seed >>> 17; seed ^= seed << 5; seed >>>= 0; return seed; };
const per = Number(process.argv[2] ?? 50);
const bad = new Map<string, string[]>();
let ok = 0, total = 0;
for (const e of ENCODINGS) {
  if (!e.supported) continue;
  for (let i = 0; i < per; i++) {
    const w = ((rand() & ~e.mask) | e.match) >>> 0;
    const idx = decode(w);
    if (idx < 0 || ENCODINGS[idx] !== e) continue;
    total++;
    const pc = 0x400000n + BigInt(i * 4);
    const text = disassemble(w, pc);
    const toks = tokenize(text, { file: 'rt', line: 1 });
    const c = new TokenCursor(toks, 'rt', 1);
    const mn = c.next();
    let got: number | string;
    try {
      got = encodeInstruction(mn, c, { pc, sizing: false, resolver: { symbol: () => undefined, localLabel: () => undefined, dot: () => pc }, literal: () => 0n });
    } catch (err) { got = err instanceof AsmError ? err.format() : String(err); }
    const expected = ((w & e.significant) | e.sbo) >>> 0;
    if (got === expected || (typeof got === 'number' && disassemble(got, pc) === text)) { ok++; continue; }
    const list = bad.get(e.name) ?? [];
    list.push(`${w.toString(16)} '${text}' -> ${typeof got === 'number' ? got.toString(16) + ' (' + disassemble(got, pc) + ')' : got}`);
    bad.set(e.name, list);
  }
}
console.log(`${ok}/${total} round-trip`);
for (const [k, l] of bad) { console.log('== ' + k + ' (' + l.length + ')'); for (const x of l.slice(0, 3)) console.log('   ' + x); }
