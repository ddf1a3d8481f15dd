// The Temporal dev server for tests: the installed binary through @temporalio/testing (never a download).
// The SDK gives the server a fixed 5 s to answer; on a loaded 2-core machine it sometimes needs longer, so a start
// that timed out is tried again (the server that was too slow is stopped by the SDK itself).
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { toolPath } from '../../src/config/tools.js';
import { DEV_SERVER_EXTRA_ARGS } from '../../src/stack/temporal-server.js';

const ATTEMPTS = 4;

/** `extraArgs`: what `ccp up` gives its dev server, unless a test wants a server set up otherwise. */
export async function startTestTemporal(extraArgs: string[] = DEV_SERVER_EXTRA_ARGS): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await TestWorkflowEnvironment.createLocal({
        server: { executable: { type: 'existing-path', path: toolPath('temporal') }, extraArgs },
      });
    } catch (err) {
      if (attempt >= ATTEMPTS || !/did not start within/.test(String(err))) throw err;
    }
  }
}
