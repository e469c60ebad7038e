import { readFileSync } from 'node:fs';
import { describe, expect, it } from '@jest/globals';
import semver from 'semver';

const root = new URL('../../', import.meta.url).pathname;
const json = (path: string) => JSON.parse(readFileSync(`${root}${path}`, 'utf8')) as Record<string, unknown>;

type LockedPackage = { version?: string; engines?: { node?: string } | string[]; optional?: boolean; dev?: boolean };

/**
 * `npm install` warns (EBADENGINE) about every locked package whose `engines.node` rejects the
 * running Node. The README promises a Node version; every package must accept it.
 */
describe('the Node version the project states', () => {
  const stated = (json('package.json')['engines'] as { node: string }).node;
  const lowest = semver.minVersion(stated)!.version;
  const readme = readFileSync(`${root}README.md`, 'utf8');

  it('is the one the README names', () => {
    const [major, minor] = lowest.split('.');
    expect(readme).toContain(`Node.js ${major}.${minor}+`);
  });

  it('defect 11: every package in package-lock.json accepts it, so npm install prints no EBADENGINE warning', () => {
    const packages = json('package-lock.json')['packages'] as Record<string, LockedPackage>;
    const refusing = Object.entries(packages)
      .filter(([path]) => path !== '')
      .flatMap(([path, pkg]) => {
        const range = Array.isArray(pkg.engines) ? undefined : pkg.engines?.node;
        if (!range || semver.satisfies(lowest, range, { includePrerelease: true })) return [];
        return [`${path.replace(/^.*node_modules\//, '')}@${pkg.version} wants node ${range}`];
      });
    expect(refusing).toEqual([]);
  });

  it('includes the Node running the tests', () => {
    expect(semver.satisfies(process.version, stated)).toBe(true);
  });
});
