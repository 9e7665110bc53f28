// Development aid: compares granule's disassembly with llvm-objdump on random words, per table
// row and over the whole encoding space, and prints the disagreements.
// Run: node dist/tools/diff-llvm.js [perRow=40] [random=20000] [seed=1]

import { ENCODINGS } from '../isa/encodings.js';
import { decode, UNDEFINED } from '../isa/decode.js';
import { disassemble } from '../isa/disasm.js';
import { objdumpWords } from './llvm.js';

const perRow = Number(process.argv[2] ?? 40);
const randomCount = Number(process.argv[3] ?? 20000);
let seed = Number(process.argv[4] ?? 1) >>> 0 || 1;
const rand = (): number => {
  seed ^= seed << 13; seed >>>= 0;
  seed ^= seed >>> 17;
  seed ^= seed << 5; seed >>>= 0;
  return seed;
};

const words: number[] = [];
for (const e of ENCODINGS) {
  if (!e.supported) continue;
  for (let i = 0; i < perRow; i++) words.push(((rand() & ~e.mask) | e.match) >>> 0);
}
for (let i = 0; i < randomCount; i++) words.push(rand());
// The integer groups (not SVE/SIMD&FP): op0 = 100x, 101x, x1x0 with V = 0, x101.
for (let i = 0; i < randomCount; ) {
  const w = rand();
  const op0 = (w >>> 25) & 15;
  const integer = (op0 & 14) === 8 || (op0 & 14) === 10 || ((op0 & 5) === 4 && ((w >>> 26) & 1) === 0) || (op0 & 7) === 5;
  if (integer) { words.push(w); i++; }
}
const texts = objdumpWords(words);
const norm = (s: string): string => s.replace(/ <[^>]*>/g, '').replace(/\s+/g, ' ').trim();
const bad = new Map<string, string[]>();
let ok = 0;
words.forEach((w, i) => {
  const llvm = norm(texts[i]);
  const idx = decode(w);
  const ours = norm(disassemble(w, BigInt(i * 4)));
  let problem: string | undefined;
  if (idx === UNDEFINED) {
    if (llvm !== '<unknown>') problem = 'undef';
  } else if (!ENCODINGS[idx].supported) {
    // any LLVM text is fine
  } else if (ours !== llvm) problem = ENCODINGS[idx].name;
  if (!problem) { ok++; return; }
  const key = problem === 'undef' ? 'UNDEF:' + llvm.split(' ')[0] : problem;
  const list = bad.get(key) ?? [];
  list.push(`${w.toString(16).padStart(8, '0')}  llvm: ${llvm}  |  ours: ${ours}`);
  bad.set(key, list);
});
console.log(`${ok}/${words.length} agree`);
for (const [k, list] of [...bad.entries()].sort((a, b) => b[1].length - a[1].length)) {
  console.log(`== ${k} (${list.length})`);
  for (const l of list.slice(0, 4)) console.log('   ' + l);
}
