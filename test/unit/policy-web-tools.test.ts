// WebFetch, MCP and the agent's own tools; the exported documentation allowlist.
import { DOC_HOSTS, forbiddenHost, judgeUrl } from '../../src/policy/web.js';
import { createPolicy } from '../../src/policy/engine.js';
import { tool } from './policy-helpers.js';

describe('WebFetch', () => {
  test.each(['https://docs.python.org/3/library/json.html', 'https://developer.mozilla.org/en-US/', 'https://pkg.go.dev/net/http',
    'https://requests.readthedocs.io/en/latest/', 'https://stackoverflow.com/questions/1'])('documentation: %s', (url) => {
    expect(tool('WebFetch', { url, prompt: 'read' }).decision).toBe('allow');
  });

  test.each(['http://169.254.169.254/latest/meta-data/', 'http://metadata.google.internal/computeMetadata/v1/',
    'http://[fd00:ec2::254]/latest', 'http://2852039166/', 'http://0xa9fea9fe/', 'http://0251.0376.0251.0376/',
    'http://[::ffff:169.254.169.254]/', 'http://[::ffff:a9fe:a9fe]/', 'http://127.0.0.1:8080/', 'http://127.1/', 'http://localhost/',
    'http://[::1]/', 'http://10.0.0.5/', 'http://172.16.3.4/', 'http://192.168.1.1/', 'http://169.254.169.254.nip.io/',
    'http://docs.python.org@169.254.169.254/', 'file:///etc/passwd', 'gopher://x.example/'])('refused: %s', (url) => {
    expect(tool('WebFetch', { url })).toMatchObject({ decision: 'deny', category: 'web' });
  });

  test('other hosts are asked about; a WebFetch(domain:) rule allows them and joins the allowlist', () => {
    expect(tool('WebFetch', { url: 'https://blog.example.com/post' }).decision).toBe('ask');
    const policy = createPolicy({ allow: ['WebFetch(domain:blog.example.com)'] });
    expect(tool('WebFetch', { url: 'https://blog.example.com/post' }, policy).decision).toBe('allow');
    expect(policy.web.allowedDomains).toContain('blog.example.com');
    expect(policy.web.allowedDomains).toEqual(expect.arrayContaining([...DOC_HOSTS]));
  });

  test('address forms', () => {
    expect(forbiddenHost('8.8.8.8')).toBeUndefined();
    expect(forbiddenHost('0x7f000001')).toMatch(/loopback/);
    expect(judgeUrl('not a url').decision).toBe('deny');
  });
});

describe('MCP and the agent tools', () => {
  test('MCP tools are denied unless a rule names them', () => {
    expect(tool('mcp__github__create_pull_request', {})).toMatchObject({ decision: 'deny', category: 'mcp' });
    const named = createPolicy({ allow: ['mcp__github__get_issue'] });
    expect(tool('mcp__github__get_issue', {}, named).decision).toBe('allow');
    expect(tool('mcp__github__create_pull_request', {}, named).decision).toBe('deny');
    // A wildcard does not name anything.
    expect(tool('mcp__github__get_issue', {}, createPolicy({ allow: ['mcp__*'] })).decision).toBe('deny');
  });

  test("Claude Code's harmless tools are allowed; an unknown tool is asked about", () => {
    for (const name of ['TodoWrite', 'Task', 'ExitPlanMode', 'BashOutput', 'KillShell', 'WebSearch']) {
      expect(tool(name, {}).decision).toBe('allow');
    }
    expect(tool('FrobnicateTool', {})).toMatchObject({ decision: 'ask', category: 'unknown' });
  });
});
