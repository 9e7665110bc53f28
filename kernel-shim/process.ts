// A user-mode machine: RAM, the kernel shim at the EL1 vector, and one process exec'd into it.

import { Machine } from '../emulator/machine.js';
import { Kernel, type KernelOptions } from './kernel.js';
import { execProgram } from './exec.js';

export const USER_RAM_BASE = 0x40000000;
export const USER_DEFAULT_RAM = 128 * 1024 * 1024;

export interface UserProcessOptions extends KernelOptions {
  ramSize?: number;
  argv: string[];
  envp?: string[];
  tlbEntries?: number;
}

export function createUserProcess(bytes: Uint8Array, o: UserProcessOptions): { machine: Machine; kernel: Kernel } {
  const machine = new Machine({ ramBase: USER_RAM_BASE, ramSize: o.ramSize ?? USER_DEFAULT_RAM, tlbEntries: o.tlbEntries });
  const kernel = new Kernel(machine, o);
  execProgram(kernel, bytes, o.argv, o.envp ?? [], o.seed ?? 1);
  return { machine, kernel };
}
