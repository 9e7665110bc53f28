// Registers every instruction family's decoder with decoded.ts.
import './alu.js';
import './system.js';
