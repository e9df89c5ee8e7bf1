// The document form's small helpers, each on top of a working plain form:
// - 主题词 (a text input, terms separated by spaces, commas, 、 or ；) shown as tags that can
//   be removed; suggested terms added with a click;
// - suggested 内容概述 and 主题分类 taken into their fields with a click.
// Without JavaScript the input and the suggestions are plain text and the buttons stay hidden.
(function () {
  "use strict";
  const SEPARATORS = /[\s,，、;；]+/;

  function split(value) {
    const terms = [];
    for (const term of value.split(SEPARATORS)) {
      if (term && !terms.includes(term)) terms.push(term);
    }
    return terms;
  }

  function renderTags(input) {
    const list = document.getElementById(`${input.id}_tags`);
    if (!list) return;
    list.replaceChildren(...split(input.value).map((term) => {
      const item = document.createElement("li");
      item.className = "gk-tag";
      const text = document.createElement("span");
      text.textContent = term;
      const remove = document.createElement("button");
      remove.type = "button";
      remove.className = "gk-tag-remove";
      remove.textContent = "×";
      remove.setAttribute("aria-label", `删除主题词“${term}”`);
      remove.addEventListener("click", () => {
        input.value = split(input.value).filter((t) => t !== term).join(" ");
        renderTags(input);
        input.focus();
      });
      item.append(text, remove);
      return item;
    }));
  }

  function addTerm(input, term) {
    const terms = split(input.value);
    if (!terms.includes(term)) terms.push(term);
    input.value = terms.join(" ");
    renderTags(input);
  }

  function init() {
    for (const input of document.querySelectorAll("input[data-gk-terms]")) {
      renderTags(input);
      input.addEventListener("input", () => renderTags(input));
    }
    for (const button of document.querySelectorAll("[data-gk-add-term]")) {
      const input = document.getElementById(button.dataset.gkTarget);
      if (!input) continue;
      button.hidden = false;
      button.addEventListener("click", () => {
        addTerm(input, button.dataset.gkAddTerm);
        button.disabled = true;
      });
    }
    for (const button of document.querySelectorAll("[data-gk-fill]")) {
      const field = document.getElementById(button.dataset.gkTarget);
      if (!field) continue;
      button.hidden = false;
      button.addEventListener("click", () => {
        field.value = button.dataset.gkFill;
        field.dispatchEvent(new Event("input", { bubbles: true }));
        field.focus();
      });
    }
    for (const button of document.querySelectorAll("[data-gk-topic]")) {
      const select = document.getElementById(button.dataset.gkTarget);
      if (!select) continue;
      button.hidden = false;
      button.addEventListener("click", () => {
        const id = button.dataset.gkTopic;
        let option = [...select.options].find((o) => o.value === id);
        if (!option) {
          option = new Option(button.dataset.gkLabel, id, true, true);
          select.append(option);
        }
        select.value = id;
        // The admin's autocomplete (select2) listens through jQuery.
        const jq = window.django && window.django.jQuery;
        if (jq) jq(select).trigger("change"); else select.dispatchEvent(new Event("change"));
      });
    }
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", init);
  } else {
    init();
  }
})();
