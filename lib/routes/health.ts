import { getChatStore } from "@/lib/db";
import { checkHealth } from "@/lib/health";
import { route } from "@/lib/http/route";
import { loadSupervisorConfig } from "@/lib/supervisor";

/** `GET /api/health`, for platform probes and people: provider, auth mode, database and emulator state; never a secret. */
export const GET = route(async () => {
  const health = await checkHealth({ loadConfig: () => loadSupervisorConfig(), store: getChatStore });
  return Response.json(health, {
    status: health.status === "ok" ? 200 : 503,
    headers: { "Cache-Control": "no-store" },
  });
});
