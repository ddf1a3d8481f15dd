// Build step: bundles the workflow code once (webpack), so tests and workers load it instead of re-bundling.
import { bundleWorkflowCode, DefaultLogger } from '@temporalio/worker';
import { writeFile } from 'node:fs/promises';
import { WORKFLOW_BUNDLE_PATH, WORKFLOWS_PATH } from './workers.js';

// Webpack's per-module report is noise in setup output: warnings and errors only.
const { code } = await bundleWorkflowCode({ workflowsPath: WORKFLOWS_PATH, logger: new DefaultLogger('WARN') });
await writeFile(WORKFLOW_BUNDLE_PATH, code);
console.log(`workflow bundle: ${WORKFLOW_BUNDLE_PATH} (${Math.round(code.length / 1024)} KiB)`);
