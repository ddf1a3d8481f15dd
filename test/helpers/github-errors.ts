// Shared by GitHub tests: the GitHubError a call rejects with.
import { GitHubError } from '../../src/adapters/github.js';

export async function rejection(promise: Promise<unknown>): Promise<GitHubError> {
  try {
    await promise;
  } catch (error) {
    expect(error).toBeInstanceOf(GitHubError);
    return error as GitHubError;
  }
  throw new Error('expected a rejection');
}
