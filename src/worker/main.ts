// The ccp worker process (`ccp up` starts it in the background): polls this host's task queues until SIGTERM.
import { NativeConnection, Runtime, makeTelemetryFilterString } from '@temporalio/worker';
import { writeFileSync, rmSync } from 'node:fs';
import { loadConfig } from '../config/config.js';
import { workerReadyFile, type WorkerInfo } from '../stack/worker-info.js';
import { Client } from '@temporalio/client';
import { syncMirror } from '../client/mirror-sync.js';
import { createAdaptersFromConfig, PUEUE_GROUP } from './adapters.js';
import { createCcpWorkers } from './workers.js';

const config = loadConfig();
Runtime.install({ telemetryOptions: { logging: { filter: makeTelemetryFilterString({ core: 'WARN' }) } } });
const readyFile = workerReadyFile(config);
const deps = await createAdaptersFromConfig(config);
await deps.pueue.ensureDaemon();
const connection = await NativeConnection.connect({ address: config.temporal.address });
const ccp = await createCcpWorkers({
  connection,
  namespace: config.temporal.namespace,
  sharedQueue: config.taskQueue,
  agentSlots: config.workers,
  deps,
});
for (const signal of ['SIGTERM', 'SIGINT'] as const) process.once(signal, () => ccp.shutdown());
// What this worker serves: `ccp start` checks it before starting work this worker cannot do.
const info: WorkerInfo = { pid: process.pid, repo: deps.repo, repoPath: config.repoPath, workers: config.workers };
writeFileSync(readyFile, `${JSON.stringify(info)}\n`);
// pueue is a projection of Temporal: bring it in line once at start (pueued may have lost its state meanwhile).
syncMirror(new Client({ connection, namespace: config.temporal.namespace }), deps.pueue, { group: PUEUE_GROUP, cwd: config.repoPath })
  .then((result) => {
    if (result.synced.length > 0) console.log(`pueue mirror rebuilt for ${result.synced.join(', ')}`);
  })
  .catch((err: unknown) => console.error(`pueue mirror sync failed (the work goes on): ${String(err)}`));
try {
  await ccp.run();
} finally {
  rmSync(readyFile, { force: true });
  await connection.close();
}
