// PSCI firmware calls through HVC #0, as QEMU's virt board answers them when the guest runs
// without EL2/EL3, where its conduit is HVC and SMC stays UNDEFINED (Arm DEN 0022: function
// IDs in W0, result in X0).

import type { Machine } from '../machine.js';

const PSCI_VERSION = 0x84000000;
const PSCI_FEATURES = 0x8400000a;
const SYSTEM_OFF = 0x84000008;
const SYSTEM_RESET = 0x84000009;
const NOT_SUPPORTED = -1;

/** Installs the PSCI conduit on HVC #0 (SMC is UNDEFINED, as on QEMU's virt board at EL1). */
export function attachPsci(m: Machine): void {
  m.hypercall = (imm, kind) => {
    if (imm !== 0 || kind !== 'hvc') return false;
    const fn = Number(m.cpu.readX(0) & 0xffffffffn);
    switch (fn) {
      case PSCI_VERSION:
        m.cpu.writeX(0, 0x10001n); // PSCI 1.1
        return true;
      case PSCI_FEATURES: {
        const q = Number(m.cpu.readX(1) & 0xffffffffn);
        const known = [PSCI_VERSION, PSCI_FEATURES, SYSTEM_OFF, SYSTEM_RESET].includes(q);
        m.cpu.writeX(0, known ? 0n : BigInt.asUintN(64, BigInt(NOT_SUPPORTED)));
        return true;
      }
      case SYSTEM_OFF:
      case SYSTEM_RESET:
        // granule has no reset-and-continue: both end the run (QEMU with -no-reboot does the same).
        m.exitStatus = 0;
        m.haltReason = 'halt';
        return true;
      default:
        m.cpu.writeX(0, BigInt.asUintN(64, BigInt(NOT_SUPPORTED)));
        return true;
    }
  };
}
