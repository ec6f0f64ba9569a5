import { otherMethods } from "@/lib/http/methods";

export const dynamic = "force-dynamic";
/** Next reads this as a literal: it must stay CRON_ROUTE_MAX_DURATION_S (a unit test checks). */
export const maxDuration = 60;

export { GET } from "@/lib/routes/cron-follow-runs";

export const { POST, PUT, PATCH, DELETE } = otherMethods("GET");
