import { describe, expect, it } from '@jest/globals';
import { ConfigError, loadConfig } from './app-config.js';

describe('loadConfig', () => {
  it('needs nothing: embedded store under ./data on port 3000', () => {
    const config = loadConfig({});
    expect(config.databaseUrl).toBeUndefined();
    expect(config.dataDir).toMatch(/\/data$/);
    expect(config.port).toBe(3000);
    expect(config.logLevel).toBe('info');
  });

  it('reads every variable', () => {
    const config = loadConfig({
      DATABASE_URL: 'postgres://u@h:5432/db',
      EVENTSTORE_URL: 'esdb://localhost:2113?tls=false',
      DATA_DIR: '/tmp/x',
      PORT: '8080',
      LOG_LEVEL: 'debug',
    });
    expect(config).toMatchObject({
      databaseUrl: 'postgres://u@h:5432/db',
      eventStoreUrl: 'esdb://localhost:2113?tls=false',
      dataDir: '/tmp/x',
      port: 8080,
      logLevel: 'debug',
    });
  });

  it('names every bad variable', () => {
    const error = (() => {
      try {
        loadConfig({ PORT: 'eighty', LOG_LEVEL: 'loud', DATABASE_URL: 'mysql://x' });
      } catch (e) {
        return e;
      }
    })() as ConfigError;
    expect(error).toBeInstanceOf(ConfigError);
    expect(error.problems.map((p) => p.variable).sort()).toEqual(['DATABASE_URL', 'LOG_LEVEL', 'PORT']);
  });

  it('runs every role in one process unless CARETRACK_ROLE says api or projector', () => {
    expect(loadConfig({}).role).toBe('all');
    expect(loadConfig({ CARETRACK_ROLE: 'api' }).role).toBe('api');
    expect(loadConfig({ CARETRACK_ROLE: 'projector' }).role).toBe('projector');
    expect(() => loadConfig({ CARETRACK_ROLE: 'worker' })).toThrow(
      'CARETRACK_ROLE: must be one of all, api, projector',
    );
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).toBe(3000);
  });

  describe('the master key of personal data', () => {
    const hex = 'ab'.repeat(32);
    const base64 = Buffer.alloc(32, 7).toString('base64');

    it('reads DATA_KEY as hex or base64 and shows only its id', () => {
      const fromHex = loadConfig({ DATA_KEY: hex }).dataKey;
      expect(fromHex?.id).toMatch(/^[0-9a-f]{16}$/);
      expect(loadConfig({ DATA_KEY: ` ${base64}\n` }).dataKey?.id).toBe(
        loadConfig({ DATA_KEY: Buffer.alloc(32, 7).toString('hex') }).dataKey?.id,
      );
      expect(JSON.stringify(loadConfig({ DATA_KEY: hex }))).not.toContain(hex);
    });

    it('rejects a DATA_KEY that is not 32 bytes without repeating it', () => {
      const secret = 'not-a-key-but-a-secret-all-the-same';
      const error = (() => {
        try {
          loadConfig({ DATA_KEY: secret });
        } catch (e) {
          return e;
        }
      })() as ConfigError;
      expect(error).toBeInstanceOf(ConfigError);
      expect(error.problems).toEqual([{ variable: 'DATA_KEY', message: expect.stringContaining('32 bytes') }]);
      expect(error.message).not.toContain(secret);
      expect(() => loadConfig({ DATA_KEY: Buffer.alloc(16).toString('base64') })).toThrow(ConfigError);
    });

    it('takes DATA_KEY_FILE as an absolute path and refuses both settings at once', () => {
      expect(loadConfig({ DATA_KEY_FILE: 'secrets/key' }).dataKeyFile).toMatch(/^\/.*\/secrets\/key$/);
      expect(() => loadConfig({ DATA_KEY: hex, DATA_KEY_FILE: '/k' })).toThrow(
        'set DATA_KEY or DATA_KEY_FILE, not both',
      );
    });

    it('leaves both unset by default (the key is generated under DATA_DIR at start)', () => {
      const config = loadConfig({});
      expect(config.dataKey).toBeUndefined();
      expect(config.dataKeyFile).toBeUndefined();
    });
  });

  it('defect 7: HOST sets the listen address; the default is every interface (0.0.0.0)', () => {
    expect(loadConfig({}).host).toBe('0.0.0.0');
    expect(loadConfig({ HOST: '127.0.0.1' }).host).toBe('127.0.0.1');
    expect(loadConfig({ HOST: '::1' }).host).toBe('::1');
    expect(loadConfig({ HOST: 'api.internal' }).host).toBe('api.internal');
    expect(() => loadConfig({ HOST: 'not a host!' })).toThrow(/HOST/);
  });

  it('reads the failed-authentication limit and the trusted proxies', () => {
    expect(loadConfig({}).authFailureLimit).toBe(10);
    expect(loadConfig({}).trustProxy).toBe(false);
    expect(loadConfig({ AUTH_FAILURE_LIMIT: '3', TRUST_PROXY: '10.0.0.0/8,127.0.0.1' })).toMatchObject({
      authFailureLimit: 3,
      trustProxy: ['10.0.0.0/8', '127.0.0.1'],
    });
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ AUTH_FAILURE_LIMIT: '0' })).toThrow(/AUTH_FAILURE_LIMIT/);
  });
});
