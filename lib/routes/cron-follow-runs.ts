import { createHash, timingSafeEqual } from "node:crypto";
import { z } from "zod";
import { getTurnDeps } from "@/lib/chat/deps";
import { RunFollowers } from "@/lib/chat/followers";
import { ApiError, validationError } from "@/lib/http/errors";
import { route } from "@/lib/http/route";
import { getSupervisor, mayRunOnBehalfOfUsers } from "@/lib/supervisor";

/** The route's time limit (Vercel's maxDuration, seconds); the app route file exports the same literal. */
export const CRON_ROUTE_MAX_DURATION_S = 60;

/** Runs are followed this long per call at most: done before the platform's limit, and before the next minute. */
export const CRON_BUDGET_MS = 50_000;

const Query = z.object({
  budgetMs: z.coerce
    .number()
    .int("budgetMs must be a whole number of milliseconds.")
    .min(0)
    .max(CRON_BUDGET_MS, `budgetMs must be at most ${CRON_BUDGET_MS}.`)
    .default(CRON_BUDGET_MS),
});

/**
 * `GET /api/cron/follow-runs`: Vercel Cron calls it every minute (vercel.json), with `Authorization: Bearer
 * $CRON_SECRET`. Where no process lives between requests, this is what moves the runs nobody watches on: every
 * open run nobody follows is followed for up to `budgetMs` (default and most CRON_BUDGET_MS), the rest is left
 * at its stored cursor for the next call. Answers what it did: `{ followed, left }`.
 */
export const GET = route(async (request) => {
  authorizeCron(request);
  const query = Query.safeParse(Object.fromEntries(new URL(request.url).searchParams));
  if (!query.success) throw validationError(query.error);
  const { config } = getSupervisor();
  // Runs made with their people's forwarded tokens cannot be followed by the app's own credentials.
  if (mayRunOnBehalfOfUsers(config))
    return Response.json({ followed: 0, left: 0, skipped: "runs use their people's own tokens" }, NO_STORE);
  // OpenAI's webhooks say when each response ends: nothing polls a run nobody watches meanwhile.
  if (config.webhookSecret)
    return Response.json({ followed: 0, left: 0, skipped: "runs end by OpenAI's webhooks" }, NO_STORE);
  const report = await new RunFollowers().advance(getTurnDeps(), query.data.budgetMs);
  return Response.json(report, NO_STORE);
});

const NO_STORE = { headers: { "Cache-Control": "no-store" } };

/** The caller knows CRON_SECRET (compared in constant time); with none set, the route is off. */
function authorizeCron(request: Request): void {
  const secret = process.env.CRON_SECRET;
  if (!secret)
    throw new ApiError("forbidden", "This server has no CRON_SECRET set, so its cron route is off.");
  const given = request.headers.get("authorization") ?? "";
  if (!timingSafeEqual(digest(given), digest(`Bearer ${secret}`)))
    throw new ApiError("unauthorized", "The cron route needs `Authorization: Bearer <CRON_SECRET>`.");
}

const digest = (text: string) => createHash("sha256").update(text).digest();
