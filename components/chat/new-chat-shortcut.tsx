"use client";

import { useEffect } from "react";

/** Ctrl+Shift+O (Cmd+Shift+O on a Mac) starts a new chat, as in ChatGPT. */
export const NEW_CHAT_SHORTCUT_LABEL = "Ctrl+Shift+O";
export const NEW_CHAT_ARIA_SHORTCUTS = "Control+Shift+O Meta+Shift+O";

/** Listens for the New chat shortcut anywhere on the page (not while a dialog is open: it has the keyboard). */
export function NewChatShortcut() {
  useEffect(() => {
    const onKeyDown = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey) || !event.shiftKey || event.altKey) return;
      if (event.key.toLowerCase() !== "o" || event.isComposing) return;
      if (document.querySelector("dialog[open]")) return;
      event.preventDefault();
      // A full navigation, like the New chat link: a new chat starts from a clean page.
      window.location.assign("/");
    };
    document.addEventListener("keydown", onKeyDown);
    return () => document.removeEventListener("keydown", onKeyDown);
  }, []);
  return null;
}
