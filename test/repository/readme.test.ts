import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { basename, dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from '@jest/globals';

const root = resolve(new URL('../../', import.meta.url).pathname);
const tracked = execFileSync('git', ['ls-files'], { cwd: root, encoding: 'utf8' }).split('\n').filter(Boolean);
const documents = tracked.filter((path) => path.endsWith('.md'));
const trackedNames = new Set(tracked.map((path) => basename(path)));
const readme = readFileSync(join(root, 'README.md'), 'utf8');

/** Where `target`, named in `document`, points: relative to the document, else to the root. */
function resolveTarget(document: string, target: string): string {
  const fromDocument = resolve(root, dirname(document), target);
  return existsSync(fromDocument) || target.startsWith('.') ? fromDocument : resolve(root, target);
}

const inside = (path: string) => !relative(root, path).startsWith('..');

/** A new user reads the README in a clone of this repository and nothing else. */
describe('the README and docs of a fresh clone', () => {
  it('defect 11: every link and every .md file they name is inside the repository', () => {
    const broken: string[] = [];
    for (const document of documents) {
      const text = readFileSync(join(root, document), 'utf8');
      const links = [...text.matchAll(/\]\(([^)\s#]+)(?:#[^)]*)?\)/g)]
        .map((m) => m[1]!)
        .filter((t) => !/^[a-z]+:/i.test(t));
      const mdNames = [...text.matchAll(/(?<![\w/.-])((?:\.{1,2}\/|[\w-]+\/)*[\w.-]+\.md)\b/g)].map((m) => m[1]!);
      for (const target of new Set([...links, ...mdNames])) {
        const path = resolveTarget(document, target);
        const known = existsSync(path) || (!target.includes('/') && trackedNames.has(target));
        if (!inside(path) || !known) broken.push(`${document}: ${target}`);
      }
    }
    expect(broken).toEqual([]);
  });

  it('lists every top-level folder in its layout section', () => {
    const layout = readme.slice(readme.indexOf('## Layout'));
    const folders = [
      ...new Set(tracked.filter((path) => path.includes('/')).map((path) => path.slice(0, path.indexOf('/')))),
    ];
    expect(folders.filter((folder) => !layout.includes(`\`${folder}/`))).toEqual([]);
  });

  it('defect 11: says where every shell variable of its commands comes from (e.g. $SERVICE_KEY)', () => {
    const blocks = [...readme.matchAll(/```(?:bash|sh)\n([\s\S]*?)```/g)].map((m) => m[1]!).join('\n');
    const used = new Set([...blocks.matchAll(/\$\{?([A-Z][A-Z0-9_]*)/g)].map((m) => m[1]!));
    const unexplained = [...used].filter((name) => !new RegExp(`(export |\\s|^)${name}=`, 'm').test(readme));
    expect(unexplained).toEqual([]);
  });

  it('defect 11: documents a way back when the first-start keys were not copied', () => {
    const section = /## .*(lost|missed).*key[\s\S]*?(?=\n## )/i.exec(readme)?.[0] ?? '';
    expect(section).toContain('api-keys.json');
    expect(section).toMatch(/new key/i);
  });
});
