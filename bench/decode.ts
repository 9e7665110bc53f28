// Decoder throughput: words/s for a compiled-code mix and for the whole 32-bit space, with
// field extraction and full disassembly alongside for contrast.

import { decode, extractFields, UNDEFINED } from '../isa/decode.js';
import { disassemble } from '../isa/disasm.js';
import { ENCODINGS } from '../isa/encodings.js';
import type { Fields } from '../isa/operands.js';
import { mixedCorpus, spaceSample } from './corpus.js';
import { rate, sink, type BenchCase, type BenchSuite } from './suite.js';

/** 64 Ki words (256 KiB): bigger than L1, like the text of a mid-sized program. */
const CORPUS_WORDS = 1 << 16;
/** Disassembly is ~100× slower than decoding; a slice keeps one operation short. */
const DISASM_WORDS = 1 << 11;

function decodeAll(words: Uint32Array): BenchCase['fn'] {
  return () => {
    let acc = 0;
    for (let i = 0; i < words.length; i++) acc += decode(words[i]);
    sink.value ^= acc;
  };
}

function decodeWithFields(words: Uint32Array): BenchCase['fn'] {
  const scratch: Fields = {};
  return () => {
    let acc = 0;
    for (let i = 0; i < words.length; i++) {
      const index = decode(words[i]);
      if (index === UNDEFINED) continue;
      extractFields(ENCODINGS[index], words[i], scratch);
      acc += index;
    }
    sink.value ^= acc;
  };
}

function disassembleAll(words: Uint32Array): BenchCase['fn'] {
  return () => {
    let acc = 0;
    for (let i = 0; i < words.length; i++) acc += disassemble(words[i], 0x400000n + BigInt(i * 4)).length;
    sink.value ^= acc;
  };
}

export const decodeSuite: BenchSuite = {
  name: 'decode',
  description: 'decoder throughput (words/s) on a compiled-code instruction mix and on the whole 32-bit space',
  cases() {
    const mixed = mixedCorpus(CORPUS_WORDS);
    const space = spaceSample(CORPUS_WORDS);
    const slice = mixed.subarray(0, DISASM_WORDS);
    return [
      { name: 'mixed: decode', fn: decodeAll(mixed), figures: rate('words', mixed.length) },
      { name: 'mixed: decode + fields', fn: decodeWithFields(mixed), figures: rate('words', mixed.length) },
      { name: 'mixed: disassemble', fn: disassembleAll(slice), figures: rate('words', slice.length) },
      { name: 'full 32-bit space: decode', fn: decodeAll(space), figures: rate('words', space.length) },
    ];
  },
};
