import { mkdir } from 'node:fs/promises';
import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import type { Browser, Page } from 'playwright-core';
import { startTestApp, type TestApp } from '../support/app.js';
import { apiKeysEnv, bodies, commandClient, TEST_KEYS } from '../support/commands.js';
import { launchChromium } from './chromium.js';

/** Screenshots of each run (gitignored); docs/console-projections.png is a copy of one. */
const SCREENSHOTS = new URL('./screenshots/', import.meta.url);
const TIMEOUT = 30_000;

describe('the console in a real browser (Debian Chromium)', () => {
  let app: TestApp;
  let browser: Browser;
  let page: Page;
  let base = '';
  /** console errors and uncaught exceptions of the page, CSP violations included */
  const problems: string[] = [];

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    browser = await launchChromium();
    app = await startTestApp('server', apiKeysEnv);
    await app.app.listen({ port: 0, host: '127.0.0.1' });
    const address = app.app.getHttpServer().address();
    if (address === null || typeof address === 'string') throw new Error('the app is not listening on a TCP port');
    base = `http://127.0.0.1:${address.port}`;
    const client = commandClient(app);
    await client.ok('RegisterDoctor', bodies.doctor('d1'));
    for (const id of ['p1', 'p2', 'p3']) await client.ok('RegisterPatient', bodies.patient(id));
    await client.ok('RecordConsultation', bodies.consultation('c1', 'p1', 'd1', 'completed'));
    for (let hour = 8; hour < 14; hour++)
      await client.ok(
        'LogSymptom',
        bodies.symptom('p1', { severity: hour % 4, loggedAt: `2026-05-01T${String(hour).padStart(2, '0')}:00:00Z` }),
      );
    const last = await client.ok('UploadScan', bodies.scan('s1', 'p1'));
    // a read of p1 by the reader key, for the access record
    await app.app.inject({
      method: 'GET',
      url: '/patients/p1/statistics',
      headers: { authorization: `Bearer ${TEST_KEYS.reader}`, 'x-min-position': last.position },
    });
    page = await browser.newPage({ viewport: { width: 1500, height: 1000 } });
    page.on('console', (message) => {
      if (message.type() === 'error') problems.push(`console: ${message.text()}`);
    });
    page.on('pageerror', (error) => problems.push(`page: ${error.message}`));
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await app?.close();
  });

  async function signIn(key: string): Promise<void> {
    await page.goto(`${base}/console`);
    await page.locator('#key').fill(key);
    await page.locator('#sign-in-form button[type=submit]').click();
    await page.locator('#who-role').waitFor({ state: 'visible', timeout: TIMEOUT });
  }

  it('refuses an unknown key and stores nothing', async () => {
    await page.goto(`${base}/console`);
    await page.locator('#key').fill('not-a-key-of-this-service-at-all');
    await page.locator('#sign-in-form button[type=submit]').click();
    await page.locator('#sign-in-error:not(:empty)').waitFor({ timeout: TIMEOUT });
    expect(await page.locator('#sign-in-error').textContent()).toBe('This key is not recognised.');
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    // the refused /whoami is the one failed request the browser logs
    await page.waitForTimeout(200);
    expect(problems).toEqual([
      'console: Failed to load resource: the server responded with a status of 401 (Unauthorized)',
    ]);
    problems.splice(0);
  }, 60_000);

  it('admin: starts a rebuild and sees it reach 100 % and swap, then verifies with zero differences', async () => {
    await signIn(TEST_KEYS.admin);
    expect(await page.locator('#nav a').allTextContents()).toEqual(['Projections', 'Patient']);
    const row = page.locator('tr[data-projection="patient_statistics"]');
    await row.waitFor({ timeout: TIMEOUT });
    await page
      .locator('tr[data-projection="patient_statistics"] [data-testid=status]:text("running")')
      .waitFor({ timeout: TIMEOUT });

    await row.locator('button[data-action=rebuild]').click();
    const work = page.locator('#work-patient_statistics');
    await page.locator('#work-patient_statistics[data-state="swapped"]').waitFor({ timeout: 60_000 });
    expect(await work.locator('[data-testid=percent]').textContent()).toBe('100 %');
    expect(await work.locator('progress').getAttribute('value')).toBe('100');
    expect(await work.locator('[data-testid=state]').textContent()).toBe('swapped: the rebuilt tables are live');
    expect(await work.textContent()).toMatch(/events\/s/);
    expect(await work.textContent()).toMatch(/ETA\s*done/);
    await page.screenshot({ path: new URL('rebuild-swapped.png', SCREENSHOTS).pathname, fullPage: true });

    await row.locator('button[data-action=verify]').click();
    await page.locator('#work-patient_statistics[data-state="verified"]').waitFor({ timeout: 60_000 });
    expect(await work.locator('[data-testid=verify-result]').textContent()).toMatch(/^0 differences/);
    // let the table refresh twice, so the lag trend has points
    await page.waitForTimeout(4500);
    await page.screenshot({ path: new URL('projections.png', SCREENSHOTS).pathname, fullPage: true });

    page.once('dialog', (dialog) => void dialog.accept());
    await row.locator('button[data-action=rollback]').click();
    await page.locator('#work-patient_statistics[data-state="rolled_back"]').waitFor({ timeout: TIMEOUT });

    await page.locator('#nav a[data-route=patient]').click();
    await page.locator('#patient-form input[name=patientId]').fill('p1');
    await page.locator('#patient-form button[type=submit]').click();
    await page.locator('#patient-results h2:text("Timeline")').waitFor({ timeout: TIMEOUT });
    expect(await page.locator('#patient-results').textContent()).toContain('total_symptom_logs');
    expect(await page.locator('#patient-results tbody tr').count()).toBeGreaterThanOrEqual(7);
    await page.screenshot({ path: new URL('patient.png', SCREENSHOTS).pathname, fullPage: true });
    expect(problems).toEqual([]);
  }, 120_000);

  it('auditor: opens a stream, sees an event with metadata and hash, runs the integrity check, pages the access record', async () => {
    await page.locator('#sign-out').click();
    await page.locator('#sign-in').waitFor({ state: 'visible' });
    expect(await page.evaluate('sessionStorage.length')).toBe(0);
    await signIn(TEST_KEYS.auditor);
    expect(await page.locator('#nav a').allTextContents()).toEqual(['Streams', 'Access record', 'Patient']);

    await page.locator('#stream-form input[name=streamId]').fill('tracker-p1');
    await page.locator('#stream-form button[type=submit]').click();
    await page.locator('#events tbody tr').first().waitFor({ timeout: TIMEOUT });
    expect(await page.locator('#events tbody tr').count()).toBe(6);
    await page.locator('#events tbody tr').nth(2).click();
    expect(await page.locator('[data-testid=event-hash]').textContent()).toMatch(/^[0-9a-f]{64}$/);
    const metadata = JSON.parse((await page.locator('[data-testid=event-metadata]').textContent()) ?? '{}') as {
      commandName?: string;
      actor?: { role?: string };
    };
    expect(metadata).toMatchObject({ commandName: 'LogSymptom', actor: { role: 'service' } });

    await page.locator('#integrity-check').click();
    await page.locator('#integrity-result[data-clean]').waitFor({ timeout: TIMEOUT });
    expect(await page.locator('#integrity-result').getAttribute('data-clean')).toBe('true');
    expect(await page.locator('[data-testid=integrity-summary]').textContent()).toMatch(
      /^Clean: \d+ events in \d+ streams/,
    );
    await page.screenshot({ path: new URL('streams.png', SCREENSHOTS).pathname, fullPage: true });

    await page.locator('#log-form input[name=type]').fill('PatientRegistered');
    await page.locator('#log-form button[type=submit]').click();
    await page.locator('#events p:text("The global log")').waitFor({ timeout: TIMEOUT });
    expect(await page.locator('#events tbody tr').count()).toBe(3);

    await page.locator('#nav a[data-route=access]').click();
    await page.locator('#access-form input[name=patientId]').fill('p1');
    await page.locator('#access-form button[type=submit]').click();
    await page.locator('#access-results tbody tr').first().waitFor({ timeout: TIMEOUT });
    expect(await page.locator('#access-results tbody').textContent()).toContain('/patients/p1/statistics');

    await page.locator('#nav a[data-route=patient]').click();
    await page.locator('#patient-form input[name=patientId]').fill('p1');
    await page.locator('#patient-form button[type=submit]').click();
    await page.locator('#patient-results [data-testid=patient-as-of]').waitFor({ timeout: TIMEOUT });
    expect(await page.locator('[data-testid=patient-as-of]').textContent()).toMatch(/^As the history stood at /);
    expect(await page.locator('#patient-results').textContent()).toContain('total_symptom_logs');
    expect(problems).toEqual([]);
  }, 120_000);

  it('shows no pages to a key of another role', async () => {
    await page.locator('#sign-out').click();
    await signIn(TEST_KEYS.reader);
    await page.locator('#page h2:text("No console pages for this key")').waitFor({ timeout: TIMEOUT });
    expect(await page.locator('#nav a').count()).toBe(0);
    expect(problems).toEqual([]);
  }, 60_000);
});
