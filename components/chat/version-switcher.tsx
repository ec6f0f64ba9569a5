"use client";

/** Which version of a message is shown, and how many there are (1-based, as people count). */
export interface VersionPosition {
  current: number;
  count: number;
}

/** Show another version of a message: `version` is 1-based. */
export type SwitchVersionFn = (messageId: string, version: number) => void;

const BUTTON =
  "inline-flex h-8 w-8 items-center justify-center rounded-md text-base font-medium text-zinc-700 hover:bg-zinc-200 focus-visible:outline-2 focus-visible:outline-offset-1 focus-visible:outline-blue-600 disabled:opacity-40 disabled:hover:bg-transparent dark:text-zinc-300 dark:hover:bg-zinc-700";

/**
 * "‹ 2 / 3 ›" on a message that has versions (an edited question, a regenerated answer). Without `onSwitch`
 * (a run is in progress) it only says where it is.
 */
export function VersionSwitcher({
  messageId,
  position,
  onSwitch,
}: {
  messageId: string;
  position: VersionPosition;
  onSwitch?: SwitchVersionFn;
}) {
  const { current, count } = position;
  return (
    <fieldset
      className="flex items-center gap-0.5 text-sm text-zinc-600 dark:text-zinc-400"
      data-version-switcher={messageId}
    >
      <legend className="sr-only">Versions</legend>
      <button
        type="button"
        aria-label="Previous version"
        disabled={!onSwitch || current <= 1}
        onClick={() => onSwitch?.(messageId, current - 1)}
        className={BUTTON}
      >
        <span aria-hidden>‹</span>
      </button>
      <span data-version-position>
        <span aria-hidden>
          {current} / {count}
        </span>
        <span className="sr-only">
          Version {current} of {count}
        </span>
      </span>
      <button
        type="button"
        aria-label="Next version"
        disabled={!onSwitch || current >= count}
        onClick={() => onSwitch?.(messageId, current + 1)}
        className={BUTTON}
      >
        <span aria-hidden>›</span>
      </button>
    </fieldset>
  );
}
