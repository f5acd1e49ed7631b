// The moderation queue: keyboard shortcuts inside the list, posts that enter the queue added
// at its end, and a polite note when the queue changes (topic "moderation"). Nothing here moves
// focus on its own or reorders what is on the page.

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

// -- live: posts entering the queue appear at its end; other changes are counted -------------
// New items are added after the last one (the list is oldest first), so nothing the moderator
// is reading or has focused moves; the polite note says how many came, in plural forms.
let changes = 0;
let added = 0;
const waiting = new Set();

const show = document.getElementById("queue-show");
if (show) show.addEventListener("click", () => window.location.reload());

function say(one, many, count) {
  return count === 1 ? live.dataset[one] : live.dataset[many].replace("{n}", String(count));
}

function note() {
  const parts = [];
  if (added) parts.push(say("newOne", "newMany", added));
  if (changes) parts.push(say("liveOne", "liveMany", changes));
  live.textContent = parts.join(" · ");
  if (show) show.hidden = changes === 0;
}

function counted() {
  changes += 1;
  note();
}

async function addItems() {
  const ids = [...waiting];
  waiting.clear();
  if (!ids.length || !list) return;
  try {
    const response = await fetch(`${list.dataset.fragments}?ids=${ids.join(",")}`, {
      headers: { Accept: "text/html" },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(String(response.status));
    const page = new DOMParser().parseFromString(await response.text(), "text/html");
    for (const fresh of page.querySelectorAll("[data-fragments] > li.queue-item")) {
      if (document.getElementById(fresh.id)) continue;
      list.append(document.importNode(fresh, true));
      added += 1;
    }
    document.querySelector("[data-empty]")?.remove();
    note();
  } catch {
    counted(); // not shown: offered as a change, the reload shows it
  }
}

let pendingAdd = null;

function onEvent(frame) {
  const id = frame.data?.id;
  if (frame.type === "comment.queued" && id && !document.getElementById(`item-${id}`)) {
    waiting.add(id);
    // Several posts held in one moment come in one request.
    pendingAdd = pendingAdd || setTimeout(() => { pendingAdd = null; addItems(); }, 100);
  } else {
    counted();
  }
}

if (live) {
  connect({
    topics: ["moderation"],
    since: Number(live.dataset.since || "0"),
    onEvent,
    onReset: counted,
  });
}
