// The moderation queue: keyboard shortcuts inside the list, and a polite note when the queue
// changes (topic "moderation"). Nothing here moves focus on its own or reorders the page.

import { connect } from "/static/js/live.js";

const list = document.getElementById("queue");
const live = document.getElementById("queue-live");

// -- keyboard shortcuts, only while focus is inside the queue list ---------------------------
const KEYS = { a: ".decide-approve", r: ".decide-reject", c: ".claim-button" };

function typing(target) {
  return target.closest("input[type=text], textarea, select, [contenteditable]") !== null;
}

function items() {
  return Array.from(document.querySelectorAll("#queue > .queue-item"));
}

function move(current, step) {
  const all = items();
  const index = current ? all.indexOf(current) : -1;
  const next = all[Math.min(all.length - 1, Math.max(0, index + step))];
  if (next) next.focus();
}

if (list) {
  list.addEventListener("keydown", (event) => {
    if (event.altKey || event.ctrlKey || event.metaKey || typing(event.target)) return;
    const item = event.target.closest(".queue-item");
    const key = event.key.toLowerCase();
    if (key === "j" || key === "k") {
      move(item, key === "j" ? 1 : -1);
    } else if (item && KEYS[key]) {
      const button = item.querySelector(KEYS[key]);
      if (!button) return;
      button.click();
    } else if (item && key === "x") {
      const box = item.querySelector(".select-item");
      if (box) box.checked = !box.checked;
    } else {
      return;
    }
    event.preventDefault();
  });
}

// -- live: count changes, offer to show them; never move focus ------------------------------
let changes = 0;

const show = document.getElementById("queue-show");
if (show) show.addEventListener("click", () => window.location.reload());

function announce() {
  // Only the text changes; the button stays where it is, so focus on it is never lost.
  if (!live) return;
  changes += 1;
  live.textContent = live.dataset.liveText.replace("{n}", String(changes));
  if (show) show.hidden = false;
}

if (live) {
  // Any change in the queue (queued, flagged, claimed, decided) is worth a polite note; the
  // moderator decides when to reload. On a reset the same note offers the fresh page.
  connect({
    topics: ["moderation"],
    since: Number(live.dataset.since || "0"),
    onEvent: announce,
    onReset: announce,
  });
}
