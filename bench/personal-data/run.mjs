// What encryption of personal fields costs per event (SPEC §9), against the work the append
// already does for every event in the same run: its hash (SHA-256 over canonical JSON).
// Plain ESM over dist/ (built when older than the sources); the key store part makes and drops
// its own database on the PostgreSQL server. See bench/README.md.
import { randomUUID } from 'node:crypto';
import { mkdir, writeFile } from 'node:fs/promises';
import { cpus, loadavg, totalmem } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { admin, databaseUrl, ensureBuilt, ROOT } from '../lib.mjs';

const { values: args } = parseArgs({
  options: {
    iterations: { type: 'string', default: '20000' },
    server: { type: 'string', default: 'postgres://postgres@127.0.0.1:5432/postgres' },
    subjects: { type: 'string', default: '2000' },
    out: { type: 'string', default: join(ROOT, 'bench/results') },
    'no-build': { type: 'boolean', default: false },
    help: { type: 'boolean', default: false },
  },
});
if (args.help) {
  console.log(
    'usage: node bench/personal-data/run.mjs [--iterations 20000] [--subjects 2000] [--server <url>] [--out <dir>] [--no-build]',
  );
  process.exit(0);
}
const iterations = Number(args.iterations);
const subjects = Number(args.subjects);

await ensureBuilt({
  build: !args['no-build'],
  builtFiles: ['dist/libs/personal-data/index.js', 'dist/libs/event-store/integrity-hash.js'],
  log: (text) => console.error(`bench: ${text}`),
});
const pd = await import(join(ROOT, 'dist/libs/personal-data/index.js'));
const { eventHash } = await import(join(ROOT, 'dist/libs/event-store/integrity-hash.js'));
const { openDatabase } = await import(join(ROOT, 'dist/libs/read-store/connection.js'));

const text = (/** @type {number} */ n) =>
  'Athlete reports a dull frontal headache after a clash of heads in the second half; '
    .repeat(Math.ceil(n / 84))
    .slice(0, n);
const metadata = {
  actor: { id: 'a1b2c3d4e5f6', role: 'service' },
  correlationId: randomUUID(),
  causationId: randomUUID(),
  commandName: 'X',
  occurredAt: new Date().toISOString(),
  schemaVersion: 1,
};
/**
 * Representative events: personal fields of typical sizes, and one event type with none.
 * @type {Record<string, Record<string, unknown>>}
 */
const samples = {
  PatientRegistered: {
    patientId: 'p-000123',
    firstName: 'Wilhelmina',
    lastName: 'Xanthopoulos',
    dateOfBirth: '2006-04-12',
    ageGroup: 'U18',
    sportType: 'rugby',
    teamId: 't-9',
    position: 'wing',
    jerseyNumber: 11,
  },
  ConsultationRecorded: {
    consultationId: 'c-1',
    patientId: 'p-000123',
    doctorId: 'd-7',
    consultationType: 'in_person',
    consultationDate: '2025-05-01',
    status: 'completed',
    chiefComplaint: text(120),
    diagnosis: text(300),
    prescription: text(200),
    notes: text(1000),
    durationMinutes: 30,
    fee: 80,
  },
  ScanUploaded: {
    scanId: 's-1',
    patientId: 'p-000123',
    modality: 'MRI',
    fileUri: 's3://scans/2025/05/p-000123/brain-axial-t2.dcm',
    sha256: 'a'.repeat(64),
    sizeBytes: 123456,
  },
  SessionStarted: {
    sessionId: 'se-1',
    playerId: 'p-000123',
    sessionType: 'match',
    startTime: '2025-05-01T15:00:00Z',
    title: 'League match vs. Harbour',
    description: text(400),
    videoPath: '/video/2025/05/01/match.mp4',
    metadata: Object.fromEntries(
      Array.from({ length: 40 }, (_, i) => [`camera_${i}`, { angle: i * 9, zoom: 1.5, label: `stand ${i}` }]),
    ),
  },
  SymptomLogged: {
    patientId: 'p-000123',
    symptomId: 'headache',
    severity: 3,
    loggedAt: '2025-05-01T08:00:00Z',
    reporterType: 'self',
    logId: 'l-1',
  },
};

/**
 * Median of `rounds` timings of `iterations` calls, in microseconds per call.
 * @param {(i: number) => unknown} fn
 * @returns {number}
 */
function perCall(fn, rounds = 5) {
  for (let i = 0; i < Math.min(2000, iterations); i++) fn(i); // warm up
  const times = [];
  for (let r = 0; r < rounds; r++) {
    const start = process.hrtime.bigint();
    for (let i = 0; i < iterations; i++) fn(i);
    times.push(Number(process.hrtime.bigint() - start) / 1000 / iterations);
  }
  return /** @type {number} */ (times.sort((a, b) => a - b)[Math.floor(rounds / 2)]);
}

const { newDataKey } = await import(join(ROOT, 'dist/libs/personal-data/wrap.js'));
const key = newDataKey();
const live = { state: 'active', key };
const rows = [];
for (const [type, data] of Object.entries(samples)) {
  const spec = pd.personalFieldsOf(type);
  const events = Array.from({ length: 64 }, () => ({ id: randomUUID(), type, data }));
  const sealed = events.map((e) => ({ ...e, data: pd.sealPersonalFields(e, spec, key) }));
  const hash = perCall((i) => eventHash('f'.repeat(64), { ...events[i % 64], metadata }));
  const encrypt = perCall((i) => pd.sealPersonalFields(events[i % 64], spec, key));
  const decrypt = perCall((i) => pd.openPersonalFields(sealed[i % 64], spec, live));
  const personalBytes = Buffer.byteLength(
    JSON.stringify(
      Object.fromEntries(
        spec.fields
          .filter((/** @type {string} */ f) => data[f] !== undefined)
          .map((/** @type {string} */ f) => [f, data[f]]),
      ),
    ),
  );
  const storedGrowth = Buffer.byteLength(JSON.stringify(sealed[0]?.data)) - Buffer.byteLength(JSON.stringify(data));
  rows.push({
    type,
    personalBytes: spec.fields.some((/** @type {string} */ f) => data[f] !== undefined) ? personalBytes : 0,
    hashUs: hash,
    encryptUs: encrypt,
    decryptUs: decrypt,
    encryptPerHash: encrypt / hash,
    decryptPerHash: decrypt / hash,
    storedGrowthBytes: storedGrowth,
  });
}

// The key store on the PostgreSQL server: a subject's first key (one transaction), a batch lookup
// of keys not cached (one query), and a cached lookup.
const dbName = `caretrack_benchpd_${Date.now()}_${process.pid}`;
let keyStore;
try {
  await admin(args.server, `CREATE DATABASE ${dbName}`);
  const connection = await openDatabase({ kind: 'server', url: databaseUrl(args.server, dbName) });
  try {
    const store = await pd.KeyStore.open(connection.db, {
      masterKey: { key: pd.MasterKey.generate(), origin: 'bench' },
    });
    const ids = Array.from({ length: subjects }, (_, i) => `p-${i}`);
    let start = process.hrtime.bigint();
    for (const id of ids) await store.keyForWrite(id);
    const createMs = Number(process.hrtime.bigint() - start) / 1e6 / subjects;
    for (const id of ids) store.forget(id);
    start = process.hrtime.bigint();
    for (let i = 0; i < subjects; i += 500) await store.keysForRead(ids.slice(i, i + 500));
    const lookupUs = Number(process.hrtime.bigint() - start) / 1000 / subjects;
    start = process.hrtime.bigint();
    for (let i = 0; i < subjects; i += 500) await store.keysForRead(ids.slice(i, i + 500));
    const cachedUs = Number(process.hrtime.bigint() - start) / 1000 / subjects;
    keyStore = {
      subjects,
      firstKeyMs: createMs,
      uncachedLookupUsPerSubject: lookupUs,
      cachedLookupUsPerSubject: cachedUs,
    };
    await store.close();
  } finally {
    await connection.close();
  }
} finally {
  await admin(args.server, `DROP DATABASE IF EXISTS ${dbName} WITH (FORCE)`).catch(() => undefined);
}

const f = (/** @type {number} */ n, d = 1) => n.toFixed(d);
console.log(`\n${iterations.toLocaleString('en')} calls per figure, median of 5 rounds; µs per event\n`);
console.log(
  '| event | personal bytes | hash (baseline) µs | encrypt µs | decrypt µs | encrypt ÷ hash | decrypt ÷ hash | stored JSON growth bytes |',
);
console.log('|---|---:|---:|---:|---:|---:|---:|---:|');
for (const r of rows)
  console.log(
    `| ${r.type} | ${r.personalBytes} | ${f(r.hashUs)} | ${f(r.encryptUs)} | ${f(r.decryptUs)} | ${f(r.encryptPerHash, 2)} | ${f(r.decryptPerHash, 2)} | ${r.storedGrowthBytes} |`,
  );
console.log(
  `\nkey store (PostgreSQL server, ${subjects} subjects): first key of a subject ${f(keyStore.firstKeyMs, 2)} ms; uncached lookup ${f(keyStore.uncachedLookupUsPerSubject)} µs per subject in batches of 500; cached ${f(keyStore.cachedLookupUsPerSubject, 2)} µs`,
);

const date = new Date().toISOString().slice(0, 10);
await mkdir(args.out, { recursive: true });
const file = join(args.out, `personal-data-${date}.json`);
await writeFile(
  file,
  `${JSON.stringify({ date: new Date().toISOString(), settings: { iterations, subjects }, machine: { cpus: cpus().length, memGiB: Math.round(totalmem() / 2 ** 30), node: process.version, loadavg: loadavg() }, events: rows, keyStore }, null, 2)}\n`,
);
console.log(`\nwrote ${file}`);
