// The policy file: Claude Code rules with ${worktree}/${home}, the order user deny > built-in deny > user ask >
// user allow > built-in, a built-in deny lifted only by a rule that names it, and bad rules named at load.
import { createPolicy } from '../../src/policy/engine.js';
import { PolicyError } from '../../src/policy/policy-document.js';
import { loadShellParser } from '../../src/policy/shell-parse.js';
import { bash, tool, W } from './policy-helpers.js';

beforeAll(() => loadShellParser());

describe('rules on top of the built-in policy', () => {
  test('user deny beats everything, also per simple command after wrappers', () => {
    const policy = createPolicy({ deny: ['Bash(npm test:*)'], allow: ['Bash(npm test:*)'] });
    expect(bash('npm test', policy)).toMatchObject({ decision: 'deny', rule: 'Bash(npm test:*)' });
    expect(bash('timeout 60 npm test -- --ci', policy).decision).toBe('deny');
    expect(bash('ls && env CI=1 npm test', policy).decision).toBe('deny');
  });

  test('a built-in deny is lifted only by an allow rule that names it', () => {
    const named = createPolicy({ allow: ['Bash(docker compose up:*)'] });
    expect(bash('docker compose up -d', named)).toMatchObject({ decision: 'allow', rule: 'Bash(docker compose up:*)' });
    expect(bash('docker run --rm ubuntu', named).decision).toBe('deny');
    for (const sweeping of ['Bash', 'Bash(*)', 'Bash(:*)']) {
      expect([sweeping, bash('docker compose up -d', createPolicy({ allow: [sweeping] })).decision]).toEqual([sweeping, 'deny']);
    }
    // A sweeping allow still allows what the built-in policy only asks about.
    expect(bash('frobnicate', createPolicy({ allow: ['Bash'] })).decision).toBe('allow');
    expect(tool('Write', { file_path: '/etc/motd' }, createPolicy({ allow: ['Edit(//**)'] })).decision).toBe('deny');
    expect(tool('Write', { file_path: '/etc/motd' }, createPolicy({ allow: ['Edit(//etc/motd)'] })).decision).toBe('allow');
  });

  test('the allow rule must cover the piece it lifts: other pieces of the command are still judged', () => {
    const policy = createPolicy({ allow: ['Bash(docker compose up:*)'] });
    expect(bash('docker compose up -d && sudo id', policy).decision).toBe('deny');
    expect(bash('docker compose up > /etc/x', policy).decision).toBe('deny');
  });

  test('user ask beats user allow', () => {
    const policy = createPolicy({ ask: ['Bash(npm publish:*)'], allow: ['Bash(npm publish:*)'] });
    expect(bash('npm publish', policy)).toMatchObject({ decision: 'ask', rule: 'Bash(npm publish:*)' });
    expect(bash('npm publish').decision).toBe('deny');
    const lint = createPolicy({ ask: ['Bash(npm run lint:*)'], allow: ['Bash(npm run:*)'] });
    expect(bash('npm run lint', lint)).toMatchObject({ decision: 'ask', rule: 'Bash(npm run lint:*)' });
    expect(bash('npm run build', lint).decision).toBe('allow');
  });

  test('${worktree} and ${home} expand per session', () => {
    const policy = createPolicy({ deny: ['Edit(${worktree}/generated/**)'], allow: ['Read(${home}/notes/**)', 'Bash(cat ${home}/notes/*)'] });
    expect(tool('Write', { file_path: `${W}/generated/x.ts` }, policy)).toMatchObject({ decision: 'deny', rule: 'Edit(${worktree}/generated/**)' });
    expect(tool('Write', { file_path: `${W}/src/x.ts` }, policy).decision).toBe('allow');
    expect(tool('Read', { file_path: '/home/ada/notes/todo.md' }, policy).decision).toBe('allow');
    expect(bash('cat /home/ada/notes/todo.md', policy).decision).toBe('allow');
    const other = { worktree: '/work/other', home: '/home/bob', branch: 'subissue/3' };
    expect(tool('Write', { file_path: '/work/other/generated/y.ts' }, policy, other).decision).toBe('deny');
  });

  test("unmatched: deny turns the built-in policy's questions into refusals", () => {
    expect(bash('frobnicate', createPolicy({ unmatched: 'deny' })).decision).toBe('deny');
    expect(bash('npm test', createPolicy({ unmatched: 'deny' })).decision).toBe('allow');
  });
});

describe('checked at load', () => {
  test.each([
    [{ allow: ['Bash(npm test'] }, /allow rule "Bash\(npm test" is malformed: missing "\)"/],
    [{ deny: ['bash(ls)'] }, /deny rule "bash\(ls\)" is malformed: tool names are case-sensitive/],
    [{ ask: [42] }, /ask rule 42 is not a string/],
    [{ allow: ['Edit(${repo}/x)'] }, /uses \$\{repo\}/],
    [{ allow: 'Bash' }, /"allow" must be an array/],
    [{ allowed: [] }, /unknown key "allowed"/],
    [{ unmatched: 'allow' }, /"unmatched" must be "ask" or "deny"/],
    [[], /expected a JSON object/],
  ])('%j', (doc, message) => {
    expect(() => createPolicy(doc)).toThrow(PolicyError);
    expect(() => createPolicy(doc)).toThrow(message);
  });
});
