// The thread page, live: new comments from others are announced politely as a button
// ("3 neue Beiträge anzeigen"); nothing moves focus or touches a half-written draft. Clicking
// the button fetches exactly the announced comments from the server, rendered for this reader by
// the same template partial as the rest of the page, and places each one: a reply under its
// parent, a top-level comment where the page's sort puts it. Vote counts update in place, and so do one's own
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

// The server renders exactly the announced comments for this reader, with the page's own partial
// (GET /threads/{id}/fragments?ids=...), in batches of at most this many.
const FRAGMENT_BATCH = 50;

async function fetchFragments(threadId, ids) {
  const items = [];
  for (let start = 0; start < ids.length; start += FRAGMENT_BATCH) {
    const batch = ids.slice(start, start + FRAGMENT_BATCH);
    const response = await fetch(`/threads/${threadId}/fragments?ids=${batch.join(",")}`, {
      headers: { Accept: "text/html" },
      credentials: "same-origin",
    });
    if (!response.ok) throw new Error(String(response.status));
    const fragment = new DOMParser().parseFromString(await response.text(), "text/html");
    items.push(...fragment.querySelectorAll("[data-fragments] > li.comment"));
  }
  return items;
}

function count(item, slot) {
  return Number(item.querySelector(`:scope > article [data-slot="${slot}"]`)?.textContent || 0);
}

// The page's order of top-level items as a key, compared from the first element on; larger
// keys come first, as the server sorts (newest first; most supported; most controversial).
function sortKey(item, sort) {
  const up = count(item, "up");
  const down = count(item, "down");
  const id = Number(item.dataset.commentId);
  if (sort === "top") return [up - down, id];
  if (sort === "controversial") return [Math.min(up, down), up - down, id];
  return [id];
}

function before(a, b) {
  for (let i = 0; i < a.length; i += 1) {
    if (a[i] !== b[i]) return a[i] > b[i];
  }
  return false;
}

function placeTopLevel(list, item, sort) {
  const key = sortKey(item, sort);
  const next = [...list.querySelectorAll(":scope > li.comment")].find((other) =>
    before(key, sortKey(other, sort)),
  );
  list.insertBefore(item, next ?? null);
}

// A reply goes under its parent when the parent is on the page. Otherwise it is shown where a
// new top-level comment would be, with its link to the parent's permalink (the parent in
// context, on whichever page shows it): announced, so never left out.
function place(list, item, sort) {
  const parentId = item.dataset.parentId;
  const parent = parentId ? document.getElementById(`comment-${parentId}`) : null;
  if (!parent) {
    placeTopLevel(list, item, sort);
    return;
  }
  const link = item.querySelector(`:scope > article .comment-head a[href="/comments/${parentId}"]`);
  if (link) link.setAttribute("href", `#comment-${parentId}`);
  let replies = parent.querySelector(":scope > ol.replies");
  if (!replies) {
    replies = document.createElement("ol");
    replies.className = "replies";
    parent.append(replies);
  }
  replies.append(item);
}

async function insertNew(ids) {
  const items = await fetchFragments(section.dataset.threadId, ids);
  const list = section.querySelector("[data-comment-list]");
  const sort = section.dataset.sort || "new";
  const inserted = [];
  // Oldest first, so a parent that arrived in the same batch is placed before its replies.
  for (const fresh of items) {
    if (document.getElementById(fresh.id)) continue;
    const item = document.importNode(fresh, true);
    place(list, item, sort);
    inserted.push(item);
  }
  if (items.length) section.querySelector("[data-empty]")?.remove();
  return inserted;
}

function shownLabel(count) {
  if (count === 1) return document.getElementById("shown-comment-label").content.textContent;
  return document.getElementById("shown-comments-label").content.textContent.replace("{n}", String(count));
}

// The button the reader pressed disappears: focus goes to the first of the new comments in
// reading order (its article is focusable for this), so keyboard and screen reader users go
// on reading from there; the status region says how many were shown. Nothing new (all were
// there already): focus goes to the list's heading.
function focusFirst(inserted) {
  const note = section.querySelector("[data-shown-note]");
  if (note) note.textContent = inserted.length ? shownLabel(inserted.length) : "";
  const first = inserted
    .slice()
    .sort((a, b) => (a.compareDocumentPosition(b) & Node.DOCUMENT_POSITION_FOLLOWING ? -1 : 1))[0];
  const target = first ? first.querySelector(":scope > article") : section.querySelector("#comments-h");
  if (!target) return;
  target.setAttribute("tabindex", "-1");
  target.focus();
}

export function startThread() {
  if (!section) return;
  sendVotesInPlace();
  const threadId = section.dataset.threadId;
  const button = section.querySelector("[data-show-new]");
  const pending = new Set();
  const announce = () => {
    button.textContent = label(pending.size);
    button.hidden = pending.size === 0;
  };
  button.addEventListener("click", async () => {
    const ids = [...pending].sort((a, b) => a - b);
    pending.clear();
    const hadFocus = document.activeElement === button;
    button.hidden = true;
    try {
      const inserted = await insertNew(ids);
      if (hadFocus) focusFirst(inserted);
    } catch {
      // Not shown yet: announced again, so the reader can try once more (focus stays there).
      for (const id of ids) if (!document.getElementById(`comment-${id}`)) pending.add(id);
      announce();
      if (hadFocus) button.focus();
    }
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
        announce();
      } else if (frame.type === "comment.hidden" || frame.type === "comment.withdrawn") {
        if (pending.delete(data.id)) announce();
      }
    },
    onReset() {
      pending.clear();
      button.hidden = true;
    },
  });
}
