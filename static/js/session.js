// Idle sign-out warning: two minutes before the session would end, offer one click to stay
// signed in. The warning is a polite status message that never takes focus, and extending
// does not reload the page, so a half-written comment stays where it is.
const WARN_BEFORE = 120; // seconds

export function watchSession(csrfToken) {
  const meta = document.querySelector('meta[name="session-timeout"]');
  if (!meta) return;
  const strings = document.querySelector('meta[name="session-strings"]')?.dataset ?? {};
  let timer = 0;
  let box = null;

  function schedule(seconds) {
    clearTimeout(timer);
    timer = setTimeout(warn, Math.max(0, seconds - WARN_BEFORE) * 1000);
  }

  function warn() {
    if (!box) {
      box = document.createElement("div");
      box.className = "session-warning";
      box.setAttribute("role", "status");
      box.setAttribute("aria-live", "polite");
      const text = document.createElement("p");
      const button = document.createElement("button");
      button.type = "button";
      button.textContent = strings.extend ?? "Stay signed in";
      button.addEventListener("click", extend);
      box.append(text, button);
      document.body.append(box);
    }
    box.querySelector("p").textContent =
      strings.warning ?? "You will be signed out in two minutes because of inactivity.";
    box.hidden = false;
  }

  async function extend() {
    const hadFocus = box && box.contains(document.activeElement);
    try {
      const response = await fetch("/api/v1/session/extend", {
        method: "POST",
        credentials: "same-origin",
        headers: { "X-CSRF-Token": csrfToken, Accept: "application/json" },
      });
      if (!response.ok) throw new Error(String(response.status));
      const data = await response.json();
      box.querySelector("p").textContent = strings.extended ?? "You stay signed in.";
      setTimeout(() => { if (box) box.hidden = true; }, 4000);
      schedule(data.expires_in);
    } catch {
      box.querySelector("p").textContent =
        strings.failed ?? "Your session has ended. Copy your text, then sign in again.";
    }
    // Focus goes back to the main content, never lost on a hidden element.
    if (hadFocus) document.getElementById("main")?.focus();
  }

  schedule(Number(meta.content) || 1800);
}
