/**
 * Bearer tokens for the upstream. A personal access token (or an API key) is fixed; a Databricks service principal
 * gets short-lived tokens by OAuth M2M (client credentials), cached until shortly before they expire and fetched
 * again after a 401. About sixty lines, so no SDK: the Databricks JS SDK is still published as experimental.
 */

export interface BearerSource {
  token(): Promise<string>;
  /** After a 401: drop the cached token. Returns false when a new one cannot differ (a fixed token). */
  invalidate(): boolean;
}

export function fixedBearer(token: string): BearerSource {
  return { token: async () => token, invalidate: () => false };
}

export interface M2MOptions {
  /** Workspace URL; the token endpoint is `${host}/oidc/v1/token`. */
  host: string;
  clientId: string;
  clientSecret: string;
  scope?: string;
  fetch?: typeof fetch;
  now?: () => number;
}

/** A token is used until this long before it expires (requests in flight must not carry an expired one). */
const EXPIRY_MARGIN_MS = 60_000;

export class TokenRequestError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "TokenRequestError";
  }
}

/** OAuth M2M for a Databricks service principal: `grant_type=client_credentials`, `scope=all-apis`. */
export function m2mBearer(options: M2MOptions): BearerSource {
  const { host, clientId, clientSecret, scope = "all-apis" } = options;
  const fetchToken = options.fetch ?? fetch;
  const now = options.now ?? Date.now;
  let cached: { token: string; usableUntil: number } | undefined;
  let inFlight: Promise<string> | undefined;

  async function request(): Promise<string> {
    const url = `${host}/oidc/v1/token`;
    let response: Response;
    try {
      response = await fetchToken(url, {
        method: "POST",
        headers: {
          authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString("base64")}`,
          "content-type": "application/x-www-form-urlencoded",
          accept: "application/json",
        },
        body: new URLSearchParams({ grant_type: "client_credentials", scope }).toString(),
      });
    } catch (err) {
      throw new TokenRequestError(
        `Could not reach the Databricks token endpoint ${url}: ${(err as Error).message}`,
      );
    }
    const body = (await response.json().catch(() => ({}))) as {
      access_token?: unknown;
      expires_in?: unknown;
      error?: unknown;
      error_description?: unknown;
    };
    if (!response.ok || typeof body.access_token !== "string" || !body.access_token) {
      const why = [body.error, body.error_description].filter((v) => typeof v === "string" && v).join(": ");
      throw new TokenRequestError(
        `The Databricks token endpoint refused the service principal's credentials (${response.status}${why ? `: ${why}` : ""}). Check DATABRICKS_CLIENT_ID and DATABRICKS_CLIENT_SECRET.`,
      );
    }
    const lifetimeMs = (typeof body.expires_in === "number" ? body.expires_in : 3600) * 1000;
    // A short-lived token is used for at least half its life, whatever the margin.
    cached = {
      token: body.access_token,
      usableUntil: now() + Math.max(lifetimeMs - EXPIRY_MARGIN_MS, lifetimeMs / 2),
    };
    return body.access_token;
  }

  return {
    async token() {
      if (cached && now() < cached.usableUntil) return cached.token;
      // Many runs asking at once share one token request.
      inFlight ??= request().finally(() => {
        inFlight = undefined;
      });
      return inFlight;
    },
    invalidate() {
      cached = undefined;
      return true;
    },
  };
}

/**
 * A fetch that sends the source's bearer token and, after a 401, fetches a new token once and repeats the request.
 * A 401 means the upstream refused the request before doing anything, so even a create may be repeated.
 */
export function withBearer(source: BearerSource, base: typeof fetch = fetch): typeof fetch {
  return async (input, init) => {
    const send = async () => {
      const headers = new Headers(init?.headers);
      headers.set("authorization", `Bearer ${await source.token()}`);
      return base(input, { ...init, headers });
    };
    const response = await send();
    if (response.status !== 401 || !source.invalidate()) return response;
    await response.body?.cancel().catch(() => undefined);
    return send();
  };
}

/** Azure OpenAI's key header: the key goes in `api-key`, and no bearer is sent. */
export function withApiKeyHeader(key: string, base: typeof fetch = fetch): typeof fetch {
  return (input, init) => {
    const headers = new Headers(init?.headers);
    headers.delete("authorization");
    headers.set("api-key", key);
    return base(input, { ...init, headers });
  };
}
