/* Progressive enhancement only: every page works the same without this file. */
(function () {
  "use strict";
  document.addEventListener("DOMContentLoaded", function () {
    // On a phone, unused search filters start folded so the results come first.
    if (window.matchMedia("(max-width: 640px)").matches) {
      document.querySelectorAll("details[data-close-on-phone]").forEach(function (details) {
        details.removeAttribute("open");
      });
    }
  });
})();
