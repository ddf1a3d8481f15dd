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
  const shown = await execa('sh', ['-c', `${line}; printf '%s|%s|%s|%s|%s|%s' "$CCP_HOME" "$CCP_TEMPORAL_ADDRESS" "$CCP_GITHUB_API_URL" "$CCP_REPO" "$GITHUB_TOKEN" "$CCP_TMUX_SOCKET"`]);
  expect(shown.stdout).toBe('/tmp/ccp demo/home|127.0.0.1:17233|http://127.0.0.1:4000|ccp-demo/scratch|ghp_offline123|/tmp/s.sock');
});
