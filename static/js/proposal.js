// A proposal's page: support counts and state changes arrive through /api/v1/live (topic
// "proposal:N") and are announced politely; a new state is offered as a link, never loaded
// by itself, so nothing moves under the reader's focus.

import { connect } from "/static/js/live.js";

const note = document.getElementById("live-note");
const count = document.getElementById("support-count");
const progress = document.getElementById("support-progress");

function offerReload() {
  if (note.querySelector("a")) return;
  const link = document.createElement("a");
  link.href = window.location.pathname;
  link.textContent = note.dataset.reloadText;
  note.textContent = `${note.dataset.stateText} `;
  note.append(link);
}

if (note) {
  connect({
    topics: [note.dataset.topic],
    since: Number(note.dataset.since || "0"),
    onEvent(frame) {
      const data = frame.data || {};
      if (frame.type === "proposal.support_changed") {
        const n = String(data.support_count);
        if (count) count.textContent = n;
        if (progress) progress.value = Math.min(data.support_count, Number(progress.max));
        if (!note.querySelector("a")) note.textContent = note.dataset.supportText.replace("{n}", n);
      } else if (frame.type === "proposal.state_changed") {
        offerReload();
      }
    },
    onReset: offerReload,
  });
}
