/** The app under test (it builds first) and a second server on the same build with a 2 s stream budget. */
export const PORT = Number(process.env.E2E_PORT ?? 3100);
export const BUDGET_PORT = PORT + 1;
/** The same build again, started, killed and restarted by e2e/restart.spec.ts itself. */
export const RESTART_PORT = PORT + 2;
/** The same build again, on the OpenAI provider against a streaming emulator: e2e/streaming.spec.ts. */
export const STREAMING_PORT = PORT + 3;
/** A production server run as an unprivileged user, for whom the checkout is read-only: e2e/read-only.spec.ts. */
export const READ_ONLY_PORT = PORT + 4;
/** The production build as a Databricks App against a standalone emulator workspace: e2e/databricks-app.spec.ts. */
export const DATABRICKS_APP_PORT = PORT + 5;
/** The production build on a Databricks agent app (LongRunningAgentServer) found by name: e2e/databricks-agent.spec.ts. */
export const DATABRICKS_AGENT_PORT = PORT + 6;
/** The production build on an Agent Bricks agent (DurableAgentServer): e2e/agent-bricks.spec.ts. */
export const AGENT_BRICKS_PORT = PORT + 7;
/** Three servers of the same build sharing one PostgreSQL, one of them killed mid-run: e2e/instances.spec.ts. */
export const INSTANCE_PORTS = [PORT + 8, PORT + 9, PORT + 10] as const;
/** The production build on the OpenAI provider with webhooks, against an emulator that sends them: e2e/webhooks.spec.ts. */
export const WEBHOOK_PORT = PORT + 11;
/** A stand-in for a browser push service (FCM and the like are out of reach): e2e/push.spec.ts. */
export const PUSH_SERVICE_PORT = PORT + 12;
/** The production build with per-person run limits (1 at once, 2 a day): e2e/limits.spec.ts. */
export const LIMITS_PORT = PORT + 13;
/** A real OpenID Connect provider on loopback (oidc-provider), for e2e/sign-in.spec.ts. */
export const OIDC_PROVIDER_PORT = PORT + 14;
/** The production build with sign-in through that provider: e2e/sign-in.spec.ts. */
export const SIGN_IN_PORT = PORT + 15;
/** A production server that must refuse to start open to anyone: e2e/sign-in.spec.ts. */
export const REFUSING_PORT = PORT + 16;
