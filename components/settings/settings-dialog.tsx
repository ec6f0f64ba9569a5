"use client";

import { lazy, Suspense, useEffect, useRef, useState } from "react";

const FOCUS = "focus-visible:outline-2 focus-visible:outline-offset-2 focus-visible:outline-blue-600";

/** The form loads when Settings is first pointed at, focused or opened (`preloadForm`), not with the page. */
const loadForm = () => import("./settings-form");
const SettingsForm = lazy(() => loadForm().then((module) => ({ default: module.SettingsForm })));
const preloadForm = () => void loadForm();

/**
 * The header's "Settings" button and the dialog it opens: theme, how often a run is checked, how fast a
 * finished answer is revealed, and two opt-in notifications (this tab in the background; no tab open at all). A native modal <dialog>: Esc closes it, the page
 * behind is inert and focus returns to the button.
 */
export function SettingsButton() {
  const dialogRef = useRef<HTMLDialogElement>(null);
  const [open, setOpen] = useState(false);
  useEffect(() => {
    const dialog = dialogRef.current;
    if (open && dialog && !dialog.open) dialog.showModal();
  }, [open]);

  return (
    <>
      <button
        type="button"
        aria-haspopup="dialog"
        onClick={() => setOpen(true)}
        onPointerEnter={preloadForm}
        onFocus={preloadForm}
        className={`ml-auto shrink-0 rounded-md px-3 py-1.5 text-sm text-zinc-700 hover:bg-zinc-100 dark:text-zinc-300 dark:hover:bg-zinc-800 ${FOCUS}`}
      >
        Settings
      </button>
      <dialog
        ref={dialogRef}
        aria-labelledby="settings-title"
        onClose={() => setOpen(false)}
        className="m-auto w-[min(28rem,92vw)] rounded-lg border border-zinc-200 bg-white p-0 text-zinc-900 shadow-xl backdrop:bg-black/40 dark:border-zinc-700 dark:bg-zinc-900 dark:text-zinc-100"
      >
        {open && (
          <Suspense fallback={<p className="p-5 text-sm">Loading settings…</p>}>
            <SettingsForm onDone={() => dialogRef.current?.close()} />
          </Suspense>
        )}
      </dialog>
    </>
  );
}
