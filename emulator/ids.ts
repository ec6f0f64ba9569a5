// Ids stay well under the 64-character limit Databricks enforces on ids sent back as input.

/** 24 random hex characters; Web Crypto so the emulator runs wherever `Request` does. */
export function newResponseHex(): string {
  const bytes = new Uint8Array(12);
  globalThis.crypto.getRandomValues(bytes);
  return Array.from(bytes, (byte) => byte.toString(16).padStart(2, "0")).join("");
}

export function responseId(hex: string): string {
  return `resp_${hex}`;
}

/** mcpl: mcp_list_tools, mcpr: mcp_approval_request, mcp: mcp_call, holo: the unknown item type. */
export type ItemPrefix = "msg" | "fc" | "fco" | "rs" | "call" | "mcpl" | "mcpr" | "mcp" | "holo";

/**
 * Item ids are derived from the response and the item's position in the output, so every GET of a response
 * names the same item the same way, and two responses never share an item id.
 */
export function itemId(prefix: ItemPrefix, hex: string, position: number): string {
  return `${prefix}_${hex}${position.toString(16).padStart(4, "0")}`;
}

export function requestId(): string {
  return `req_${newResponseHex()}`;
}
