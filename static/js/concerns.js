// Ideas and complaints: "me too" suggestions while typing, and live updates of item pages and
// staff queues. The pages work without it: the form's second step lists similar items, and a
// reload shows every change.
import { connect } from "./live.js";

function debounce(fn, ms) {
  let timer = null;
  return (...args) => {
    clearTimeout(timer);
    timer = setTimeout(() => fn(...args), ms);
  };
}

function watchSimilar(form) {
  const target = document.getElementById("similar-live");
  if (!target) return;
  const url = form.dataset.similar;
  const refresh = debounce(async () => {
    const data = new FormData(form);
    const text = String(data.get("text") || "");
    if (text.length < 10) return;
    const query = new URLSearchParams({
      text,
      category: String(data.get("category") || ""),
      district: String(data.get("district") || ""),
    });
    const response = await fetch(`${url}?${query}`, { credentials: "same-origin" });
    if (response.ok) target.innerHTML = await response.text();
  }, 600);
  form.addEventListener("input", refresh);
  form.addEventListener("change", refresh);
}

function watchLive(element) {
  const topic = element.dataset.live;
  if (!topic) return;
  const note = element.matches("[role=status]") ? element : document.getElementById("concern-live");
  connect({
    topics: [topic],
    since: Number(element.dataset.since || 0),
    onEvent(frame) {
      if (!note) return;
      const reload = document.createElement("a");
      reload.href = window.location.pathname + window.location.search;
      reload.textContent = document.documentElement.lang === "de"
        ? "Es gibt Neuigkeiten – neu laden"
        : "There are updates – reload";
      note.replaceChildren(reload);
    },
    onReset() {},
  });
}

const form = document.querySelector("form[data-similar]");
if (form) watchSimilar(form);
document.querySelectorAll("[data-live]").forEach(watchLive);
