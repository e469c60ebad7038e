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
    expect(config).toMatchObject({ databaseUrl: 'postgres://u@h:5432/db', eventStoreUrl: 'esdb://localhost:2113?tls=false', dataDir: '/tmp/x', port: 8080, logLevel: 'debug' });
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

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).toBe(3000);
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
    expect(loadConfig({ AUTH_FAILURE_LIMIT: '3', TRUST_PROXY: '10.0.0.0/8,127.0.0.1' })).toMatchObject({ authFailureLimit: 3, trustProxy: ['10.0.0.0/8', '127.0.0.1'] });
    expect(loadConfig({ TRUST_PROXY: 'true' }).trustProxy).toBe(true);
    expect(() => loadConfig({ TRUST_PROXY: 'everyone' })).toThrow(/TRUST_PROXY/);
    expect(() => loadConfig({ AUTH_FAILURE_LIMIT: '0' })).toThrow(/AUTH_FAILURE_LIMIT/);
  });
});
