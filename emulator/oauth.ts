// The workspace's OAuth token endpoint (`POST {host}/oidc/v1/token`, client credentials), so the app's M2M auth
// for a Databricks service principal can be tested offline: tokens expire, and only issued, unexpired tokens
// open the Responses API.

export interface ServicePrincipal {
  clientId: string;
  clientSecret: string;
  /** How long an issued token is accepted, seconds; default 3600 (Databricks' lifetime). */
  tokenLifetimeS?: number;
}

export const TOKEN_PATH = /\/oidc\/v1\/token$/;
/** Every token the endpoint issues starts so (tests tell the service principal's calls from a user's). */
export const ISSUED_TOKEN_PREFIX = "emulated-m2m-";

export class TokenIssuer {
  private readonly expiries = new Map<string, number>();
  private count = 0;

  constructor(
    private readonly principal: ServicePrincipal,
    private readonly now: () => number,
  ) {}

  /** Tokens issued so far. */
  issued(): number {
    return this.count;
  }

  /** Whether `token` was issued here and has not expired. */
  accepts(token: string): boolean {
    const expiry = this.expiries.get(token);
    return expiry !== undefined && this.now() < expiry;
  }

  async handle(request: Request): Promise<Response> {
    if (request.method.toUpperCase() !== "POST")
      return oauthError(405, "invalid_request", "POST the client credentials to the token endpoint.");
    const form = new URLSearchParams(await request.text());
    const [id, secret] = basicCredentials(request.headers.get("authorization")) ?? [
      form.get("client_id"),
      form.get("client_secret"),
    ];
    if (form.get("grant_type") !== "client_credentials")
      return oauthError(400, "unsupported_grant_type", "Only grant_type=client_credentials is supported.");
    if (id !== this.principal.clientId || secret !== this.principal.clientSecret)
      return oauthError(401, "invalid_client", "Client authentication failed");
    const lifetimeS = this.principal.tokenLifetimeS ?? 3600;
    this.count += 1;
    const token = `${ISSUED_TOKEN_PREFIX}${this.count}-${Math.random().toString(36).slice(2, 10)}`;
    this.expiries.set(token, this.now() + lifetimeS * 1000);
    for (const [old, expiry] of this.expiries) if (expiry <= this.now()) this.expiries.delete(old);
    return Response.json({
      access_token: token,
      token_type: "Bearer",
      expires_in: lifetimeS,
      scope: form.get("scope") ?? "all-apis",
    });
  }
}

function basicCredentials(header: string | null): [string, string] | undefined {
  const match = /^Basic\s+(.+)$/i.exec(header?.trim() ?? "");
  if (!match?.[1]) return undefined;
  const decoded = Buffer.from(match[1], "base64").toString("utf8");
  const colon = decoded.indexOf(":");
  return colon < 0 ? undefined : [decoded.slice(0, colon), decoded.slice(colon + 1)];
}

function oauthError(status: number, error: string, description: string): Response {
  return Response.json({ error, error_description: description }, { status });
}
