// The key points editor: add, remove and reorder bullets before publishing them as a whole.

export function setupKeyPoints(form) {
  const list = form.querySelector("[data-key-point-list]");
  const add = form.querySelector("[data-add-point]");
  const template = list.lastElementChild.cloneNode(true);
  for (const tools of form.querySelectorAll(".key-point-tools")) tools.hidden = false;
  add.hidden = false;

  add.addEventListener("click", () => {
    const item = template.cloneNode(true);
    for (const input of item.querySelectorAll("input")) input.value = "";
    item.querySelector(".key-point-tools").hidden = false;
    list.append(item);
    item.querySelector("input[name=point]").focus();
  });

  list.addEventListener("click", (event) => {
    const button = event.target.closest("button");
    if (!button) return;
    const item = button.closest(".key-point");
    if ("remove" in button.dataset) {
      const next = item.nextElementSibling || item.previousElementSibling;
      item.remove();
      next?.querySelector("input[name=point]")?.focus();
    } else if (button.dataset.move === "up" && item.previousElementSibling) {
      item.previousElementSibling.before(item);
      button.focus();
    } else if (button.dataset.move === "down" && item.nextElementSibling) {
      item.nextElementSibling.after(item);
      button.focus();
    }
  });
}
