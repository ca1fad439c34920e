// Progressive enhancement only: every screen works without this script.
// A form that opens its result in a new tab (Validate) changes the synchronization's
// state: when the person comes back to this tab, show the new state.
(function () {
  var forms = document.querySelectorAll("form[data-reload-on-return]");
  forms.forEach(function (form) {
    form.addEventListener("submit", function () {
      var reload = function () {
        window.removeEventListener("focus", reload);
        window.location.reload();
      };
      window.addEventListener("focus", reload);
    });
  });
})();
// Printing the error log shows every payload (a closed <details> prints nothing).
window.addEventListener("beforeprint", function () {
  document.querySelectorAll("details").forEach(function (d) { d.open = true; });
});
