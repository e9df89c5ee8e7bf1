/* /api/docs: Swagger UI's copy buttons have no text; name them for screen readers as they
   appear (Swagger UI renders and re-renders them as operations open and answers come). */
"use strict";
new MutationObserver(() => {
  for (const button of document.querySelectorAll(".copy-to-clipboard button:not([aria-label])")) {
    button.setAttribute("aria-label", "复制");
  }
}).observe(document.body, {childList: true, subtree: true});
