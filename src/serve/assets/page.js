// trove's search page, a little better with JavaScript on: the page works without it.
// - a change of order or of a date submits the search at once;
// - empty filters stay out of the URL, so a shared link holds only what was asked;
// - "/" puts the cursor in the query box, as on many search pages.
"use strict";
(function () {
  var form = document.querySelector("form[role=search]");
  if (!form) {
    return;
  }
  form.addEventListener("submit", function () {
    var fields = form.querySelectorAll("input[name], select[name]");
    for (var i = 0; i < fields.length; i++) {
      if (fields[i].value === "") {
        fields[i].disabled = true;
      }
    }
  });
  var query = form.querySelector("input[name=q]");
  var submitters = form.querySelectorAll("select[name=sort], input[name=since], input[name=until]");
  for (var j = 0; j < submitters.length; j++) {
    submitters[j].addEventListener("change", function () {
      if (query && query.value.trim() !== "") {
        form.requestSubmit();
      }
    });
  }
  document.addEventListener("keydown", function (event) {
    var typing = event.target && /^(INPUT|SELECT|TEXTAREA)$/.test(event.target.tagName);
    if (event.key === "/" && !typing && query) {
      event.preventDefault();
      query.focus();
      query.select();
    }
  });
})();
