// Live catalog suggestions for the need form: the member types, picks a product or keeps the text.
(function () {
  const input = document.getElementById("free_text");
  const hidden = document.getElementById("product_id");
  const list = document.getElementById("suggestions");
  const chosen = document.getElementById("chosen-product");
  if (!input || !hidden || !list) return;
  const url = input.dataset.suggestUrl;
  let timer = null, items = [], active = -1, lastQuery = "";

  const status = document.getElementById("suggestions-status");

  function render() {
    list.innerHTML = "";
    items.forEach((item, index) => {
      const li = document.createElement("li");
      li.id = "suggestion-" + index;
      li.setAttribute("role", "option");
      li.setAttribute("aria-selected", index === active ? "true" : "false");
      li.dataset.id = item.id;
      const name = document.createElement("span");
      name.textContent = item.name;
      const meta = document.createElement("span");
      meta.className = "meta";
      meta.textContent = item.category + " · " + item.unit_label + " · " + item.offers + " " + item.offers_label;
      li.append(name, meta);
      li.addEventListener("mousedown", (event) => { event.preventDefault(); pick(index); });
      list.appendChild(li);
    });
    list.hidden = items.length === 0;
    // The field is a combobox: screen readers hear whether the list is open and which option
    // is active, and how many suggestions came.
    input.setAttribute("aria-expanded", items.length ? "true" : "false");
    if (active >= 0 && items.length) input.setAttribute("aria-activedescendant", "suggestion-" + active);
    else input.removeAttribute("aria-activedescendant");
  }

  function announce() {
    if (!status) return;
    const template = items.length === 1 ? status.dataset.one : items.length ? status.dataset.some : status.dataset.none;
    status.textContent = (template || "").replace("%(count)s", String(items.length));
  }

  function pick(index) {
    const item = items[index];
    if (!item) return;
    input.value = item.name;
    hidden.value = item.id;
    const unit = document.getElementById("unit");
    if (unit) unit.value = item.unit;
    if (chosen) chosen.textContent = item.chosen_label;
    items = [];
    render();
  }

  async function fetchSuggestions(query) {
    const response = await fetch(url + "?q=" + encodeURIComponent(query), { headers: { Accept: "application/json" } });
    if (!response.ok || query !== lastQuery) return;
    const body = await response.json();
    items = body.suggestions;
    active = -1;
    render();
    announce();
  }

  input.addEventListener("input", () => {
    hidden.value = "";
    if (chosen) chosen.textContent = chosen.dataset.freeText || "";
    const query = input.value.trim();
    lastQuery = query;
    clearTimeout(timer);
    if (query.length < 2) { items = []; render(); return; }
    timer = setTimeout(() => fetchSuggestions(query), 120);
  });
  input.addEventListener("keydown", (event) => {
    if (list.hidden) return;
    if (event.key === "ArrowDown") { active = Math.min(active + 1, items.length - 1); render(); event.preventDefault(); }
    else if (event.key === "ArrowUp") { active = Math.max(active - 1, 0); render(); event.preventDefault(); }
    else if (event.key === "Enter" && active >= 0) { pick(active); event.preventDefault(); }
    else if (event.key === "Escape") { items = []; render(); }
  });
  input.addEventListener("blur", () => setTimeout(() => { items = []; render(); }, 150));
  if (chosen) chosen.dataset.freeText = chosen.dataset.freeText || chosen.textContent;
  // Typed before this script ran (a slow page): suggest for it now rather than wait for a key.
  if (document.activeElement === input && !hidden.value && input.value.trim().length >= 2) {
    input.dispatchEvent(new Event("input"));
  }
})();
