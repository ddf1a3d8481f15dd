// `ccp demo --keep` prints one `export …` line a second shell pastes to drive the demo's stack.
import { execa } from 'execa';
import { demoExportLine } from '../../src/cli/demo.js';
import { loadConfig } from '../../src/config/config.js';

test('the export line carries the stack environment, quoted for the shell', async () => {
  const env = { CCP_HOME: '/tmp/ccp demo/home', CCP_TEMPORAL_PORT: '17233', CCP_GITHUB_API_URL: 'http://127.0.0.1:4000',
    CCP_REPO: 'ccp-demo/scratch', GITHUB_TOKEN: 'ghp_offline123', CCP_TMUX_SOCKET: '/tmp/s.sock', CCP_TMUX_SESSION: 'claude-workers-demo' };
  const line = demoExportLine(loadConfig(env, '/tmp'), env);
  expect(line.startsWith('export ')).toBe(true);
  // What a shell makes of it is exactly the stack's environment.
  const shown = await execa('sh', ['-c', `${line}; printf '%s|%s|%s|%s|%s|%s|%s|%s' "$CCP_HOME" "$CCP_TEMPORAL_PORT" "$CCP_TEMPORAL_UI_PORT" "$CCP_GITHUB_API_URL" "$CCP_REPO" "$GITHUB_TOKEN" "$CCP_TMUX_SOCKET" "\${CCP_TEMPORAL_ADDRESS-unset}"`]);
  expect(shown.stdout).toBe('/tmp/ccp demo/home|17233|18233|http://127.0.0.1:4000|ccp-demo/scratch|ghp_offline123|/tmp/s.sock|unset');
  // Loaded in that shell, it is the demo's own embedded server (which `ccp down` there stops), not an external one.
  const there = loadConfig({ CCP_HOME: '/tmp/ccp demo/home', CCP_TEMPORAL_PORT: '17233' }, '/tmp');
  expect([there.temporal.address, there.temporal.external]).toEqual(['127.0.0.1:17233', false]);
});
