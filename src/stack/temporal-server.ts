// The embedded Temporal dev server: `temporal server start-dev` with a SQLite file (state survives restarts)
// and its Web UI. Tests start the same binary through @temporalio/testing with the same extra arguments.
import { Connection } from '@temporalio/client';
import { toolPath } from '../config/tools.js';
import { startDetached, runningPid, stopByPidFile, waitUntil } from './processes.js';
import { devServerSearchAttributeArgs } from './search-attributes.js';

/** Dynamic config: single task-queue partitions make dispatch order by priority observable. ccp's search
 * attributes are registered at start (workflows set them: without them every workflow task would fail). */
export const DEV_SERVER_EXTRA_ARGS = [
  '--dynamic-config-value', 'matching.numTaskqueueReadPartitions=1',
  '--dynamic-config-value', 'matching.numTaskqueueWritePartitions=1',
  '--log-level', 'warn',
  ...devServerSearchAttributeArgs(),
];

export interface DevServerOptions {
  port: number;
  uiPort: number;
  dbFile: string;
  logFile: string;
  pidFile: string;
  cwd: string;
}

export async function canConnect(address: string): Promise<boolean> {
  try {
    const connection = await Connection.connect({ address, connectTimeout: 1000 });
    try {
      await connection.workflowService.getSystemInfo({});
      return true;
    } finally {
      await connection.close();
    }
  } catch {
    return false;
  }
}

/** Starts the dev server unless one of ours already runs; resolves once it answers. */
export async function ensureDevServer(options: DevServerOptions): Promise<{ started: boolean }> {
  const address = `127.0.0.1:${options.port}`;
  const hint = `see ${options.logFile}`;
  if (runningPid(options.pidFile) !== undefined) {
    // Ours runs: a slow answer under load is still ours, never "something else".
    await waitUntil(`the Temporal dev server on ${address}`, () => canConnect(address), 60_000, hint);
    return { started: false };
  }
  if (await canConnect(address)) {
    throw new Error(
      `something else already serves Temporal on ${address}: set CCP_TEMPORAL_ADDRESS=${address} to use it, ` +
        'or CCP_TEMPORAL_PORT to give ccp its own port',
    );
  }
  startDetached({
    command: toolPath('temporal'),
    args: [
      'server', 'start-dev',
      '--ip', '127.0.0.1',
      '--port', String(options.port),
      '--ui-port', String(options.uiPort),
      '--db-filename', options.dbFile,
      '--ui-disable-news-fetch',
      ...DEV_SERVER_EXTRA_ARGS,
    ],
    env: process.env,
    cwd: options.cwd,
    logFile: options.logFile,
    pidFile: options.pidFile,
  });
  await waitUntil(`the Temporal dev server on ${address}`, () => canConnect(address), 60_000, hint);
  return { started: true };
}

export async function stopDevServer(pidFile: string): Promise<boolean> {
  return stopByPidFile(pidFile, 15_000);
}
