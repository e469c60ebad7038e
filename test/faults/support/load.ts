import { randomUUID } from 'node:crypto';

/** One request the load sent, and what came back. */
export type Outcome = {
  kind: 'command' | 'query';
  /** HTTP status, or 0 when no response came (the error says why) */
  status: number;
  problemJson: boolean;
  code?: string;
  retryAfter?: string | null;
  /** the event ids of a 201 */
  eventIds: string[];
  error?: string;
  startedAt: number;
  endedAt: number;
};

export type LoadOptions = {
  url: string;
  serviceKey: string;
  readerKey: string;
  /** concurrent clients, each alternating a command and a query */
  clients: number;
  /** one registered patient per client (its own tracker stream: no write conflicts between clients) */
  patients: string[];
};

/** Sends one request; never throws. */
export async function request(
  url: string,
  init: { method?: string; headers?: Record<string, string>; body?: string },
  kind: Outcome['kind'],
): Promise<Outcome & { body: unknown }> {
  const startedAt = Date.now();
  try {
    const res = await fetch(url, {
      method: init.method ?? 'GET',
      headers: init.headers,
      body: init.body,
      signal: AbortSignal.timeout(30_000),
    });
    const text = await res.text();
    let body: unknown;
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
    const problemJson = (res.headers.get('content-type') ?? '').startsWith('application/problem+json');
    const eventIds = res.status === 201 ? ((body as { events?: { id: string }[] }).events ?? []).map((e) => e.id) : [];
    return {
      kind,
      status: res.status,
      problemJson,
      code: problemJson ? (body as { code?: string }).code : undefined,
      retryAfter: res.headers.get('retry-after'),
      eventIds,
      startedAt,
      endedAt: Date.now(),
      body,
    };
  } catch (error) {
    const cause = (error as { cause?: { code?: string; message?: string } }).cause;
    return {
      kind,
      status: 0,
      problemJson: false,
      eventIds: [],
      error: cause?.code ?? cause?.message ?? String(error),
      startedAt,
      endedAt: Date.now(),
      body: undefined,
    };
  }
}

/**
 * A steady load until `stop()`: each client sends LogSymptom for its own patient, or registers
 * a new doctor, then reads its patient, and again. Every outcome is kept.
 */
export function startLoad(options: LoadOptions): { outcomes: Outcome[]; stop(): Promise<Outcome[]> } {
  const outcomes: Outcome[] = [];
  let stopping = false;
  const client = async (n: number) => {
    const patientId = options.patients[n % options.patients.length]!;
    for (let i = 0; !stopping; i++) {
      const command =
        i % 3 === 2
          ? { name: 'RegisterDoctor', body: { doctorId: `d-${randomUUID().slice(0, 12)}`, name: 'Dr Load' } }
          : {
              name: 'LogSymptom',
              body: {
                patientId,
                symptomId: 'headache',
                severity: i % 7,
                loggedAt: new Date(Date.UTC(2026, 0, 1, 0, 0, i)).toISOString(),
              },
            };
      const sent = await request(
        `${options.url}/commands/${command.name}`,
        {
          method: 'POST',
          headers: { authorization: `Bearer ${options.serviceKey}`, 'content-type': 'application/json' },
          body: JSON.stringify(command.body),
        },
        'command',
      );
      outcomes.push(withoutBody(sent));
      if (stopping) break;
      outcomes.push(
        withoutBody(
          await request(
            `${options.url}/patients/${patientId}/timeline?limit=5`,
            { headers: { authorization: `Bearer ${options.readerKey}` } },
            'query',
          ),
        ),
      );
      // A client that gets no answer at all waits a little before trying again.
      if (sent.status === 0 || sent.status === 503) await new Promise((resolve) => setTimeout(resolve, 50));
    }
  };
  const running = Promise.all(Array.from({ length: options.clients }, (_, n) => client(n)));
  return {
    outcomes,
    stop: async () => {
      stopping = true;
      await running;
      return outcomes;
    },
  };
}

function withoutBody(outcome: Outcome & { body: unknown }): Outcome {
  const { body: _body, ...rest } = outcome;
  return rest;
}
