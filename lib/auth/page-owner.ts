import { headers } from "next/headers";
import { cache } from "react";
import type { ChatOwner } from "@/lib/db/chat-store";
import { ownerOf } from "./request";

/**
 * The person a page renders for, or null: looked up once per request, however many of the page's server
 * components ask (the layout and the page both do, and with sign-in on each look-up reads the session's row).
 */
export const pageOwner = cache(async (): Promise<ChatOwner | null> => ownerOf(new Headers(await headers())));
