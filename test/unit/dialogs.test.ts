// Dialog reading against real Claude Code 2.1.329 screens (tmux capture-pane -p -J).
import { readFileSync } from 'node:fs';
import { toolRequest } from '../../src/agents/claude-code/dialog-request.js';
import { detectDialog, keysToChoose, noOption, sameDialog, yesOption, type Dialog } from '../../src/agents/claude-code/dialogs.js';

// Tests run from dist/test/unit; the fixtures stay in the source tree.
const screen = (name: string): string =>
  readFileSync(new URL(`../../../test/fixtures/screens/${name}.txt`, import.meta.url), 'utf8');

const dialogOf = (name: string): Dialog => {
  const dialog = detectDialog(screen(name));
  if (!dialog) throw new Error(`no dialog found in ${name}`);
  return dialog;
};

describe('detectDialog on real screens', () => {
  test('trust dialog: unnumbered, "No, exit" pre-selected; trusting is Down, Enter', () => {
    const dialog = dialogOf('trust-dialog');
    expect(dialog).toMatchObject({ kind: 'trust', subject: '/tmp/exp/repo' });
    expect(dialog.options).toEqual([
      { text: 'No, exit', selected: true },
      { text: 'Yes, I trust this folder', selected: false },
    ]);
    expect(keysToChoose(dialog, 'Yes, I trust this folder')).toEqual(['Down', 'Enter']);
    expect(keysToChoose(dialog, /^No\b/)).toEqual(['Enter']);
  });

  test('API key dialog: subject is the variable name only; using the key is Up, Enter', () => {
    const dialog = dialogOf('api-key-dialog');
    expect(dialog).toMatchObject({ kind: 'api-key', subject: 'ANTHROPIC_API_KEY' });
    expect(JSON.stringify(dialog)).not.toContain('FAKEKEYTAIL');
    expect(dialog.options.map((o) => [o.text, o.selected])).toEqual([['Yes', false], ['No (recommended)', true]]);
    expect(keysToChoose(dialog, 'Yes')).toEqual(['Up', 'Enter']);
  });

  test('Create file prompt: the path is the subject; Yes is the digit 1', () => {
    const dialog = dialogOf('create-file-prompt');
    expect(dialog).toMatchObject({ kind: 'tool', title: 'Create file', subject: 'notes/subissue-7.md' });
    expect(dialog.options.map((o) => o.number)).toEqual([1, 2, 3]);
    expect(dialog.options[0]).toEqual({ number: 1, text: 'Yes', selected: true });
    expect(yesOption(dialog)?.text).toBe('Yes');
    expect(noOption(dialog)?.number).toBe(3);
    expect(keysToChoose(dialog, 'Yes')).toEqual(['1']);
    expect(toolRequest(dialog)).toEqual({ tool: 'Write', input: { file_path: 'notes/subissue-7.md' } });
  });

  test('Edit file prompt', () => {
    const dialog = dialogOf('edit-file-prompt');
    expect(dialog).toMatchObject({ kind: 'tool', title: 'Edit file', subject: 'README.md' });
    expect(dialog.options).toHaveLength(3);
  });

  test('Bash prompt: the command between the dashed rules is the subject (not the tip or description)', () => {
    const dialog = dialogOf('bash-prompt');
    expect(dialog).toMatchObject({ kind: 'tool', title: 'Bash command',
      subject: 'git add -A && git commit -q -m "Implement #7: Add the widget"' });
    expect(dialog.options.map((o) => o.number)).toEqual([1, 2, 3, 4]);
    expect(dialog.options[3]).toEqual({ number: 4, text: 'No', selected: false });
    expect(toolRequest(dialog).tool).toBe('Bash');
    // The hook's exact input wins over the (wrapped, shortened) screen when it is the same kind of tool.
    const exact = { tool: 'Bash', input: { command: 'git add -A && git commit -q -m "exact"' } };
    expect(toolRequest(dialog, exact)).toBe(exact);
    expect(toolRequest(dialog, { tool: 'Write', input: {} }).tool).toBe('Bash');
  });

  test('a denied command: sudo', () => {
    const dialog = dialogOf('bash-prompt-sudo');
    expect(dialog.subject).toBe('sudo ls /root');
    expect(dialog.options[1].text).toBe('Yes, and don’t ask again for: sudo ls /root');
    expect(toolRequest(dialog)).toEqual({ tool: 'Bash', input: { command: 'sudo ls /root' } });
    expect(keysToChoose(dialog, 'No')).toEqual(['4']);
  });

  test.each([
    ['bash-prompt-narrow', 'a 72×18 pane: title scrolled off, options wrapped, "↑ 3 more lines" before the footer'],
    ['bash-prompt-fullscreen-narrow', 'the full-screen layout in a 72×18 pane'],
    ['bash-prompt-fullscreen-diff-panel', 'the full-screen layout with the diff panel on the right'],
  ])('Bash prompt, %s (%s)', (name) => {
    const dialog = dialogOf(name);
    expect(dialog).toMatchObject({ kind: 'tool', title: 'Bash command' });
    expect(dialog.subject.replace(/\n/g, ' ')).toMatch(/^git add -A && git commit -q -m "Implement #12: Add the widget with a ?long title"$/);
    expect(dialog.options.map((o) => o.number)).toEqual([1, 2, 3, 4]);
    expect(dialog.options[1].text).toBe("Yes, and don't ask again for git add and git commit commands in /tmp/exp/wt");
    expect(keysToChoose(dialog, 'Yes')).toEqual(['1']);
    expect(noOption(dialog)?.number).toBe(4);
  });

  test.each([
    ['create-file-prompt-narrow', 'Create file'],
    ['overwrite-file-prompt-fullscreen', 'Overwrite file'],
    ['overwrite-file-prompt-fullscreen-narrow', 'Overwrite file'],
  ])('file prompt %s', (name, title) => {
    const dialog = dialogOf(name);
    expect(dialog).toMatchObject({ kind: 'tool', title, subject: 'notes/subissue-12.md' });
    expect(dialog.options.map((o) => o.text)).toEqual(['Yes',
      'Yes, and switch to accept edits (auto-approve file edits and common file commands) for this session (shift+tab)', 'No']);
  });

  test('narrow trust and API key dialogs keep their kind and options', () => {
    expect(dialogOf('trust-dialog-narrow')).toMatchObject({ kind: 'trust', subject: '/tmp/exp/proj2' });
    expect(dialogOf('trust-dialog-narrow').warning).toBeUndefined();
    const key = dialogOf('api-key-dialog-narrow');
    expect(key).toMatchObject({ kind: 'api-key', subject: 'ANTHROPIC_API_KEY' });
    expect(keysToChoose(key, 'Yes')).toEqual(['Up', 'Enter']);
  });

  test.each(['trust-dialog-hooks', 'trust-dialog-hooks-narrow'])('%s: a trust dialog that warns about hooks and MCP servers', (name) => {
    const dialog = dialogOf(name);
    expect(dialog.kind).toBe('trust');
    expect(dialog.warning).toMatch(/hooks that can run commands/);
    expect(dialog.warning).toMatch(/MCP servers/);
    expect(yesOption(dialog)?.text).toBe('Yes, I trust this folder');
  });

  test.each(['network-request-dialog', 'network-request-dialog-narrow'])('%s: a dialog ccp does not know, without a footer', (name) => {
    const dialog = dialogOf(name);
    expect(dialog).toMatchObject({ kind: 'unknown', title: 'Network request outside of sandbox' });
    expect(dialog.text).toContain('Host: example.com');
    expect(yesOption(dialog)?.text).toBe('Yes');
    expect(keysToChoose(dialog, 'Yes')).toEqual(['1']);
  });

  test.each(['idle-input', 'slash-menu'])('no dialog on %s', (name) => {
    expect(detectDialog(screen(name))).toBeUndefined();
  });

  test('sameDialog compares what the dialog is about, not where it is drawn', () => {
    const a = dialogOf('bash-prompt');
    expect(sameDialog(a, detectDialog(`\n\n${screen('bash-prompt')}`))).toBe(true);
    expect(sameDialog(a, dialogOf('bash-prompt-sudo'))).toBe(false);
    expect(sameDialog(a, undefined)).toBe(false);
  });
});

