// Worker for test/isa-decode-sweep.test.ts: decodes every word of the chunks it is sent, checks
// each result, and disassembles a sample. It runs as plain JavaScript (the test transpiles isa/
// and this file), so it imports nothing but node: modules and isa/.

import { parentPort } from 'node:worker_threads';
import { decode, UNDEFINED } from '../isa/decode.js';
import { disassemble } from '../isa/disasm.js';
import { ENCODINGS } from '../isa/encodings.js';

export interface SweepChunk {
  /** First word of the chunk (0 ... 2^32 - count). */
  start: number;
  count: number;
  /** Step between the words `step` visits; 1 for every word. */
  step: number;
  /** Disassemble every `disasmEvery`-th visited word. */
  disasmEvery: number;
}

export interface SweepResult {
  visited: number;
  undefinedWords: number;
  disassembled: number;
  /** Words decoded to each row. */
  perRow: number[];
  /** Descriptions of the first wrong results (a throw, an index out of range, a row that does not match). */
  problems: string[];
}

const ROWS = ENCODINGS.length;
const MASK = Int32Array.from(ENCODINGS, (e) => e.mask | 0);
const MATCH = Int32Array.from(ENCODINGS, (e) => e.match | 0);
const hex = (w: number): string => (w >>> 0).toString(16).padStart(8, '0');

function sweep(c: SweepChunk): SweepResult {
  const perRow = new Float64Array(ROWS);
  const problems: string[] = [];
  let visited = 0;
  let undefinedWords = 0;
  let disassembled = 0;
  for (let i = 0; i < c.count; i += c.step) {
    const w = (c.start + i) | 0;
    let r: number;
    try {
      r = decode(w);
    } catch (e) {
      if (problems.length < 10) problems.push(`${hex(w)}: decode threw ${String(e)}`);
      continue;
    }
    visited++;
    if (r === UNDEFINED) undefinedWords++;
    else if (r >= 0 && r < ROWS && (w & MASK[r]) === MATCH[r]) perRow[r]++;
    else if (problems.length < 10) problems.push(`${hex(w)}: decode gave ${r}`);
    if (visited % c.disasmEvery === 0) {
      try {
        disassemble(w >>> 0, 0xffff_fff0_0000n);
        disassembled++;
      } catch (e) {
        if (problems.length < 10) problems.push(`${hex(w)}: disassemble threw ${String(e)}`);
      }
    }
  }
  return { visited, undefinedWords, disassembled, perRow: Array.from(perRow), problems };
}

parentPort?.on('message', (c: SweepChunk) => parentPort!.postMessage(sweep(c)));
