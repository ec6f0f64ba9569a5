/** The message box's element id: the skip link points at it, and focus returns to it. */
export const COMPOSER_INPUT_ID = "composer-input";

/** Focus the message box (without scrolling the conversation); false when the page has none. */
export function focusComposer(): boolean {
  const box = document.getElementById(COMPOSER_INPUT_ID);
  if (!(box instanceof HTMLTextAreaElement)) return false;
  box.focus({ preventScroll: true });
  return true;
}

/**
 * On a chat that has just opened, the message box takes the keyboard, so a person can type at once (a new chat,
 * Ctrl+Shift+O, a chat picked in the sidebar with the mouse). Not on touch screens, where focusing would pop the
 * on-screen keyboard over the chat, and not when the keyboard is already somewhere on purpose: a control reached
 * with the keyboard (the sidebar's rows, the skip link) keeps it, as does an open dialog.
 */
export function focusComposerOnOpen(): void {
  if (!window.matchMedia("(pointer: fine)").matches) return;
  if (document.querySelector("dialog[open]")) return;
  const active = document.activeElement;
  const placed =
    active instanceof HTMLElement &&
    active !== document.body &&
    (active.matches(":focus-visible") || active.matches("input, textarea, select, [contenteditable]"));
  if (!placed) focusComposer();
}
