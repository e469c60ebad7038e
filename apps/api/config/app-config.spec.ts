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

  it('runs every role in one process unless CARETRACK_ROLE says api or projector', () => {
    expect(loadConfig({}).role).toBe('all');
    expect(loadConfig({ CARETRACK_ROLE: 'api' }).role).toBe('api');
    expect(loadConfig({ CARETRACK_ROLE: 'projector' }).role).toBe('projector');
    expect(() => loadConfig({ CARETRACK_ROLE: 'worker' })).toThrow('CARETRACK_ROLE: must be one of all, api, projector');
  });

  it('treats empty strings as unset', () => {
    expect(loadConfig({ DATABASE_URL: '', PORT: '' }).port).toBe(3000);
  });
});
