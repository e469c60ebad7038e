// Live lag (issue 10): commands at a steady rate (open loop: one is started every 1/rate s,
// whether or not the previous ones answered) against the API, whose projections run in the
// same process. For each 201 the client at once asks GET /bench/projected?position=<its
// position>, which answers when the runner has applied every event up to it to every
// projection; lag = that answer's arrival − the 201's arrival (so it includes one loopback
// round trip: an upper bound). Reports p50/p99/max of the lag and of the commands.

/**
 * One HTTP request (commands/run.mjs's `request`): status and body text.
 * @typedef {(agent: import('node:http').Agent, port: number, method: string, path: string, body?: object, apiKey?: string) => Promise<{ status: number | undefined, body: string }>} Request
 */

const sleep = (/** @type {number} */ ms) => new Promise((r) => setTimeout(r, ms));

/** @param {number[]} sorted @param {number} p */
function percentile(sorted, p) {
  if (sorted.length === 0) return null;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

const round2 = (/** @type {number | null | undefined} */ n) => (n == null ? null : Math.round(n * 100) / 100);

/**
 * @param {{ port: number, apiKey: string, rate: number, durationS: number, warmupS: number,
 *   request: Request, agent: import('node:http').Agent, workload: (lane: number) => () => { kind: string, path: string, body: object },
 *   aborted: () => boolean }} o
 */
export async function liveLag(o) {
  // A lane is one client's sequence of commands (register a patient, then log for them); it
  // sends its next command only once the previous one answered, so a log never overtakes its
  // patient's registration. A command due while every lane is busy opens a new lane.
  /** @typedef {{ next: () => { kind: string, path: string, body: object } }} Lane */
  /** @type {Lane[]} */
  const lanes = [];
  /** @type {Lane[]} */
  const free = [];
  const laneFor = () => {
    const reused = free.pop();
    if (reused) return reused;
    const lane = { next: o.workload(lanes.length) };
    lanes.push(lane);
    return lane;
  };
  const interval = 1000 / o.rate;
  const total = Math.round(o.rate * (o.warmupS + o.durationS));
  const measuredFrom = Math.round(o.rate * o.warmupS);
  /** @type {number[]} */
  const lags = [];
  /** @type {number[]} */
  const serverWaits = [];
  /** @type {number[]} */
  const commandMs = [];
  /** @type {{ commands: number, waits: number, notPassed: number, first: string | null }} */
  const failures = { commands: 0, waits: 0, notPassed: 0, first: null };
  const inFlight = new Set();
  const t0 = performance.now();
  let late = 0;
  for (let n = 0; n < total && !o.aborted(); n++) {
    const due = t0 + n * interval;
    const wait = due - performance.now();
    if (wait > 1) await sleep(wait);
    else if (wait < -interval) late += 1;
    const measured = n >= measuredFrom;
    const lane = laneFor();
    const { path, body } = lane.next();
    const job = (async () => {
      const sent = performance.now();
      let res;
      try {
        res = await o.request(o.agent, o.port, 'POST', path, body, o.apiKey);
      } catch (error) {
        failures.commands += 1;
        failures.first ??= String(error);
        return;
      }
      const answered = performance.now();
      if (res.status !== 201) {
        failures.commands += 1;
        failures.first ??= `${res.status} ${res.body.slice(0, 300)}`;
        return;
      }
      const { position } = JSON.parse(res.body);
      let projected;
      try {
        projected = await o.request(
          o.agent,
          o.port,
          'GET',
          `/bench/projected?position=${position}`,
          undefined,
          o.apiKey,
        );
      } catch (error) {
        failures.waits += 1;
        failures.first ??= String(error);
        return;
      }
      const passedAt = performance.now();
      if (projected.status !== 200) {
        failures.waits += 1;
        failures.first ??= `${projected.status} ${projected.body.slice(0, 300)}`;
        return;
      }
      const { passed, waitedMs } = JSON.parse(projected.body);
      if (!passed) failures.notPassed += 1;
      if (!measured) return;
      commandMs.push(answered - sent);
      lags.push(passedAt - answered);
      serverWaits.push(waitedMs);
    })();
    inFlight.add(job);
    void job.finally(() => {
      inFlight.delete(job);
      free.push(lane);
    });
  }
  await Promise.all(inFlight);
  const seconds = (performance.now() - t0) / 1000;
  const sort = (/** @type {number[]} */ a) => [...a].sort((x, y) => x - y);
  const [l, w, c] = [sort(lags), sort(serverWaits), sort(commandMs)];
  return {
    rate: o.rate,
    durationS: o.durationS,
    warmupS: o.warmupS,
    sent: total,
    measured: lags.length,
    achievedPerSecond: round2(total / seconds),
    lateStarts: late,
    lanes: lanes.length,
    lagMs: { p50: round2(percentile(l, 50)), p99: round2(percentile(l, 99)), max: round2(l.at(-1)) },
    serverWaitMs: { p50: round2(percentile(w, 50)), p99: round2(percentile(w, 99)), max: round2(w.at(-1)) },
    commandMs: { p50: round2(percentile(c, 50)), p99: round2(percentile(c, 99)), max: round2(c.at(-1)) },
    failures,
  };
}
