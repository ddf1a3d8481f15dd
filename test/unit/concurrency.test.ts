// The helpers that let a burst of prepares share fetches and take turns at cloning.
import { coalesced, limited } from '../../src/core/concurrency.js';

/** A task whose runs the test finishes by hand, recording when each began and how many overlap. */
function manualTask() {
  const runs: Array<{ finish: (value: number) => void; fail: (err: Error) => void }> = [];
  let active = 0;
  let maxActive = 0;
  const task = () => new Promise<number>((resolve, reject) => {
    active++;
    maxActive = Math.max(maxActive, active);
    const n = runs.length + 1;
    runs.push({
      finish: () => { active--; resolve(n); },
      fail: (err) => { active--; reject(err); },
    });
  });
  return { task, runs, maxActive: () => maxActive };
}

const tick = () => new Promise((resolve) => setImmediate(resolve));

test('callers during a run share the single next run; nobody gets a run begun before their call', async () => {
  const t = manualTask();
  const fetch = coalesced(t.task);
  const first = fetch();
  await tick();
  const during = [fetch(), fetch(), fetch()];
  await tick();
  expect(t.runs).toHaveLength(1); // the next one waits for the first to end
  t.runs[0].finish(0);
  expect(await first).toBe(1);
  await tick();
  expect(t.runs).toHaveLength(2);
  const late = fetch(); // the second run had begun: this one needs a third
  t.runs[1].finish(0);
  expect(await Promise.all(during)).toEqual([2, 2, 2]);
  await tick();
  t.runs[2].finish(0);
  expect(await late).toBe(3);
  expect(t.maxActive()).toBe(1);
});

test('a failed run fails its callers only; the next caller gets a fresh run', async () => {
  const t = manualTask();
  const fetch = coalesced(t.task);
  const failing = fetch();
  await tick();
  t.runs[0].fail(new Error('network down'));
  await expect(failing).rejects.toThrow('network down');
  const again = fetch();
  await tick();
  t.runs[1].finish(0);
  expect(await again).toBe(2);
});

test('a limit of two runs two at a time, the rest in call order, through failures', async () => {
  const t = manualTask();
  const turn = limited(2);
  const results = [1, 2, 3, 4].map(() => turn(t.task).catch((err: Error) => err.message));
  await tick();
  expect(t.runs).toHaveLength(2);
  t.runs[1].fail(new Error('second failed'));
  await tick();
  expect(t.runs).toHaveLength(3);
  t.runs[0].finish(0);
  t.runs[2].finish(0);
  await tick();
  t.runs[3].finish(0);
  expect(await Promise.all(results)).toEqual([1, 'second failed', 3, 4]);
  expect(t.maxActive()).toBe(2);
});
