import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { EXIT, runCli } from '../../apps/cli/cli.js';
import { renderProgress } from '../../apps/cli/progress-bar.js';
import { startTestApp, type TestApp } from '../support/app.js';
import { apiKeysEnv, commandClient, TEST_KEYS } from '../support/commands.js';

function capture(isTTY = false) {
  let text = '';
  return {
    write: (t: string) => void (text += t),
    isTTY,
    get text() {
      return text;
    },
  };
}

describe.each(['embedded', 'server'] as const)('caretrack CLI against a running API [%s store]', (topology) => {
  let app: TestApp;
  let url: string;
  const run = async (argv: string[], key: string | null = TEST_KEYS.admin, tty = false) => {
    const out = capture(tty);
    const err = capture();
    const code = await runCli(argv, {
      out,
      err,
      env: { CARETRACK_URL: url, ...(key ? { CARETRACK_ADMIN_KEY: key } : {}) },
    });
    return { code, out: out.text, err: err.text };
  };

  beforeAll(async () => {
    app = await startTestApp(topology, apiKeysEnv);
    await app.app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.app.getHttpServer().address() as { port: number };
    url = `http://127.0.0.1:${address.port}`;
    const client = commandClient(app);
    for (let i = 0; i < 30; i++)
      await client.ok('RegisterPatient', { patientId: `cli${i}`, firstName: 'C', lastName: `L${i}` });
  }, 60_000);
  afterAll(async () => app?.close());

  it('projections list prints every projection with its status', async () => {
    const { code, out } = await run(['projections', 'list']);
    expect(code).toBe(EXIT.ok);
    expect(out).toMatch(/^NAME\s+STATUS/);
    expect(out).toMatch(/\npatients\s+(running|catching_up)\s/);
    expect(out.trim().split('\n')).toHaveLength(12);
  });

  it('projections rebuild draws progress and exits 0 once verified and swapped', async () => {
    const { code, out } = await run(['projections', 'rebuild', 'patients'], TEST_KEYS.admin, true);
    expect(code).toBe(EXIT.ok);
    expect(out).toMatch(/\r\[[#-]{30}\]\s+\d+% [\d,]+\/[\d,]+ events/);
    expect(out).toMatch(/rebuilt patients: 30 events, verified, swapped in/);
  });

  it('projections verify exits 0 on a matching table; rollback swaps the previous tables back', async () => {
    expect((await run(['projections', 'verify', 'patients'])).code).toBe(EXIT.ok);
    const rollback = await run(['projections', 'rollback', 'patients']);
    expect(rollback.code).toBe(EXIT.ok);
    expect(rollback.out).toMatch(/rolled back/);
  });

  it('--help prints the usage on stdout and exits 0; no command prints it on stderr with exit 2', async () => {
    for (const argv of [['--help'], ['-h'], ['help'], ['import', 'legacy', '--help'], ['import', 'reconcile', '-h']]) {
      const { code, out, err } = await run(argv);
      expect([argv, code, err]).toEqual([argv, EXIT.ok, '']);
      expect(out).toMatch(/^usage: caretrack (import )?<command>/);
      expect(out).toContain('import legacy --from <postgres-url>');
    }
    const none = await run([]);
    expect([none.code, none.out]).toEqual([EXIT.usage, '']);
    expect(none.err).toMatch(/^usage: caretrack <command>/);
  });

  it('clear exit codes: usage 2, refused or unknown 3', async () => {
    expect((await run(['projections'])).code).toBe(EXIT.usage);
    expect((await run(['projections', 'list'], null)).code).toBe(EXIT.usage);
    const wrongRole = await run(['projections', 'list'], TEST_KEYS.reader);
    expect(wrongRole).toMatchObject({ code: EXIT.api, err: expect.stringMatching(/403 forbidden/) });
    const unknown = await run(['projections', 'verify', 'nope']);
    expect(unknown).toMatchObject({ code: EXIT.api, err: expect.stringMatching(/404/) });
  });

  it('audit stream, as-of and verify with an auditor key', async () => {
    const auditorRun = async (argv: string[]) => {
      const out = capture();
      const err = capture();
      const code = await runCli(argv, {
        out,
        err,
        env: { CARETRACK_URL: url, CARETRACK_AUDITOR_KEY: TEST_KEYS.auditor },
      });
      return { code, out: out.text, err: err.text };
    };
    const stream = await auditorRun(['audit', 'stream', 'patient-cli3']);
    expect(stream).toMatchObject({
      code: EXIT.ok,
      out: expect.stringMatching(/^\s+0\s+\S+\s+PatientRegistered\s+by \w+ \(service\)/),
    });
    const asOf = await auditorRun(['audit', 'as-of', 'cli3', new Date().toISOString()]);
    expect(asOf.code).toBe(EXIT.ok);
    expect(JSON.parse(asOf.out)).toMatchObject({
      patientId: 'cli3',
      statistics: { patient_id: 'cli3', total_consultations: 0 },
    });
    expect(await auditorRun(['audit', 'verify'])).toMatchObject({
      code: EXIT.ok,
      out: expect.stringMatching(/^clean: 30 events in 30 streams/),
    });
    expect((await auditorRun(['audit', 'as-of', 'cli3'])).code).toBe(EXIT.usage);
  });

  it('renders a progress line with events/s and ETA', () => {
    expect(
      renderProgress({ processed: 500, total: 1000, eventsPerSecond: 2500, etaSeconds: 0.2, state: 'building' }, 10),
    ).toBe('[#####-----]  50% 500/1,000 events  2,500 ev/s  ETA 1s  building');
  });
});
