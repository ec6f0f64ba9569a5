/**
 * Runs in <head>, before the page's scripts arrive: a question typed and sent (Enter, or the form submitted)
 * while React has not yet taken over the composer is kept, the box says it will go as soon as the page is
 * ready (the `composer-early` class on <html>, which React leaves alone), and the Composer sends it then. Without this, Enter on a slow connection only added a newline and the
 * typed text was reset by hydration. The Composer marks itself ready (`window.__composerReady`) and takes the
 * kept text (`window.__composerEarly`).
 */
export const EARLY_INPUT_SCRIPT = `(function(){
var w=window;
function box(t){return t&&t.matches&&t.matches("textarea[data-composer-input]")?t:null}
function keep(t,send){w.__composerEarly={text:t.value,send:send};
if(send)document.documentElement.classList.add("composer-early")}
document.addEventListener("input",function(e){var t=box(e.target);if(t&&!w.__composerReady)keep(t,false)},true);
document.addEventListener("keydown",function(e){var t=box(e.target);
if(!t||w.__composerReady||e.key!=="Enter"||e.shiftKey||e.isComposing)return;
e.preventDefault();if(t.value.trim())keep(t,true)},true);
document.addEventListener("submit",function(e){if(w.__composerReady||!e.target.matches("form[data-composer]"))return;
e.preventDefault();var t=e.target.querySelector("textarea[data-composer-input]");if(t&&t.value.trim())keep(t,true)},true);
})()`;

/** What was typed (and perhaps sent) before the composer was ready; taken once. */
export function takeEarlyInput(): { text: string; send: boolean } | undefined {
  const w = window as { __composerEarly?: { text: string; send: boolean }; __composerReady?: boolean };
  w.__composerReady = true;
  document.documentElement.classList.remove("composer-early");
  const early = w.__composerEarly;
  w.__composerEarly = undefined;
  return early && typeof early.text === "string" ? early : undefined;
}
