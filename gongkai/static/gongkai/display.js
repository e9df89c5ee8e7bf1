// Progressive enhancement of the 字体 大/中/小 links: switch at once, without a reload.
// Without JavaScript the same links set the cookie on the server and come back.
(function () {
  var root = document.documentElement;
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
