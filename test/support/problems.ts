import { expect } from '@jest/globals';
import type { ProblemBody, Reply } from './commands.js';

/**
 * Asserts an RFC 9457 problem answer with this status and code, and that no internals
 * (stack frames, zod or SQL) reach the client. Returns the problem.
 */
export function expectProblem(res: Reply, status: number, code: string): ProblemBody {
  expect(res.status).toBe(status);
  expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
  const problem = res.body as ProblemBody;
  expect(problem).toMatchObject({
    status,
    code,
    type: expect.any(String),
    title: expect.any(String),
    detail: expect.any(String),
  });
  expect(res.raw).not.toMatch(/at .+\.(ts|js):\d+|ZodError|SELECT|stack/);
  return problem;
}
