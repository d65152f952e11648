// Progressive help for the forms (they work without it): duplicate suggestions while typing a
// partner's name, partner search for initiative partners, partner names in the initiator list,
// and focus on the error summary. No inline scripts: the CSP allows scripts from this app only.
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    return function () {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    };
  }

  function getJSON(url, done) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body) done(body); })
      .catch(function () { /* suggestions are a help, never a requirement */ });
  }

  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // -- duplicate suggestions on the partner form --------------------------------------------
  var partnerForm = document.getElementById("partner-form");
  var similar = document.getElementById("similar");
  if (partnerForm && similar && partnerForm.dataset.similarUrl) {
    var name = document.getElementById("f-name");
    var municipality = document.getElementById("f-municipality");
    var lang = document.documentElement.lang;
    var text = lang === "en"
      ? { heading: "Already registered partners with similar names:", none: "" }
      : { heading: "Allerede registrerte partnere med lignende navn:", none: "" };
    var show = debounce(function () {
      var value = name.value.trim();
      if (value.length < 3) { similar.textContent = ""; return; }
      var url = partnerForm.dataset.similarUrl + "?name=" + encodeURIComponent(value) +
        "&municipality=" + encodeURIComponent(municipality ? municipality.value : "") +
        (partnerForm.dataset.exclude ? "&exclude=" + encodeURIComponent(partnerForm.dataset.exclude) : "");
      getJSON(url, function (body) {
        similar.textContent = "";
        if (!body.suggestions.length) return;
        var p = document.createElement("p");
        p.textContent = text.heading;
        var ul = document.createElement("ul");
        body.suggestions.forEach(function (s) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = s.url;
          a.textContent = s.name;
          li.appendChild(a);
          li.appendChild(document.createTextNode(" (" + s.kind_label + ", " + s.municipality + ")"));
          ul.appendChild(li);
        });
        similar.appendChild(p);
        similar.appendChild(ul);
      });
    }, 300);
    name.addEventListener("input", show);
    if (municipality) municipality.addEventListener("change", show);
  }

  // -- partner search: fill the shared datalist with matching registered actors -------------------
  var searchForm = document.querySelector("form[data-search-url]");
  var options = document.getElementById("actor-options");
  if (searchForm && options) {
    var search = debounce(function (input) {
      var q = input.value.trim();
      if (q.length < 2 || /\)\s*$/.test(q)) return;
      getJSON(searchForm.dataset.searchUrl + "?q=" + encodeURIComponent(q), function (body) {
        options.textContent = "";
        body.actors.forEach(function (a) {
          var option = document.createElement("option");
          option.value = a.label;
          option.textContent = a.kind;
          options.appendChild(option);
        });
      });
    }, 200);
    searchForm.querySelectorAll("input[list='actor-options']").forEach(function (input) {
      input.addEventListener("input", function () { search(input); });
    });

    // The initiator list names the partners as they are filled in.
    var initiator = document.getElementById("f-initiator");
    if (initiator) {
      var rename = function () {
        Array.prototype.forEach.call(initiator.options, function (option) {
          if (option.value === "") return;
          var input = document.getElementById("f-partner-" + option.value + "-actor");
          if (input && input.value.trim()) option.textContent = input.value.trim();
        });
      };
      searchForm.querySelectorAll("input[data-partner-row]").forEach(function (input) {
        input.addEventListener("change", rename);
      });
    }
  }
})();
