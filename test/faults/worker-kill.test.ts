// The fault matrix, worker half: kill -9 of the ccp worker in each phase of a run, then `ccp up` as a user (or a
// supervisor) would. Each run must end as if nothing happened: parents closed, every PR merged, nothing on GitHub
// twice, one plan per parent, no conversation started over. The time to recover is reported, not asserted.
import { cleanRunReport, reportRecovery, startFaultBed, type FaultBed } from '../helpers/fault-bed.js';

let bed: FaultBed | undefined;

afterEach(async () => {
  await bed?.close();
  bed = undefined;
});

/** Kills the worker once `ready` holds and brings it back; the recovery time reported is until the new worker runs
 * the interrupted step again (or, for steps that finished meanwhile, until `recovered` holds). */
async function killAndRecover(b: FaultBed, fault: string, ready: () => boolean | Promise<boolean>, step: string,
  recovered: () => boolean | Promise<boolean> = () => false): Promise<void> {
  await b.until(`the moment to kill the worker (${fault})`, ready);
  const killedAt = await b.kill('worker');
  await b.up();
  const at = await b.until(`recovery from ${fault}`, async () => b.runs(step) || await recovered(), 180_000);
  reportRecovery(fault, at - killedAt, { step });
}

async function expectCleanEnd(b: FaultBed, number: number): Promise<void> {
  const report = cleanRunReport(b, await b.runToEnd([number]));
  expect(report.problems).toEqual([]);
}

test('worker killed while planning: the plan is asked for once and the run closes', async () => {
  bed = await startFaultBed({ analyzePaceMs: 6000 });
  const b = bed;
  const number = await b.upAndStart('Killed while planning');
  await killAndRecover(b, 'worker kill -9 while planning',
    () => b.offline.model.requests.some((r) => r.kind === 'analyze'), 'planSubissues',
    async () => ((await b.parent(number))?.subissues.length ?? 0) > 0);
  await expectCleanEnd(b, number);
}, 400_000);

test('worker killed while creating subissues: each is created once', async () => {
  // The first subissue's create is answered late; the worker dies waiting, GitHub creates it anyway.
  bed = await startFaultBed({ githubFaults: [{ match: { operation: 'issues/create' }, fault: 'slow', delayMs: 5000, times: 1 }] });
  const b = bed;
  const number = await b.upAndStart('Killed while creating subissues');
  await killAndRecover(b, 'worker kill -9 while creating subissues',
    () => b.offline.github.requests().some((r) => r.fault === 'slow'), 'createSubissues',
    async () => (await b.parent(number))?.phase === 'running');
  await expectCleanEnd(b, number);
}, 400_000);

test('worker killed while an agent works: the agent goes on in its pane and the new worker takes it over', async () => {
  bed = await startFaultBed({ paceMs: 2500 });
  const b = bed;
  const number = await b.upAndStart('Killed while an agent works');
  await killAndRecover(b, 'worker kill -9 while an agent works',
    () => b.offline.model.requests.some((r) => r.kind === 'work' && r.step === 0), 'runAgent');
  await expectCleanEnd(b, number);
}, 400_000);

test('worker killed between push and PR: one PR per subissue', async () => {
  // The first PR is opened on GitHub while the worker that asked for it is already dead.
  bed = await startFaultBed({ githubFaults: [{ match: { operation: 'pulls/create' }, fault: 'slow', delayMs: 5000, times: 1 }] });
  const b = bed;
  const number = await b.upAndStart('Killed between push and PR');
  await killAndRecover(b, 'worker kill -9 between push and PR',
    () => b.offline.github.requests().some((r) => r.fault === 'slow'), 'openPullRequest',
    async () => ((await b.parent(number))?.subissues.filter((s) => s.pr).length ?? 0) === 2);
  await expectCleanEnd(b, number);
}, 400_000);

test('worker killed while waiting for the merge: the merge is seen and the parent closes', async () => {
  bed = await startFaultBed({ merge: false });
  const b = bed;
  const number = await b.upAndStart('Killed while waiting for the merge');
  await b.until('both PRs open', async () =>
    (await b.parent(number))?.subissues.filter((s) => s.phase === 'pr-open').length === 2, 240_000);
  await killAndRecover(b, 'worker kill -9 while waiting for the merge', () => true, 'waitForMerge');
  b.setMerging(true);
  expect(cleanRunReport(b, await b.runToEnd([number])).problems).toEqual([]);
}, 400_000);
