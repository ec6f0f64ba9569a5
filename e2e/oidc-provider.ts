import type { Server } from "node:http";
import Provider, { type KoaContextWithOIDC } from "oidc-provider";

/**
 * A real OpenID Connect provider (the `oidc-provider` package) on loopback, for the sign-in tests: discovery,
 * authorization-code flow with PKCE, signed ID tokens, userinfo. Its own development login form takes any
 * address as the person (no password check), so a test signs in as whoever it needs: `…@example.com` people,
 * an outsider, or an address starting with `unverified` that the provider does not vouch for.
 */
export interface TestIdentityProvider {
  issuer: string;
  clientId: string;
  clientSecret: string;
  close(): Promise<void>;
}

export async function startIdentityProvider({
  port,
  redirectUri,
}: {
  port: number;
  redirectUri: string;
}): Promise<TestIdentityProvider> {
  const issuer = `http://127.0.0.1:${port}`;
  const clientId = "background-agent-chat";
  const clientSecret = "test-client-secret-that-is-long-enough";
  const provider = new Provider(issuer, {
    clients: [
      {
        client_id: clientId,
        client_secret: clientSecret,
        redirect_uris: [redirectUri],
        grant_types: ["authorization_code"],
        response_types: ["code"],
        token_endpoint_auth_method: "client_secret_post",
      },
    ],
    claims: { openid: ["sub"], email: ["email", "email_verified"], profile: ["name"] },
    findAccount: (_ctx: KoaContextWithOIDC, id: string) => ({
      accountId: id,
      claims: () => ({
        sub: `sub-${id}`,
        email: id,
        email_verified: !id.startsWith("unverified"),
        name: id.split("@")[0],
      }),
    }),
    cookies: { keys: ["test-cookie-key-for-the-provider"] },
    features: { devInteractions: { enabled: true } },
    // Consent is the provider's business, not the app's: granted as asked, so the test sees one login form.
    loadExistingGrant: async (ctx: KoaContextWithOIDC) => {
      const { client, session } = ctx.oidc;
      if (!client || !session?.accountId) return undefined;
      const existing = session.grantIdFor(client.clientId);
      if (existing) return ctx.oidc.provider.Grant.find(existing);
      const grant = new ctx.oidc.provider.Grant({ clientId: client.clientId, accountId: session.accountId });
      grant.addOIDCScope("openid email profile");
      await grant.save();
      return grant;
    },
  });
  const server: Server = await new Promise((resolve) => {
    const listening = provider.listen(port, "127.0.0.1", () => resolve(listening));
  });
  return {
    issuer,
    clientId,
    clientSecret,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
