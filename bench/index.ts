// The benchmark suites `granule bench` knows, in the order it runs them. Adding a suite is one
// line here.

import { asmSuite } from './asm.js';
import { copySuite } from './copy.js';
import { decodeSuite } from './decode.js';
import { runSuite as runBench } from './run.js';
import type { BenchSuite } from './suite.js';

export const SUITES: readonly BenchSuite[] = [decodeSuite, asmSuite, runBench, copySuite];

export type { BenchCase, BenchSuite, CaseResult } from './suite.js';
export { runSuite } from './suite.js';
