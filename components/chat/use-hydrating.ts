"use client";

import { useSyncExternalStore } from "react";

const noSubscription = () => () => {};

/** True while rendering on the server and while hydrating that HTML; false for anything rendered in the page. */
export function useHydrating(): boolean {
  return useSyncExternalStore(
    noSubscription,
    () => false,
    () => true,
  );
}
