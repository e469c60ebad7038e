/** A failed call to the caretrack API: its HTTP status and problem detail. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

/** A small JSON client for the admin and audit endpoints. */
export class ApiClient {
  constructor(
    private readonly baseUrl: string,
    private readonly key: string,
    private readonly fetchImpl: typeof fetch = fetch,
  ) {}

  get<T>(path: string): Promise<T> {
    return this.call<T>('GET', path);
  }

  post<T>(path: string): Promise<T> {
    return this.call<T>('POST', path);
  }

  private async call<T>(method: string, path: string): Promise<T> {
    let res: Response;
    try {
      res = await this.fetchImpl(new URL(path, this.baseUrl), {
        method,
        headers: { authorization: `Bearer ${this.key}` },
      });
    } catch (error) {
      throw new ApiError(0, 'unreachable', `cannot reach ${this.baseUrl}: ${(error as Error).message}`);
    }
    const text = await res.text();
    const body = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (!res.ok)
      throw new ApiError(res.status, String(body['code'] ?? 'error'), String(body['detail'] ?? res.statusText));
    return body as T;
  }
}
