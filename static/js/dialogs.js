// Modal dialogs made from disclosures. Without JavaScript, "Report" and "Withdraw" on a comment
// are a <details data-dialog-heading> with their form inside. With it, the summary becomes a button that
// opens a native <dialog> (showModal: the rest of the page is inert) holding the same form, a
// heading that names the dialog, and a Cancel button. Tab and Shift+Tab cycle inside the dialog,
// Escape closes it, and focus returns to the button that opened it. Comments that arrive live
// are enhanced the same way. Importing the module starts it.

const SELECTOR = "details[data-dialog-heading]";
const TABBABLE = "a[href], button, input, select, textarea, [tabindex]:not([tabindex='-1'])";
let made = 0;

function isTabStop(element) {
  if (element.disabled || element.hidden) return false;
  if (element instanceof HTMLInputElement && element.type === "hidden") return false;
  if (element instanceof HTMLInputElement && element.type === "radio" && element.name) {
    // A radio group is one stop: the checked radio, or the first one when none is checked.
    const group = [...element.form.elements].filter(
      (other) => other instanceof HTMLInputElement && other.type === "radio" && other.name === element.name,
    );
    const checked = group.find((other) => other.checked);
    return element === (checked ?? group[0]);
  }
  return true;
}

function tabStops(dialog) {
  return [...dialog.querySelectorAll(TABBABLE)].filter(isTabStop);
}

function trapFocus(dialog, event) {
  if (event.key !== "Tab" || event.altKey || event.ctrlKey || event.metaKey) return;
  const stops = tabStops(dialog);
  if (stops.length === 0) return;
  const first = stops[0];
  const last = stops[stops.length - 1];
  const active = document.activeElement;
  const inside = dialog.contains(active) && active !== dialog;
  if (event.shiftKey && (active === first || !inside)) {
    event.preventDefault();
    last.focus();
  } else if (!event.shiftKey && (active === last || !inside)) {
    event.preventDefault();
    first.focus();
  }
}

function makeDialog(details) {
  const summary = details.querySelector(":scope > summary");
  const form = details.querySelector(":scope > form");
  if (!summary || !form) return;
  made += 1;
  const id = `modal-${made}`;

  const opener = document.createElement("button");
  opener.type = "button";
  opener.className = "link-button dialog-opener";
  opener.textContent = summary.textContent.trim();
  opener.setAttribute("aria-haspopup", "dialog");
  opener.setAttribute("aria-controls", id);

  const dialog = document.createElement("dialog");
  dialog.id = id;
  dialog.className = "modal";
  dialog.setAttribute("aria-labelledby", `${id}-heading`);
  const heading = document.createElement("h2");
  heading.id = `${id}-heading`;
  heading.textContent = details.dataset.dialogHeading;
  const cancel = document.createElement("button");
  cancel.type = "button";
  cancel.className = "secondary dialog-cancel";
  cancel.textContent = details.dataset.dialogCancel || "Cancel";
  cancel.addEventListener("click", () => dialog.close());
  const buttons = document.createElement("p");
  buttons.className = "dialog-buttons";
  const submit = form.querySelector("button[type=submit]");
  if (submit) buttons.append(submit);
  buttons.append(cancel);
  form.append(buttons);
  dialog.append(heading, form);

  opener.addEventListener("click", () => dialog.showModal());
  dialog.addEventListener("keydown", (event) => trapFocus(dialog, event));
  dialog.addEventListener("close", () => opener.focus());
  details.replaceWith(opener, dialog);
}

function enhance(root) {
  if (typeof HTMLDialogElement !== "function") return; // keep the working disclosure
  if (root instanceof Element && root.matches(SELECTOR)) makeDialog(root);
  for (const details of root.querySelectorAll(SELECTOR)) makeDialog(details);
}

function startDialogs() {
  enhance(document);
  const list = document.querySelector("[data-comment-list]");
  if (!list) return;
  new MutationObserver((changes) => {
    for (const change of changes) {
      for (const node of change.addedNodes) if (node instanceof Element) enhance(node);
    }
  }).observe(list, { childList: true, subtree: true });
}

startDialogs();
