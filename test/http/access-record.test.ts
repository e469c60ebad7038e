import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { recordAccess } from '../../apps/api/audit/access-log.js';
import { startTestApp, type TestApp, type Topology } from '../support/app.js';
import { apiKeysEnv, commandClient, keyIdOf, TEST_KEYS } from '../support/commands.js';

const auditor = { authorization: `Bearer ${TEST_KEYS.auditor}` };
const reader = { authorization: `Bearer ${TEST_KEYS.reader}` };
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

type Entry = { id: string; keyId: string; role: string; endpoint: string; patientId: string | null };
type Page = { items: Entry[]; nextCursor: string | null };

/** SPEC §7: every read of patient data by any key is recorded, and auditors can read every record. */
describe.each<Topology>(['embedded', 'server'])('the access record has no holes [%s store]', (topology) => {
  let app: TestApp;
  let registered: string;
  beforeAll(async () => {
    app = await startTestApp(topology, apiKeysEnv);
    const c = commandClient(app);
    await c.ok('RegisterPatient', { patientId: 'p1', firstName: 'Ada', lastName: 'L' });
    await c.ok('RegisterDoctor', { doctorId: 'd1', name: 'Dr One' });
    registered = (
      await c.ok('RecordConsultation', {
        consultationId: 'c1',
        patientId: 'p1',
        doctorId: 'd1',
        consultationType: 'in_person',
        consultationDate: '2026-03-01',
      })
    ).position;
  });
  afterAll(async () => app?.close());

  const get = (url: string, headers: Record<string, string>) => app.app.inject({ method: 'GET', url, headers });

  /** Every entry, page by page through nextCursor. */
  async function allPages(limit: number, query = ''): Promise<Entry[]> {
    const seen: Entry[] = [];
    let cursor: string | null = null;
    do {
      const res = await get(`/audit/access?limit=${limit}${query}${cursor ? `&after=${cursor}` : ''}`, auditor);
      expect(res.statusCode).toBe(200);
      const page = res.json() as Page;
      seen.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return seen;
  }

  it('defect 5: reads through /audit/streams/{id} and /audit/events are recorded, with the patient when one is concerned', async () => {
    expect((await get('/audit/streams/patient-p1', auditor)).statusCode).toBe(200);
    expect((await get('/audit/streams/consultation-c1', auditor)).statusCode).toBe(200);
    expect((await get('/audit/streams/doctor-d1', auditor)).statusCode).toBe(200);
    expect((await get('/audit/events?type=PatientRegistered', auditor)).statusCode).toBe(200);
    const entries = await allPages(500);
    const auditorId = keyIdOf(TEST_KEYS.auditor);
    expect(
      entries
        .filter((e) => e.endpoint.startsWith('/audit/'))
        .map(({ keyId, role, endpoint, patientId }) => ({ keyId, role, endpoint, patientId })),
    ).toEqual([
      { keyId: auditorId, role: 'auditor', endpoint: '/audit/streams/patient-p1', patientId: 'p1' },
      { keyId: auditorId, role: 'auditor', endpoint: '/audit/streams/consultation-c1', patientId: 'p1' },
      { keyId: auditorId, role: 'auditor', endpoint: '/audit/streams/doctor-d1', patientId: null },
      { keyId: auditorId, role: 'auditor', endpoint: '/audit/events?type=PatientRegistered', patientId: null },
    ]);
    const forP1 = await allPages(500, '&patientId=p1');
    expect(forP1.map((e) => e.endpoint)).toEqual(['/audit/streams/patient-p1', '/audit/streams/consultation-c1']);
  });

  it('defect 5: paging /audit/access returns every entry exactly once and in order, past ids 9, 99 and 100', async () => {
    for (let i = 0; i < 120; i++) {
      const res = await get(`/patients/p1`, { ...reader, 'x-min-position': registered });
      expect(res.statusCode).toBe(200);
    }
    const everything = await allPages(500);
    expect(everything.length).toBeGreaterThanOrEqual(120);
    for (const limit of [1, 7, 10, 50]) {
      const paged = await allPages(limit);
      expect(paged.map((e) => e.id)).toEqual(everything.map((e) => e.id));
    }
    const ids = everything.map((e) => BigInt(e.id));
    expect(ids).toEqual([...ids].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(new Set(ids).size).toBe(ids.length);
  });
});

describe('the access record under concurrent readers [PostgreSQL server]', () => {
  let app: TestApp;
  let registered: string;
  beforeAll(async () => {
    app = await startTestApp('server', apiKeysEnv);
    registered = (await commandClient(app).ok('RegisterPatient', { patientId: 'p1', firstName: 'Ada', lastName: 'L' }))
      .position;
  });
  afterAll(async () => app?.close());

  it('defect 5: an auditor paging while entries commit out of order never skips one', async () => {
    const db = app.infrastructure.database.db;
    const first = await app.app.inject({ method: 'GET', url: '/audit/access?limit=500', headers: auditor });
    let cursor = (first.json() as Page).items.at(-1)?.id ?? null;
    const seen: string[] = [];
    const readPage = async () => {
      const page = (
        await app.app.inject({
          method: 'GET',
          url: `/audit/access?limit=500${cursor ? `&after=${cursor}` : ''}`,
          headers: auditor,
        })
      ).json() as Page;
      seen.push(...page.items.map((e) => e.endpoint));
      cursor = page.items.at(-1)?.id ?? cursor;
    };
    // One entry's transaction stays open (as a slow insert would) while a request records another.
    let releaseSlow: () => void = () => undefined;
    const slowInserted = new Promise<void>((resolve) => {
      void db.transaction().execute(async (trx) => {
        await recordAccess(trx, {
          keyId: 'slow',
          role: 'reader',
          method: 'GET',
          endpoint: '/slow',
          patientId: 'p1',
          status: 200,
        });
        resolve();
        await new Promise<void>((release) => (releaseSlow = release));
      });
    });
    await slowInserted;
    const fast = app.app.inject({
      method: 'GET',
      url: '/patients/p1',
      headers: { ...reader, 'x-min-position': registered },
    });
    await sleep(300);
    await readPage(); // sees neither: the slow one is not committed, and the fast one waits for it
    releaseSlow();
    expect((await fast).statusCode).toBe(200);
    await readPage();
    expect(seen).toEqual(['/slow', '/patients/p1']);
  });
});
