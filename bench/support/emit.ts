// How a bench hands over its JSON result: the measuring runs in a child process whose stdout is its parent's
// stderr (servers it starts print banners to the stdout they inherit) and writes its result on fd 3.
import { spawn } from 'node:child_process';
import { writeSync } from 'node:fs';

const RESULT_FD = 3;
export const CHILD_ENV = 'CCP_BENCH_CHILD';

/** The result line: to the parent on fd 3, or to stdout when the module was run on its own. */
export function emitResult(result: unknown): void {
  const line = `${JSON.stringify(result)}\n`;
  if (process.env[CHILD_ENV] === '1') writeSync(RESULT_FD, line);
  else process.stdout.write(line);
}

/** Runs `node <script> <args>` with its stdout on our stderr; resolves with its exit code and its result's last line. */
export async function runChild(script: string, args: string[]): Promise<{ code: number; result?: string }> {
  const child = spawn(process.execPath, [...process.execArgv, script, ...args], {
    stdio: ['ignore', process.stderr, 'inherit', 'pipe'],
    env: { ...process.env, [CHILD_ENV]: '1' },
  });
  let output = '';
  child.stdio[RESULT_FD]?.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
  const code = await new Promise<number>((resolve) => child.on('close', (c, signal) => resolve(c ?? (signal ? 128 : 1))));
  return { code, result: output.trim() ? output.trim().split('\n').pop() : undefined };
}
