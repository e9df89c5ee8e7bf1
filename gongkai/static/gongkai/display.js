// Progressive enhancement of the document page's tools (no inline script: the site's
// Content-Security-Policy allows none). 字体 大/中/小 switch at once, without a reload; without
// JavaScript the same links set the cookie on the server and come back. 【打印】 is a button
// that only JavaScript can work, so it stays hidden without it (the browser's print still
// uses print.css).
(function () {
  var root = document.documentElement;
  document.querySelectorAll("button.print-link").forEach(function (button) {
    button.hidden = false;
    button.addEventListener("click", function () { window.print(); });
  });
  document.querySelectorAll("a[data-font]").forEach(function (link) {
    link.addEventListener("click", function (event) {
      event.preventDefault();
      var size = link.getAttribute("data-font");
      root.classList.remove("font-large", "font-medium", "font-small");
      root.classList.add("font-" + size);
      document.cookie = "font=" + size + "; path=/; max-age=31536000; SameSite=Lax";
      document.querySelectorAll("a[data-font]").forEach(function (other) {
        other.removeAttribute("aria-current");
      });
      link.setAttribute("aria-current", "true");
    });
  });
})();
