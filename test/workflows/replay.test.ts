// Determinism across versions: histories recorded from an earlier ccp (test/fixtures/histories) replay against
// today's workflow code. A change that would break workflows running during an upgrade fails here; make it safe
// with `patched()`, then re-record (test/helpers/workflow-histories.ts).
import proto from '@temporalio/proto';
import { Worker } from '@temporalio/worker';
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { workflowSource } from '../../src/worker/workers.js';
import { HISTORIES_DIR } from '../helpers/workflow-histories.js';

const files = readdirSync(HISTORIES_DIR).filter((f) => f.endsWith('.binpb')).sort();

test('there are recorded histories of a parent and its subissues from each version (v2: with the dispatcher)', () => {
  expect(files).toEqual(['parent.binpb', 'subissue-1.binpb', 'subissue-2.binpb',
    'v2-dispatcher.binpb', 'v2-parent.binpb', 'v2-subissue-1.binpb', 'v2-subissue-2.binpb']);
});

test.each(files)('%s replays against today\'s workflows', async (file) => {
  const history = proto.temporal.api.history.v1.History.decode(readFileSync(path.join(HISTORIES_DIR, file)));
  await expect(Worker.runReplayHistory(workflowSource(), history, `replay-${file}`)).resolves.toBeUndefined();
});
