// `npm run test:faults`: the fault matrix and the stress test (test/faults, real stack), then their figures as one
// JSON line on stdout: recovery per fault, false failures under load, and whether the targets hold. The exit code is
// the suite's (behaviour); the targets are the JSON's `ok` (timing on a shared machine is reported, not a test).
import { execa } from 'execa';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';

/** Targets of the sessions issue: recovery after a worker kill in any phase, and false failures in the stress run. */
const TARGETS = { workerKillRecoveryMs: 30_000, falseFailures: 0, minStressSessions: 100 };

const dir = mkdtempSync(path.join(tmpdir(), 'ccp-faults-'));
const faultReport = path.join(dir, 'faults.jsonl');
const stressReport = path.join(dir, 'stress.json');
const args = process.argv.slice(2);
const suite = await execa('npx', ['jest', '--runInBand', 'dist/test/faults', '--testPathIgnorePatterns=/node_modules/', ...args], {
  stdio: ['ignore', 'inherit', 'inherit'], reject: false,
  env: { NODE_OPTIONS: '--experimental-vm-modules', CCP_FAULT_REPORT: faultReport, CCP_STRESS_REPORT: stressReport },
});

interface Recovery { fault: string; recoveryMs: number; [key: string]: unknown }
const recoveries: Recovery[] = existsSync(faultReport)
  ? readFileSync(faultReport, 'utf8').split('\n').filter(Boolean).map((line) => JSON.parse(line) as Recovery) : [];
const workerKills = recoveries.filter((r) => r.fault.startsWith('worker kill'));
const stress = existsSync(stressReport) ? JSON.parse(readFileSync(stressReport, 'utf8')) as Record<string, unknown> : undefined;
const stressSessions = Number(stress?.sessions ?? 0);
const falseFailures = Array.isArray(stress?.failures) ? stress.failures.length : Number(stress?.failures ?? NaN);
const workerKillMaxMs = Math.max(0, ...workerKills.map((r) => r.recoveryMs));
const result = {
  ok: suite.exitCode === 0 && workerKills.length > 0 && workerKillMaxMs <= TARGETS.workerKillRecoveryMs
    && stress !== undefined && stressSessions >= TARGETS.minStressSessions && falseFailures === TARGETS.falseFailures,
  suitePassed: suite.exitCode === 0,
  targets: TARGETS,
  workerKillMaxMs,
  recoveries,
  stress: stress ?? null,
};
console.log(JSON.stringify(result));
process.exitCode = suite.exitCode ?? 1;
