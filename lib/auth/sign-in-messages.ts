/**
 * What the sign-in page says after a sign-in that did not complete, by the error code it came back with. Only
 * the code is read from the address, never a text: anyone can send someone a link to the sign-in page, and it
 * must not show their words on this app's page.
 */
export function signInProblem(code: string | undefined): string | null {
  if (!code) return null;
  switch (code.toLowerCase()) {
    case "email_not_allowed":
      return "That account is not allowed to use this app. Ask whoever runs it to add your address or your domain, or sign in with another account.";
    case "email_not_verified":
      return "Your identity provider did not confirm your e-mail address, so it cannot sign you in here.";
    case "provider_unavailable":
      return "The identity provider could not be reached. Try again in a moment; if it keeps failing, tell whoever runs this app.";
    case "access_denied":
      return "Sign-in was cancelled at the identity provider.";
    case "state_not_found":
    case "state_mismatch":
    case "please_restart_the_process":
      return "That sign-in took too long or was started in another tab. Start it again.";
    default: {
      const shown = /^[a-z0-9_]{1,64}$/i.test(code) ? ` (${code})` : "";
      return `Sign-in did not complete${shown}. Try again.`;
    }
  }
}
