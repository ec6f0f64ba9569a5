"use client";

import { COMPOSER_INPUT_ID, focusComposer } from "./composer-focus";

/**
 * The first stop of the page's Tab order, shown only when focused: straight to the message box instead of
 * through the header and every chat in the sidebar. Before the scripts load, the fragment link does the same.
 */
export function SkipToComposer() {
  return (
    <a
      href={`#${COMPOSER_INPUT_ID}`}
      onClick={(event) => {
        if (focusComposer()) event.preventDefault();
      }}
      className="sr-only rounded-md bg-white px-3 py-2 font-medium text-blue-800 shadow-md focus:not-sr-only focus:fixed focus:top-2 focus:left-2 focus:z-50 focus-visible:outline-2 focus-visible:outline-blue-600 dark:bg-zinc-900 dark:text-blue-300"
    >
      Skip to the message box
    </a>
  );
}
