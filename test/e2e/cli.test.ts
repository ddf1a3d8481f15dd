// The `ccp` command line as a user meets it: bad input gets a clear error that says what to do, and an exit code
// that says what happened (1 failed, 2 usage, 4 authentication).
import { execa } from 'execa';
import { mkdtempSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CCP_BIN } from '../../src/stack/stack.js';

const home = mkdtempSync('/tmp/ccp-cli-');
const badPolicy = path.join(home, 'bad-policy.json');
writeFileSync(badPolicy, '{"deny": [');
const unknownRule = path.join(home, 'unknown-rule.json');
writeFileSync(unknownRule, JSON.stringify({ deny: ['Bash(git push'] }));
// No token anywhere, no `gh` on PATH, and a state dir of its own.
const baseEnv = { PATH: '/usr/bin:/bin', HOME: home, CCP_HOME: path.join(home, 'ccp') };

async function ccp(args: string[], env: Record<string, string> = {}) {
  return execa(process.execPath, [CCP_BIN, ...args], { env: { ...baseEnv, ...env }, extendEnv: false, reject: false, cwd: home });
}

test.each([
  [['start', 'abc', '--repo', 'o/r'], {}, 2, /"abc" is not an issue number: pass numbers like 123,124/],
  [['start', '1', '--repo', 'nope'], {}, 2, /"nope" is not a repository: pass it as owner\/name/],
  [['start', '1'], {}, 2, /cannot tell the GitHub repository .*: pass --repo owner\/name/],
  [['start', '1', '--repo', 'o/r'], {}, 4, /no GitHub token: set GITHUB_TOKEN \(or GH_TOKEN\), or log in with `gh auth login`/],
  [['up', '--workers', '0'], {}, 2, /--workers.*whole number from 1 to 64/],
  [['start'], {}, 2, /missing required argument 'issues'/],
  [['workers', 'add', '70'], {}, 2, /'70' is invalid for argument 'n'. give a whole number from 0 to 64/],
  [['workers', 'set', 'some'], {}, 2, /give a whole number from 0 to 64/],
  [['workers', 'set', 'none'], {}, 2, /"none" lifts a group's limit \(--group g\); a host needs a number of workers/],
  [['up'], { CCP_WORKERS: 'lots' }, 2, /CCP_WORKERS must be a number/],
  [['up'], { CCP_STACKED_PRS: 'maybe' }, 2, /CCP_STACKED_PRS must be on or off/],
  [['up'], { GITHUB_TOKEN: 'ghp_x', CCP_POLICY_FILE: badPolicy }, 2, /policy file .*bad-policy\.json is not valid JSON/],
  [['up'], { GITHUB_TOKEN: 'ghp_x', CCP_POLICY_FILE: unknownRule }, 2, /policy file .*unknown-rule\.json: .*Bash\(git push/],
  [['status'], { CCP_TEMPORAL_ADDRESS: '127.0.0.1:9' }, 1, /cannot reach Temporal at 127\.0\.0\.1:9: run `ccp up` first or check CCP_TEMPORAL_ADDRESS/],
])('ccp %j says what to do', async (args, env, exitCode, message) => {
  const run = await ccp(args, env);
  expect(run.stderr).toMatch(message);
  expect(run.exitCode).toBe(exitCode);
});

test('ccp --help lists the commands', async () => {
  const run = await ccp(['--help']);
  expect(run.exitCode).toBe(0);
  for (const command of ['up', 'down', 'start', 'status', 'pause', 'resume', 'stop', 'debug', 'approvals', 'demo', 'workers']) expect(run.stdout).toContain(`${command} `);
});

test('ccp start and ccp add can turn stacked PRs off', async () => {
  for (const command of ['start', 'add']) {
    const run = await ccp([command, '--help']);
    expect(run.stdout).toMatch(/--no-stacked-prs +dependents wait for their dependency's PR to merge/);
  }
});

test('ccp down with nothing running says so', async () => {
  const run = await ccp(['down'], { CCP_TMUX_SOCKET: path.join(home, 'tmux.sock') });
  expect(run.stderr).toBe('');
  expect(run.stdout).toContain('nothing was running');
  expect(run.exitCode).toBe(0);
});
