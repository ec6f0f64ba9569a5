import type { ComponentType } from "react";

/** In the browser there is no server render: see markdown-on-the-server.ts. */
export const SERVER_MARKDOWN: ComponentType<{ text: string; writing?: boolean }> | null = null;
