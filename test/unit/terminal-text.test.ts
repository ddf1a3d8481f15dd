// ccp logs reads a pane log as text: escapes gone, \r overwrites resolved, blank runs squeezed.
import { terminalText, textFollower } from '../../src/core/terminal-text.js';

test('colours, cursor moves, titles and hyperlinks are dropped', () => {
  const raw = '\x1b[1m\x1b[32m✓\x1b[0m done\x1b[K\r\n\x1b]0;claude\x07\x1b]8;;https://x.test\x1b\\link\x1b]8;;\x1b\\ text\x1b[2A\x1b[?25l\n';
  expect(terminalText(raw)).toBe('✓ done\nlink text\n');
});

test('a line rewritten after a carriage return shows what stayed on screen', () => {
  expect(terminalText('Working 10%\rWorking 55%\rDone       \nnext')).toBe('Done\nnext');
  expect(terminalText('Working 55%\rDone')).toBe('Doneing 55%'); // as a terminal shows it
  expect(terminalText('abcdef\rXY')).toBe('XYcdef');
});

test('charset and cursor save/restore escapes go; cursor moves along the line place the text', () => {
  expect(terminalText('\x1b(B\x1b7/context\x1b[1CShow\x1b[3Cwhat\x1b8\x1b[C!')).toBe('/context Show   what !');
  // Claude Code's footer, as its pane log has it: words placed at absolute columns.
  expect(terminalText('manual\x1b[12Gmode\x1b[17Gon\x1b[20G·\x1b[22Gesc')).toBe('manual     mode on · esc');
  expect(terminalText('abcdef\x1b[3D\x1b[K!')).toBe('abc!');
});

test('runs of blank lines become one', () => {
  expect(terminalText('a\n\n\n\n\nb')).toBe('a\n\nb');
});

test('followed chunk by chunk (the pueue mirror task), a pane log reads as it does whole', () => {
  const raw = 'one\r\n\x1b[1mtwo\x1b[0m\r\n\n\n\n\nWorking 10%\rDone       \nmanual\x1b[12Gmode\n\nlast';
  for (const size of [1, 2, 3, 7, raw.length]) {
    const follower = textFollower();
    let text = '';
    for (let i = 0; i < raw.length; i += size) text += follower.push(raw.slice(i, i + size));
    text += follower.end();
    expect(text).toBe(`${terminalText(raw)}\n`);
  }
  // A line is printed once it is complete; the unfinished one waits for its end.
  const follower = textFollower();
  expect(follower.push('half a li')).toBe('');
  expect(follower.push('ne\nnext')).toBe('half a line\n');
  expect(follower.end()).toBe('next\n');
});

test('a move to another row starts a new line; terminal queries and graphics leave nothing', () => {
  // Claude Code's reply, then its spinner two rows below, written in one go without a newline.
  const raw = '\x1b[6A●\x1b[3GI cannot do it.\r\x1b[2B✢ Thinking…\x1b[K\r\x1b[1B\x1b[K\r\x1b[2B❯\n';
  expect(terminalText(raw)).toBe('● I cannot do it.\n✢ Thinking…\n❯\n');
  expect(terminalText('\x1b[?2026$p\x1b_Gi=31,s=1,v=1,a=q,t=d,f=24;AAAA\x1b\\\x1bP+q544e\x1b\\ok\x1b[3;5Hat 5')).toBe('ok\n    at 5');
});
