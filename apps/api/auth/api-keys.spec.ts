import { createHash } from 'node:crypto';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from '@jest/globals';
import { ApiKeyConfigError } from './api-key-config-error.js';
import { loadKeyRing, parseApiKeys, parseApiKeysFile } from './api-keys.js';
import { ConfigError } from '../config/app-config.js';

const serviceKey = 'svc_0123456789abcdefghijklmn';
const readerKey = 'rdr_0123456789abcdefghijklmn';
const hex = (text: string) => createHash('sha256').update(text).digest('hex');

function errorOf(fn: () => unknown): ApiKeyConfigError {
  try {
    fn();
  } catch (error) {
    if (error instanceof ApiKeyConfigError) return error;
    throw error;
  }
  throw new Error('expected an ApiKeyConfigError');
}

describe('parseApiKeys (API_KEYS)', () => {
  it('reads comma-separated role:key pairs, tolerating spaces and a trailing comma', () => {
    const keys = parseApiKeys(` service:${serviceKey} , reader:${readerKey},`);
    expect(keys.map((k) => [k.role, k.sha256.toString('hex')])).toEqual([
      ['service', hex(serviceKey)],
      ['reader', hex(readerKey)],
    ]);
  });

  it('rejects a key shorter than 24 characters, by position, without printing it', () => {
    const shortKey = 'short-secret-23-chars-xx'.slice(0, 23);
    const error = errorOf(() => parseApiKeys(`service:${serviceKey},reader:${shortKey}`));
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems).toEqual([
      { variable: 'API_KEYS', message: 'entry 2: the key is shorter than 24 characters' },
    ]);
    expect(error.message).not.toContain(shortKey);
  });

  it('accepts a key of exactly 24 characters', () => {
    expect(parseApiKeys(`admin:${'k'.repeat(24)}`)).toHaveLength(1);
  });

  it('rejects an unknown role, by position, and names every bad entry at once', () => {
    const error = errorOf(() => parseApiKeys(`root:${serviceKey},${readerKey},reader:${readerKey}`));
    expect(error.problems.map((p) => p.message)).toEqual([
      'entry 1: unknown role (expected one of service, reader, admin, auditor, metrics)',
      'entry 2: expected role:key',
    ]);
    expect(error.message).not.toContain(serviceKey);
    expect(error.message).not.toContain(readerKey);
  });

  it('rejects the same key given twice and an empty list', () => {
    expect(errorOf(() => parseApiKeys(`service:${serviceKey},admin:${serviceKey}`)).problems[0]?.message).toBe(
      'entry 2: repeats the key of entry 1',
    );
    expect(errorOf(() => parseApiKeys(' , ')).problems[0]?.message).toBe('holds no role:key pair');
  });
});

describe('parseApiKeysFile (API_KEYS_FILE)', () => {
  it('reads role:sha256 lines between blank lines and # comments', () => {
    const text = `# caretrack keys\n\nservice:${hex(serviceKey)}\n  # the dashboards\nreader:${hex(readerKey).toUpperCase()}\r\n`;
    expect(parseApiKeysFile(text).map((k) => [k.role, k.sha256.toString('hex')])).toEqual([
      ['service', hex(serviceKey)],
      ['reader', hex(readerKey)],
    ]);
  });

  it('names every bad line by its number', () => {
    const text = `# keys\nservice:${hex(serviceKey)}\nreader:abc123\nroot:${hex(readerKey)}\nno colon here\n`;
    const error = errorOf(() => parseApiKeysFile(text));
    expect(error.problems).toEqual([
      {
        variable: 'API_KEYS_FILE',
        message: 'line 3: expected 64 hex characters (the SHA-256 of the key) after the role',
      },
      {
        variable: 'API_KEYS_FILE',
        message: 'line 4: unknown role (expected one of service, reader, admin, auditor, metrics)',
      },
      { variable: 'API_KEYS_FILE', message: 'line 5: expected role:sha256-hex-of-key' },
    ]);
  });

  it('rejects a file that lists no key', () => {
    expect(errorOf(() => parseApiKeysFile('# nothing yet\n\n')).problems[0]?.message).toBe(
      'the file lists no role:sha256 line',
    );
  });
});

describe('loadKeyRing from configuration', () => {
  let dataDir: string;
  const silent = { print: () => undefined };
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'caretrack-keys-'));
  });
  afterEach(async () => rm(dataDir, { recursive: true, force: true }));

  it('uses API_KEYS and generates nothing under DATA_DIR', async () => {
    const loaded = await loadKeyRing({ apiKeys: `service:${serviceKey}`, dataDir }, silent);
    expect(loaded.source).toBe('API_KEYS');
    expect(loaded.keyRing.lookup(serviceKey)?.role).toBe('service');
    expect(loaded.keyRing.lookup(readerKey)).toBeNull();
    expect(await readdir(dataDir)).toEqual([]);
  });

  it('uses API_KEYS_FILE', async () => {
    const file = join(dataDir, 'keys.txt');
    await writeFile(file, `reader:${hex(readerKey)}\n`);
    const loaded = await loadKeyRing({ apiKeysFile: file, dataDir }, silent);
    expect(loaded.source).toBe('API_KEYS_FILE');
    expect(loaded.keyRing.lookup(readerKey)?.role).toBe('reader');
  });

  it('reports a missing API_KEYS_FILE and a configuration with both variables', async () => {
    await expect(loadKeyRing({ apiKeysFile: join(dataDir, 'absent.txt'), dataDir }, silent)).rejects.toThrow(
      /API_KEYS_FILE: cannot read .*absent\.txt \(ENOENT\)/,
    );
    await expect(loadKeyRing({ apiKeys: `service:${serviceKey}`, apiKeysFile: 'x', dataDir }, silent)).rejects.toThrow(
      'set API_KEYS or API_KEYS_FILE, not both',
    );
  });
});
