// ccp logs reads a pane log as text: escapes gone, \r overwrites resolved, blank runs squeezed.
import { terminalText } from '../../src/core/terminal-text.js';

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
