// The coding page without the mouse: in a contribution, keys 1–9 switch its themes on and off,
// J and K move to the next and previous contribution. The form works without this script.

export function startCoding() {
  const form = document.querySelector("form[data-coding]");
  if (!form) return;
  const status = document.getElementById("coding-status");
  const items = [...form.querySelectorAll("[data-coding-item]")];
  form.addEventListener("keydown", (event) => {
    if (event.ctrlKey || event.metaKey || event.altKey) return;
    const target = event.target;
    if (!(target instanceof HTMLInputElement) || target.type !== "checkbox") return;
    const item = target.closest("[data-coding-item]");
    if (!item) return;
    if (/^[1-9]$/.test(event.key)) {
      const box = item.querySelector(`input[data-key="${event.key}"]`);
      if (!box) return;
      event.preventDefault();
      box.checked = !box.checked;
      if (status) {
        const word = box.checked ? form.dataset.on : form.dataset.off;
        status.textContent = `${box.dataset.name}: ${word}`;
      }
    } else if (event.key === "j" || event.key === "k") {
      const next = items[items.indexOf(item) + (event.key === "j" ? 1 : -1)];
      const first = next?.querySelector('input[type="checkbox"]');
      if (!first) return;
      event.preventDefault();
      first.focus();
    }
  });
}
