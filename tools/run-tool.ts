// How every golden-data generator runs when invoked as a script: main(), and a failure as one
// line `WHO: message` with exit status 1 instead of a stack trace.

import { resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

/** Runs `main` when the module at `metaUrl` is the script node was started with. */
export function runAsTool(metaUrl: string, who: string, main: () => void): void {
  if (!process.argv[1] || metaUrl !== pathToFileURL(resolve(process.argv[1])).href) return;
  try {
    main();
  } catch (e) {
    process.stderr.write(`${who}: ${(e as Error).message}\n`);
    process.exitCode = 1;
  }
}
