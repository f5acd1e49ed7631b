// dialog's one ES module. The site works without it; it adds live updates and conveniences.
import "./dialogs.js";
import { watchNotifications } from "./notifications.js";
import { watchSession } from "./session.js";
import { startThread } from "./thread.js";
import { startCoding } from "./coding.js";

const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";

export function csrfToken() {
  return csrf;
}

// Focus the error summary after a failed form submission, so screen readers announce it.
const summary = document.getElementById("error-summary");
if (summary) summary.focus();

watchSession(csrf);
startThread();
watchNotifications();
startCoding();
