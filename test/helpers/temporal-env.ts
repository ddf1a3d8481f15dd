// Temporal servers for tests, the installed binaries through @temporalio/testing (never a download): the dev server
// (`temporal`) and the time-skipping test server (`temporal-test-server`, the Java SDK's native build), both put in the
// tools cache by scripts/install-tools.sh.
// The SDK gives a server a fixed 5 s to answer; on a loaded 2-core machine it sometimes needs longer, so a start
// that timed out is tried again (the server that was too slow is stopped by the SDK itself).
import { TestWorkflowEnvironment } from '@temporalio/testing';
import { toolPath } from '../../src/config/tools.js';
import { indexedSearchAttributes } from '../../src/stack/search-attributes.js';
import { DEV_SERVER_EXTRA_ARGS } from '../../src/stack/temporal-server.js';

const ATTEMPTS = 4;

async function retryingSlowStart(start: () => Promise<TestWorkflowEnvironment>): Promise<TestWorkflowEnvironment> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await start();
    } catch (err) {
      if (attempt >= ATTEMPTS || !/did not start within/.test(String(err))) throw err;
    }
  }
}

/** `extraArgs`: what `ccp up` gives its dev server, unless a test wants a server set up otherwise. */
export async function startTestTemporal(extraArgs: string[] = DEV_SERVER_EXTRA_ARGS): Promise<TestWorkflowEnvironment> {
  return retryingSlowStart(() => TestWorkflowEnvironment.createLocal({
    server: { executable: { type: 'existing-path', path: toolPath('temporal') }, extraArgs },
  }));
}

/**
 * The time-skipping test server: workflow time jumps to the next timer whenever the client waits for a result
 * (`handle.result()`) or calls `env.sleep()`, and nothing else is pending. It never skips while an activity is
 * scheduled or running (those run in wall time), so a wait an activity does inside one attempt has to be scripted as
 * attempts retried later (see stub-activities.ts). It keeps search attributes but has no list queries, and no task priorities.
 * Every workflow gets a 10-year execution timeout, and timers are never removed: when a result has just come and
 * nothing else runs, it may skip to an ended activity's 10-year schedule-to-close timer — ten years pass between
 * two tests, and a long-lived workflow (the dispatcher) times out there.
 */
export async function startTimeSkipping(): Promise<TestWorkflowEnvironment> {
  const env = await retryingSlowStart(() => TestWorkflowEnvironment.createTimeSkipping({
    server: { executable: { type: 'existing-path', path: toolPath('temporal-test-server') } },
  }));
  // ccp's workflows set its search attributes (a task that sets an unknown one fails); this server lists none.
  await env.connection.operatorService.addSearchAttributes({ namespace: env.namespace ?? 'default',
    searchAttributes: indexedSearchAttributes() });
  return env;
}
