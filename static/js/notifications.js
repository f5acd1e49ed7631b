// The header's unread count: read once, then kept current over /api/v1/live (topic user:N,
// which only that person may hear). Changes are announced politely; focus never moves.
import { connect } from "./live.js";

export function watchNotifications() {
  const status = document.getElementById("unread-status");
  const badge = document.getElementById("unread-count");
  if (!status || !badge || !status.dataset.user) return;
  const text = status.dataset.text || "{n}";
  let shown = null;

  function show(count, announce) {
    if (count === shown) return;
    shown = count;
    badge.textContent = String(count);
    badge.hidden = count === 0;
    badge.parentElement.setAttribute("aria-label", `${badge.parentElement.firstChild.textContent.trim()} (${text.replace("{n}", count)})`);
    if (announce) status.textContent = text.replace("{n}", count);
  }

  fetch("/api/v1/me/notifications/unread", { credentials: "same-origin" })
    .then((response) => (response.ok ? response.json() : null))
    .then((body) => {
      if (!body) return;
      show(body.unread, false);
      connect({
        topics: [`user:${status.dataset.user}`],
        since: body.since,
        onEvent(frame) {
          if (frame.type === "notifications.changed") show(frame.data.unread, true);
        },
      });
    })
    .catch(() => {});
}
