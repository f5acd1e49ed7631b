// The thread page, live: new comments from others are announced politely as a button
// ("3 neue Beiträge anzeigen"); nothing moves focus or touches a half-written draft. Clicking
// the button fetches the page from the server and inserts the new comments rendered by the same
// template partial as the rest of the page. Vote counts update in place.
import { connect } from "./live.js";

const section = document.getElementById("comments");

function label(count) {
  if (count === 1) return document.getElementById("new-comment-label").content.textContent;
  return document.getElementById("new-comments-label").content.textContent.replace("{n}", String(count));
}

function setCount(id, up, down) {
  const item = document.getElementById(`comment-${id}`);
  if (!item) return;
  const article = item.querySelector(":scope > article");
  const upSlot = article?.querySelector('[data-slot="up"]');
  const downSlot = article?.querySelector('[data-slot="down"]');
  if (upSlot) upSlot.textContent = String(up);
  if (downSlot) downSlot.textContent = String(down);
}

async function insertNew(ids) {
  const response = await fetch(window.location.pathname + "?sort=new", {
    headers: { Accept: "text/html" },
    credentials: "same-origin",
  });
  if (!response.ok) return false;
  const page = new DOMParser().parseFromString(await response.text(), "text/html");
  const list = section.querySelector("[data-comment-list]");
  for (const id of ids) {
    if (document.getElementById(`comment-${id}`)) continue;
    const fresh = page.getElementById(`comment-${id}`);
    if (!fresh) continue;
    const nested = fresh.querySelector(":scope > ol.replies");
    if (nested) nested.remove();
    const parentList = fresh.parentElement?.closest("li.comment");
    if (parentList) {
      const parent = document.getElementById(parentList.id);
      if (!parent) continue;
      let replies = parent.querySelector(":scope > ol.replies");
      if (!replies) {
        replies = document.createElement("ol");
        replies.className = "replies";
        parent.append(replies);
      }
      replies.append(document.importNode(fresh, true));
    } else {
      list.prepend(document.importNode(fresh, true));
    }
  }
  section.querySelector("[data-empty]")?.remove();
  return true;
}

export function startThread() {
  if (!section) return;
  const threadId = section.dataset.threadId;
  const button = section.querySelector("[data-show-new]");
  const pending = new Set();
  button.addEventListener("click", async () => {
    const ids = [...pending].sort((a, b) => a - b);
    pending.clear();
    button.hidden = true;
    await insertNew(ids);
  });
  const draftId = document.querySelector("[data-client-id]");
  if (draftId && window.crypto?.randomUUID) draftId.value = window.crypto.randomUUID();
  connect({
    topics: [`thread:${threadId}`],
    since: Number(section.dataset.since || 0),
    onEvent(frame) {
      const data = frame.data || {};
      if (frame.type === "votes.changed") {
        setCount(data.id, data.up, data.down);
      } else if (frame.type === "comment.published" && !document.getElementById(`comment-${data.id}`)) {
        pending.add(data.id);
        button.textContent = label(pending.size);
        button.hidden = false;
      } else if (frame.type === "comment.hidden" || frame.type === "comment.withdrawn") {
        pending.delete(data.id);
        if (pending.size === 0) button.hidden = true;
        else button.textContent = label(pending.size);
      }
    },
    onReset() {
      pending.clear();
      button.hidden = true;
    },
  });
}
