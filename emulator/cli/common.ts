// What every subcommand shares: one-line errors, exit codes, colour rules.
// Exit codes (DESIGN.md): 0 ok, 1 guest/user error, 2 usage error.

import chalk, { Chalk } from 'chalk';

/** A user-facing failure: printed as one line `granule: error: message`, never a stack trace. */
export class CliError extends Error {
  constructor(
    message: string,
    readonly exitCode = 1,
  ) {
    super(message);
  }
}

/** Usage errors (bad options or arguments) exit with status 2. */
export class UsageError extends CliError {
  constructor(message: string) {
    super(message, 2);
  }
}

/** Colour only on a TTY and never with NO_COLOR (https://no-color.org). */
export function colourFor(stream: NodeJS.WriteStream): InstanceType<typeof Chalk> {
  const enabled = stream.isTTY === true && !('NO_COLOR' in process.env && process.env.NO_COLOR !== '');
  return new Chalk({ level: enabled ? chalk.level || 1 : 0 });
}

/** Parses an address or size: decimal, 0x hex, with an optional K/M/G suffix for sizes. */
export function parseNumber(text: string, what: string, allowSuffix = false): bigint {
  const m = /^(0x[0-9a-f]+|0b[01]+|0o[0-7]+|\d+)([kmg]i?b?)?$/i.exec(text.trim().replace(/_/g, ''));
  if (!m || (m[2] && !allowSuffix)) throw new UsageError(`invalid ${what} '${text}'`);
  let v = BigInt(m[1]);
  if (m[2]) v <<= { k: 10n, m: 20n, g: 30n }[m[2][0].toLowerCase() as 'k' | 'm' | 'g'];
  return v;
}

export function hex(v: bigint | number): string {
  return '0x' + (typeof v === 'bigint' ? BigInt.asUintN(64, v) : v >>> 0).toString(16);
}
