/**
 * `n` in letters only (0 → "a", 26 → "ba"): tags that mark a run's question so its answer can be matched, and
 * that neither trigger an emulator scenario (`scenarios.ts`) nor look like arithmetic. Used by the bench and
 * the soak, which both drive the emulator.
 */
export function letters(n: number): string {
  let out = "";
  let rest = n;
  do {
    out = String.fromCharCode(97 + (rest % 26)) + out;
    rest = Math.floor(rest / 26);
  } while (rest > 0);
  return out;
}
