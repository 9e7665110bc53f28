// Registers every instruction family's decoder with decoded.ts.
import './alu.js';
import './atomic.js';
import './bitfield.js';
import './branch.js';
import './loadstore.js';
import './logic.js';
import './mte.js';
import './muldiv.js';
import './system.js';
