// How an agent session begins: a new conversation, the same one continued, or continued with a new task.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { conversationStart } from '../../src/agents/claude-code/resume.js';

const ID = '0b7c6a52-3f0e-4b8e-9a51-6f3c2d1e0a99';
let projects: string;

beforeAll(() => {
  projects = mkdtempSync(path.join(tmpdir(), 'ccp-projects-'));
});

afterAll(() => rmSync(projects, { recursive: true, force: true }));

test('a new conversation gets the task; a continued one is told why, or given the new task instead', () => {
  expect(conversationStart({ sessionId: ID, prompt: 'the task', projects })).toEqual({ args: ['--session-id', ID], prompt: 'the task', resumed: false });
  expect(conversationStart({ sessionId: ID, prompt: 'the task', instruction: 'resolve conflicts', projects }).prompt).toBe('resolve conflicts');

  mkdirSync(path.join(projects, '-work-tree'));
  writeFileSync(path.join(projects, '-work-tree', `${ID}.jsonl`), '{}\n');
  const continued = conversationStart({ sessionId: ID, prompt: 'the task', resumeReason: 'the worker stopped', projects });
  expect(continued).toMatchObject({ args: ['--resume', ID], resumed: true });
  expect(continued.prompt).toContain('your session was interrupted (the worker stopped)');
  expect(conversationStart({ sessionId: ID, prompt: 'the task', resumeReason: 'x', instruction: 'resolve conflicts', projects }))
    .toEqual({ args: ['--resume', ID], prompt: 'resolve conflicts', resumed: true });
});
