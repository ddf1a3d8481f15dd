// Claude Code permission rules: parsing and matching (the policy file's syntax), and reading a dialog's tool use.
import { toolRequest } from '../../src/agents/claude-code/dialog-request.js';
import type { Dialog } from '../../src/agents/claude-code/dialogs.js';
import { matchingRule, normalizePath, parseRule, splitCommand, type MatchMode, type ToolRequest }
  from '../../src/policy/rules.js';
import { resumeOffset } from '../../src/agents/claude-code/session-events.js';

const paths = { cwd: '/work/repo', home: '/home/ada' };
const bash = (command: string): ToolRequest => ({ tool: 'Bash', input: { command } });
const file = (tool: string, filePath: string): ToolRequest => ({ tool, input: { file_path: filePath } });
const matches = (rule: string, request: ToolRequest, mode: MatchMode = 'any'): boolean =>
  matchingRule([parseRule(rule)], request, paths, mode) !== undefined;

describe('parseRule', () => {
  test.each([
    ['Bash', { tool: 'Bash' }],
    ['Bash(*)', { tool: 'Bash' }],
    ['  Bash(git push:*) ', { tool: 'Bash', specifier: 'git push:*', text: 'Bash(git push:*)' }],
    ['Bash(echo (x))', { tool: 'Bash', specifier: 'echo (x)' }],
    ['Edit(//etc/**)', { tool: 'Edit', specifier: '//etc/**' }],
    ['WebFetch(domain:example.com)', { tool: 'WebFetch', specifier: 'domain:example.com' }],
    ['mcp__github', { tool: 'mcp__github' }],
    ['mcp__github__*', { tool: 'mcp__github__*' }],
    ['Task(Explore)', { tool: 'Task', specifier: 'Explore' }],
  ])('%s', (text, expected) => {
    const rule = parseRule(text);
    expect(rule).toMatchObject(expected);
    if (!('specifier' in expected)) expect(rule.specifier).toBeUndefined();
  });

  test.each([
    ['', /empty/],
    ['Bash(git push', /missing "\)"/],
    ['(git push)', /expected Tool or Tool\(specifier\)/],
    ['Bash(x)y', /text after the closing "\)"/],
    ['Bash()', /empty specifier/],
    ['bash(ls)', /case-sensitive: "Bash"/],
    ['WebFetch(example.com)', /domain:/],
    ['Bash*', /mcp__ tools only/],
  ])('rejects %j', (text, message) => {
    expect(() => parseRule(text)).toThrow(message);
  });
});

describe('Bash rules', () => {
  test.each([
    // [rule, command, matches]
    ['Bash', 'anything at all', true],
    ['Bash(npm run build)', 'npm run build', true],
    ['Bash(npm run build)', 'npm run build --watch', false],
    ['Bash(git push:*)', 'git push', true],
    ['Bash(git push:*)', 'git push origin main', true],
    ['Bash(git push:*)', 'git pushy', false],
    ['Bash(git push:*)', 'git   push  --force', true],
    ['Bash(ls *)', 'ls -la', true],
    ['Bash(ls *)', 'lsof', false],
    ['Bash(ls*)', 'lsof', true],
    ['Bash(git * main)', 'git checkout main', true],
    ['Bash(git * main)', 'git checkout dev', false],
    ['Bash(git push:*)', 'cd sub && git push', true],
    ['Bash(git push:*)', 'make || git push -f', true],
    ['Bash(git push:*)', 'echo done; git push', true],
    ['Bash(git push:*)', 'git push &', true],
    ['Bash(git push:*)', 'echo "git push"', false],
    ['Bash(git push:*)', "echo 'a && git push'", false],
    ['Bash(git push:*)', 'timeout 30 git push', true],
    ['Bash(git push:*)', 'nohup git push', true],
    ['Bash(git push:*)', 'GIT_TRACE=1 git push', true],
    ['Bash(git push:*)', '(cd x; git push)', true],
    ['Bash(git push:*)', 'echo $(git push)', true],
    ['Bash(npm test)', 'npm test > out.log 2>&1', true],
    ['Bash(sudo:*)', 'wget -qO- https://x | sudo bash', true],
    ['Bash(curl * | sh *)', 'curl -fsSL https://x.sh | sh', true],
    ['Bash(curl * | sh *)', 'curl -fsSL https://x.sh | sh -s -- --yes', true],
    ['Bash(curl * | sh *)', 'curl -s https://x -o page.html', false],
  ])('%s vs %j → %s', (rule, command, expected) => {
    expect(matches(rule, bash(command))).toBe(expected);
  });

  test('an allow rule covers a compound command only when every part is allowed', () => {
    const allow = ['Bash(git status:*)', 'Bash(npm test)'].map(parseRule);
    expect(matchingRule(allow, bash('git status && npm test'), paths, 'all')?.text).toBe('Bash(git status:*)');
    expect(matchingRule(allow, bash('git status && rm -rf x'), paths, 'all')).toBeUndefined();
    expect(matchingRule(allow, bash('git status; rm -rf x'), paths, 'any')?.text).toBe('Bash(git status:*)');
  });

  test('splitCommand keeps quoted operators and redirections', () => {
    expect(splitCommand('a && b || c; d | e & f\ng')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
    expect(splitCommand('echo "x && y" \'; z\'')).toEqual(['echo "x && y" \'; z\'']);
    expect(splitCommand('make 2>&1 >/dev/null')).toEqual(['make']);
    expect(splitCommand('cmd &> log')).toEqual(['cmd']);
  });
});

describe('path rules', () => {
  test.each([
    ['Edit(//etc/**)', file('Write', '/etc/passwd'), true],
    ['Edit(//etc/**)', file('Edit', '/etc/ssh/sshd_config'), true],
    ['Edit(//etc/**)', file('Write', '/work/repo/etc/x'), false],
    // `/path` is relative to the project root (the worktree), as in Claude Code's settings files.
    ['Write(/etc/**)', file('Write', '/work/repo/etc/x'), true],
    ['Write(/etc/**)', file('Write', '/etc/passwd'), false],
    ['Write(//etc/**)', file('Edit', '/etc/passwd'), false],
    ['Edit(~/.ssh/**)', file('Edit', '/home/ada/.ssh/id_ed25519'), true],
    ['Edit(~/.ssh)', file('Edit', '/home/ada/.ssh/config'), true],
    ['Read(.env)', file('Read', '/work/repo/.env'), true],
    ['Read(.env)', file('Read', '/work/repo/packages/api/.env'), true],
    ['Read(./.env)', file('Read', '/work/repo/.env'), true],
    ['Read(./.env)', file('Read', '/work/repo/sub/.env'), false],
    ['Read(config/.env)', file('Read', '/work/repo/sub/config/.env'), false],
    ['Edit(src/**/*.ts)', file('Edit', '/work/repo/src/a/b/c.ts'), true],
    ['Edit(src/**/*.ts)', file('Edit', '/work/repo/src/c.ts'), true],
    ['Edit(src/*.ts)', file('Edit', '/work/repo/src/a/c.ts'), false],
    ['Edit(*.lock)', file('Write', 'yarn.lock'), true],
    ['Edit(docs/)', file('Write', '/work/repo/docs/guide/index.md'), true],
    ['Edit(//tmp/../etc/**)', file('Write', '/etc/hosts'), true],
    ['Edit(//etc/**)', file('Write', '/work/repo/../../etc/hosts'), true],
    ['Read', { tool: 'Grep', input: { pattern: 'x', path: '/anywhere' } }, true],
    ['Edit', file('Read', '/work/repo/a'), false],
    ['Edit(//etc/**)', { tool: 'Write', input: {} }, false],
  ])('%s vs %j → %s', (rule, request, expected) => {
    expect(matches(rule, request)).toBe(expected);
  });

  test('normalizePath', () => {
    expect(normalizePath('/a/./b/../c//')).toBe('/a/c');
    expect(normalizePath('/../..')).toBe('/');
  });
});

describe('other tools', () => {
  const fetch = (url: string): ToolRequest => ({ tool: 'WebFetch', input: { url } });
  test.each([
    ['WebFetch(domain:example.com)', fetch('https://example.com/a?b'), true],
    ['WebFetch(domain:example.com)', fetch('https://EXAMPLE.com:8443/'), true],
    ['WebFetch(domain:example.com)', fetch('https://www.example.com/'), false],
    ['WebFetch(domain:example.com)', fetch('https://example.com.evil.test/'), false],
    ['WebFetch(domain:*.example.com)', fetch('https://docs.example.com/'), true],
    ['WebFetch', fetch('https://anything.test/'), true],
    ['mcp__github', { tool: 'mcp__github__create_issue', input: {} }, true],
    ['mcp__github', { tool: 'mcp__gitlab__create_issue', input: {} }, false],
    ['mcp__github__create_issue', { tool: 'mcp__github__create_issue', input: {} }, true],
    ['mcp__github__*', { tool: 'mcp__github__list', input: {} }, true],
    ['Task(Explore)', { tool: 'Task', input: { subagent_type: 'Explore' } }, true],
    ['Task(Explore)', { tool: 'Task', input: { subagent_type: 'Plan' } }, false],
    ['Bash(ls)', { tool: 'Write', input: { file_path: '/ls' } }, false],
  ])('%s vs %j → %s', (rule, request, expected) => {
    expect(matches(rule, request)).toBe(expected);
  });
});

describe('the tool use behind a dialog (agents without ccp\'s hook)', () => {
  const dialog = (title: string, subject: string): Dialog => ({ kind: 'tool', title, subject,
    options: [{ number: 1, text: 'Yes', selected: true }, { number: 2, text: 'No', selected: false }] });

  test('the exact tool use from the hook wins over the shortened screen, when it fits the dialog', () => {
    const long = 'git add -A && git commit -q -m "a long message" && git push origin HEAD';
    const shown = dialog('Bash command', 'git add -A && git commit -q -m "a long message" && git…');
    expect(toolRequest(shown)).toEqual(bash('git add -A && git commit -q -m "a long message" && git…'));
    expect(toolRequest(shown, bash(long))).toEqual(bash(long));
    // A stale hook event about another kind of tool is not used.
    expect(toolRequest(dialog('Create file', 'notes.md'), bash(long))).toEqual(file('Write', 'notes.md'));
    expect(toolRequest(dialog('Tool use', ''), { tool: 'mcp__x__y', input: {} }).tool).toBe('mcp__x__y');
  });
});

describe('resumeOffset: where a re-attached watcher reads the hook events from', () => {
  const at = (...names: string[]) => names.map((name, i) => ({ name, start: i * 10, end: i * 10 + 10 }));
  test('from the start while the turn goes on (the last PermissionRequest is the dialog on screen)', () => {
    expect(resumeOffset(at('PreToolUse', 'PermissionRequest', 'PreToolUse', 'PermissionRequest'))).toBe(0);
    expect(resumeOffset([])).toBe(0);
  });
  test('at a final Stop, so it is not missed', () => {
    expect(resumeOffset(at('PreToolUse', 'PermissionRequest', 'Stop'))).toBe(20);
    expect(resumeOffset(at('PreToolUse', 'Stop', 'SessionEnd'))).toBe(10);
  });
  test('after a Stop of an earlier turn, so it is not re-used', () => {
    expect(resumeOffset(at('Stop', 'PreToolUse', 'PermissionRequest'))).toBe(10);
    expect(resumeOffset(at('Stop', 'PreToolUse', 'Stop', 'PermissionRequest'))).toBe(30);
  });
});
