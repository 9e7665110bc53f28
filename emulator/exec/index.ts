// Registers every instruction family's decoder with decoded.ts.
import './alu.js';
import './bitfield.js';
import './branch.js';
import './logic.js';
import './muldiv.js';
import './system.js';
