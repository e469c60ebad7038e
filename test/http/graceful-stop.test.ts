import { Agent, request as httpRequest } from 'node:http';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from '@jest/globals';
import { pino } from 'pino';
import { createApp } from '../../apps/api/bootstrap/create-app.js';
import { loadConfig } from '../../apps/api/config/app-config.js';
import { apiKeysEnv, TEST_KEYS } from '../support/commands.js';
import { seedPgliteDataDir } from '../support/pglite-template.js';

type Got = { status: number; headers: Record<string, string | string[] | undefined>; body: string };

/** One request over a real socket (through `agent`, so keep-alive connections are reused). */
function send(port: number, agent: Agent, path: string, headers: Record<string, string> = {}): Promise<Got> {
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: '127.0.0.1', port, path, agent, headers }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/**
 * The graceful stop the process runs on SIGTERM (`close()`), over real sockets. test/faults/
 * sends the real signal to `npm start` and to a process under load.
 */
describe('graceful stop over real sockets [embedded store]', () => {
  it('defect 8: requests arriving while it drains get 503 problem+json with Retry-After; running ones finish; then it stops listening', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'caretrack-drain-'));
    await seedPgliteDataDir(join(dataDir, 'pg')); // PGlite's initdb, copied rather than run again
    const config = loadConfig({ DATA_DIR: dataDir, LOG_LEVEL: 'silent', HOST: '127.0.0.1', PORT: '0', ...apiKeysEnv });
    const running = await createApp(config, pino({ level: 'silent' }));
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    try {
      await running.app.listen({ port: 0, host: '127.0.0.1' });
      const address = running.app.getHttpServer().address();
      const port = typeof address === 'object' && address ? address.port : 0;
      const reader = { authorization: `Bearer ${TEST_KEYS.reader}` };
      // Open keep-alive connections, so later requests reach the server while it drains.
      await Promise.all([send(port, agent, '/health'), send(port, agent, '/health'), send(port, agent, '/health')]);
      // A request still running when the stop begins: it waits for a position no projection reaches.
      const slow = send(port, agent, '/patients', { ...reader, 'x-min-position': '999999999' });
      await new Promise((resolve) => setTimeout(resolve, 200));
      const closing = running.close();
      const during = await send(port, agent, '/patients', reader);
      expect(during.status).toBe(503);
      expect(during.headers['content-type']).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(during.body)).toMatchObject({
        status: 503,
        code: 'shutting_down',
        title: 'Service Unavailable',
      });
      expect(during.headers['retry-after']).toBe('2');
      expect(during.headers['connection']).toBe('close');
      const finished = await slow; // answered in full, not cut off
      expect(finished.status).toBe(503);
      expect(JSON.parse(finished.body)).toMatchObject({ code: 'projection_behind' });
      await closing;
      await expect(send(port, new Agent(), '/health')).rejects.toThrow(/ECONNREFUSED/);
    } finally {
      agent.destroy();
      await running.close().catch(() => undefined);
      await rm(dataDir, { recursive: true, force: true });
    }
  }, 60_000);
});
