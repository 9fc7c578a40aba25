// A small client for the Prometheus HTTP API (instant queries, alerts,
// targets), enough for tests to watch what a real server scraped and fired.
export interface VectorSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing' | 'inactive';
  activeAt?: string;
  value: string;
}

export interface ScrapeTarget {
  labels: Record<string, string>;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

async function getData<T>(url: string): Promise<T> {
  const response = await fetch(url, { signal: AbortSignal.timeout(5_000) });
  const body = (await response.json()) as { status: string; data: T; error?: string };
  if (!response.ok || body.status !== 'success') {
    throw new Error(`${url} answered ${response.status}: ${body.error ?? JSON.stringify(body).slice(0, 300)}`);
  }
  return body.data;
}

export function createPrometheusApi(baseUrl: string) {
  const base = baseUrl.replace(/\/+$/, '');
  return {
    url: base,
    /** An instant query; the result must be a vector. */
    async query(expr: string): Promise<VectorSample[]> {
      const data = await getData<{ resultType: string; result: VectorSample[] }>(
        `${base}/api/v1/query?query=${encodeURIComponent(expr)}`,
      );
      if (data.resultType !== 'vector') throw new Error(`query ${expr} gave a ${data.resultType}, not a vector`);
      return data.result;
    },
    async alerts(): Promise<PrometheusAlert[]> {
      return (await getData<{ alerts: PrometheusAlert[] }>(`${base}/api/v1/alerts`)).alerts;
    },
    async targets(): Promise<ScrapeTarget[]> {
      return (await getData<{ activeTargets: ScrapeTarget[] }>(`${base}/api/v1/targets`)).activeTargets;
    },
    async flags(): Promise<Record<string, string>> {
      return getData<Record<string, string>>(`${base}/api/v1/status/flags`);
    },
    async ready(): Promise<boolean> {
      const response = await fetch(`${base}/-/ready`, { signal: AbortSignal.timeout(2_000) });
      await response.body?.cancel();
      return response.ok;
    },
  };
}

export type PrometheusApi = ReturnType<typeof createPrometheusApi>;
