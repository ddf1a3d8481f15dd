import { execa } from 'execa';
import { shellQuote } from '../../src/core/shell.js';

test.each([['plain/path-1.txt'], ["it's"], ['two words'], ['$HOME `x` "q"'], ['']])('%j survives a real shell', async (word) => {
  const { stdout } = await execa('bash', ['-c', `printf %s ${shellQuote(word)}`]);
  expect(stdout).toBe(word);
});

test('plain words stay unquoted, others are quoted', () => {
  expect(shellQuote('/usr/bin/node')).toBe('/usr/bin/node');
  expect(shellQuote('a b')).toBe("'a b'");
});
