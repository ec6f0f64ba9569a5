import { describe, expect, it } from "vitest";
import { emulatorOptionsFromEnv } from "./options";
import { setup } from "./test-helpers";

const PRINCIPAL = { clientId: "sp-client", clientSecret: "sp-secret", tokenLifetimeS: 600 };
const HOST = "http://emulator.local";

function tokenRequest(credentials: string, body = "grant_type=client_credentials&scope=all-apis") {
  return new Request(`${HOST}/oidc/v1/token`, {
    method: "POST",
    headers: {
      authorization: `Basic ${Buffer.from(credentials).toString("base64")}`,
      "content-type": "application/x-www-form-urlencoded",
    },
    body,
  });
}

const retrieveWith = (token: string) =>
  new Request(`${HOST}/ai-gateway/mlflow/v1/responses/resp_unknown`, {
    headers: { authorization: `Bearer ${token}` },
  });

describe("the workspace's OAuth token endpoint (M2M)", () => {
  it("issues a token to the service principal that opens the API until it expires", async () => {
    const { emulator, advance } = setup({ servicePrincipal: PRINCIPAL });
    const answer = await emulator.handle(tokenRequest("sp-client:sp-secret"));
    expect(answer.status).toBe(200);
    const body = (await answer.json()) as { access_token: string; expires_in: number; token_type: string };
    expect(body).toMatchObject({ token_type: "Bearer", expires_in: 600 });
    // 404: past auth, the response id is just unknown.
    expect((await emulator.handle(retrieveWith(body.access_token))).status).toBe(404);
    advance(600_000);
    expect((await emulator.handle(retrieveWith(body.access_token))).status).toBe(401);
  });

  it("refuses wrong credentials and other grants with OAuth's error shape", async () => {
    const { emulator } = setup({ servicePrincipal: PRINCIPAL });
    const wrong = await emulator.handle(tokenRequest("sp-client:nope"));
    expect(wrong.status).toBe(401);
    expect(await wrong.json()).toEqual({
      error: "invalid_client",
      error_description: "Client authentication failed",
    });
    const grant = await emulator.handle(tokenRequest("sp-client:sp-secret", "grant_type=password"));
    expect(grant.status).toBe(400);
    expect((await emulator.handle(retrieveWith("made-up"))).status).toBe(401);
  });

  it("takes the credentials in the form body too", async () => {
    const { emulator } = setup({ servicePrincipal: PRINCIPAL });
    const answer = await emulator.handle(
      new Request(`${HOST}/oidc/v1/token`, {
        method: "POST",
        headers: { "content-type": "application/x-www-form-urlencoded" },
        body: "grant_type=client_credentials&client_id=sp-client&client_secret=sp-secret",
      }),
    );
    expect(answer.status).toBe(200);
  });

  it("is configured from EMULATOR_CLIENT_ID, EMULATOR_CLIENT_SECRET and EMULATOR_TOKEN_LIFETIME_S", () => {
    expect(
      emulatorOptionsFromEnv({
        EMULATOR_CLIENT_ID: "sp-client",
        EMULATOR_CLIENT_SECRET: "sp-secret",
        EMULATOR_TOKEN_LIFETIME_S: "5",
      }).servicePrincipal,
    ).toEqual({ clientId: "sp-client", clientSecret: "sp-secret", tokenLifetimeS: 5 });
    expect(() => emulatorOptionsFromEnv({ EMULATOR_CLIENT_ID: "sp-client" })).toThrow(/go together/);
  });
});
