// The thread page, live: new comments from others are announced politely as a button
// ("3 neue Beiträge anzeigen"); nothing moves focus or touches a half-written draft. Clicking
// the button fetches the page from the server and inserts the new comments rendered by the same
// template partial as the rest of the page. Vote counts update in place, and so do one's own
// votes: the vote forms are sent in the background, so a vote neither reloads the page nor
// loses a draft; the focus stays on the button, whose pressed state changes.
import { connect } from "./live.js";

const section = document.getElementById("comments");
const csrf = document.querySelector('meta[name="csrf-token"]')?.content ?? "";

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

function setMyVote(item, mine) {
  for (const form of item.querySelectorAll(":scope > article form.vote-form")) {
    const button = form.querySelector("button[data-vote]");
    const value = Number(button.dataset.vote);
    button.setAttribute("aria-pressed", String(mine === value));
    form.querySelector('input[name="value"]').value = mine === value ? "0" : String(value);
  }
}

// Without JavaScript a vote form posts and the page comes back; with it, the same vote goes to
// the JSON API. Anything but success (a limit, an expired session) falls back to the form, so
// the server's page tells what happened.
function sendVotesInPlace() {
  const sending = new Set();
  section.addEventListener("submit", async (event) => {
    const form = event.target;
    if (!(form instanceof HTMLFormElement) || !form.classList.contains("vote-form")) return;
    event.preventDefault();
    const item = form.closest("li.comment");
    const id = item?.dataset.commentId;
    if (!id || sending.has(id)) return;
    sending.add(id);
    const value = Number(new FormData(form).get("value"));
    try {
      const response = await fetch(`/api/v1/comments/${id}/vote`, {
        method: value === 0 ? "DELETE" : "PUT",
        headers: { "Content-Type": "application/json", Accept: "application/json", "X-CSRF-Token": csrf },
        credentials: "same-origin",
        body: value === 0 ? undefined : JSON.stringify({ value }),
      });
      if (!response.ok) throw new Error(String(response.status));
      const comment = await response.json();
      setCount(comment.id, comment.up, comment.down);
      setMyVote(item, comment.my_vote ?? null);
    } catch {
      form.submit();
    } finally {
      sending.delete(id);
    }
  });
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
  sendVotesInPlace();
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
