// The moderation queue: keyboard shortcuts inside the list, and a polite note when the queue
// changes (topic "moderation"). Nothing here moves focus on its own or reorders the page.

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

function announce() {
  if (!live) return;
  changes += 1;
  live.textContent = live.dataset.liveText.replace("{n}", String(changes)) + " ";
  const show = document.createElement("button");
  show.type = "button";
  show.textContent = live.dataset.showText;
  show.addEventListener("click", () => window.location.reload());
  live.append(show);
}

function ownSocket(since) {
  // A small client of the documented protocol, used until the shared live client is present.
  let last = since;
  let delay = 1000;
  const open = () => {
    const scheme = window.location.protocol === "https:" ? "wss" : "ws";
    const socket = new WebSocket(`${scheme}://${window.location.host}/api/v1/live`);
    socket.addEventListener("open", () => {
      delay = 1000;
      socket.send(JSON.stringify({ type: "subscribe", topics: ["moderation"], since: last }));
    });
    socket.addEventListener("message", (message) => {
      const frame = JSON.parse(message.data);
      if (frame.type === "ping") {
        socket.send(JSON.stringify({ type: "pong" }));
        return;
      }
      if (typeof frame.id === "number" && frame.topic === "moderation") {
        last = Math.max(last, frame.id);
        announce();
      }
    });
    socket.addEventListener("close", () => {
      window.setTimeout(open, delay);
      delay = Math.min(delay * 2, 30000);
    });
  };
  open();
}

if (live && "WebSocket" in window) {
  const since = Number(live.dataset.since || "0");
  let shared = null;
  try {
    shared = await import("/static/js/live.js");
  } catch {
    shared = null;
  }
  if (shared && typeof shared.connect === "function") {
    shared.connect({ topics: ["moderation"], since, onEvent: announce, onReset: announce });
  } else {
    ownSocket(since);
  }
}
