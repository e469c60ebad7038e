import { execFileSync } from 'node:child_process';
import { describe, expect, it } from '@jest/globals';

const root = new URL('../../', import.meta.url).pathname;

/** Test code never ships: the production build (tsconfig.build.json) compiles no spec and no test helper. */
describe('the production build', () => {
  it('compiles no spec, test helper or fixture, and every source of apps, libs and projections besides', () => {
    const listed = execFileSync(
      process.execPath,
      [`${root}node_modules/typescript/bin/tsc`, '-p', 'tsconfig.build.json', '--listFilesOnly'],
      { cwd: root, encoding: 'utf8' },
    )
      .split('\n')
      .filter((path) => path.startsWith(root) && !path.includes('/node_modules/'))
      .map((path) => path.slice(root.length));
    const testCode =
      /(\.spec\.ts|\/testing\/|\/given\.ts|\/test-context\.ts|\/test-schema\.ts|-fixtures\.ts)$|^(test|bench)\//;
    expect(listed.filter((path) => testCode.test(path))).toEqual([]);
    expect(listed).toEqual(
      expect.arrayContaining(['apps/api/main.ts', 'libs/domain/commands.ts', 'projections/index.ts']),
    );
  }, 120_000);
});
