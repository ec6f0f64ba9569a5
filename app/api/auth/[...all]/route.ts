import { otherMethods } from "@/lib/http/methods";
import { authEndpoint } from "@/lib/routes/sign-in";

export const dynamic = "force-dynamic";

export const GET = authEndpoint;
export const POST = authEndpoint;

export const { PUT, PATCH, DELETE } = otherMethods("GET", "POST");
