// How a bench hands over its one JSON result: run.ts starts the measuring in a child whose stdout is stderr (servers
// it starts print banners to the stdout they inherit) and reads the result from fd 3.
import { writeSync } from 'node:fs';

export const RESULT_FD = 3;
export const CHILD_ENV = 'CCP_BENCH_CHILD';

/** The result line: to the parent run.ts, or to stdout when the bench module was run on its own. */
export function emitResult(result: unknown): void {
  const line = `${JSON.stringify(result)}\n`;
  if (process.env[CHILD_ENV] === '1') writeSync(RESULT_FD, line);
  else process.stdout.write(line);
}
