// Progressive help for the forms (they work without it): duplicate suggestions while typing a
// partner's name; partner search, extra rows and new partners registered without leaving the
// initiative form; a draft kept in this tab when the session has expired, filled in again after
// login; dates echoed in words; focus on the error summary. No inline scripts: the CSP allows
// scripts from this app only. Words come from the page (data-text-*), so they are translated
// with the rest of it.
(function () {
  "use strict";

  function debounce(fn, ms) {
    var timer = null;
    function later() {
      var args = arguments, self = this;
      clearTimeout(timer);
      timer = setTimeout(function () { fn.apply(self, args); }, ms);
    }
    later.cancel = function () { clearTimeout(timer); };
    return later;
  }

  function getJSON(url, done) {
    fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : null; })
      .then(function (body) { if (body) done(body); })
      .catch(function () { /* suggestions are a help, never a requirement */ });
  }

  function fill(template, n) { return (template || "").replace("{n}", String(n)); }

  var summary = document.getElementById("error-summary");
  if (summary) summary.focus();

  // -- dates: echo what was typed in words, so 01.03.2024 is seen to be 1 March ------------------
  var lang = document.documentElement.lang || "nb";
  function parseDay(text) {
    var m = /^\s*(\d{1,2})\.(\d{1,2})\.(\d{4})\s*$/.exec(text) || null, y, mo, d;
    if (m) { d = +m[1]; mo = +m[2]; y = +m[3]; }
    else {
      m = /^\s*(\d{4})-(\d{2})-(\d{2})\s*$/.exec(text);
      if (!m) return null;
      y = +m[1]; mo = +m[2]; d = +m[3];
    }
    var day = new Date(Date.UTC(y, mo - 1, d));
    return day.getUTCMonth() === mo - 1 && day.getUTCDate() === d ? day : null;
  }
  function echoDate(input) {
    var echo = document.getElementById(input.id + "-echo");
    if (!echo) return;
    var day = parseDay(input.value);
    echo.textContent = day ? new Intl.DateTimeFormat(lang === "en" ? "en-GB" : "nb-NO",
      { dateStyle: "full", timeZone: "UTC" }).format(day) : "";
  }
  document.querySelectorAll("input[data-date]").forEach(function (input) {
    echoDate(input);
    input.addEventListener("input", function () { echoDate(input); });
  });

  // -- duplicate suggestions on the partner form --------------------------------------------
  var partnerForm = document.getElementById("partner-form");
  var similar = document.getElementById("similar");
  if (partnerForm && similar && partnerForm.dataset.similarUrl) {
    var name = document.getElementById("f-name");
    var municipality = document.getElementById("f-municipality");
    var heading = lang === "en" ? "Already registered partners with similar names:"
      : "Allerede registrerte partnere med lignende navn:";
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
        p.textContent = heading;
        var ul = document.createElement("ul");
        body.suggestions.forEach(function (s) {
          var li = document.createElement("li");
          var a = document.createElement("a");
          a.href = s.url;
          a.textContent = s.name;
          li.appendChild(a);
          li.appendChild(document.createTextNode(" (" + s.kind_label + (s.municipality ? ", " + s.municipality : "") + ")"));
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
    searchForm.addEventListener("input", function (event) {
      if (event.target.matches && event.target.matches("input[list='actor-options']")) search(event.target);
    });
  }

  // The initiative form and the new-partner page keep a draft (data-draft); only the first has rows.
  var form = document.querySelector("form[data-draft]");
  if (!form) return;
  var text = form.dataset;
  var initiator = document.getElementById("f-initiator");
  var rowsField = form.querySelector("input[name='rows']");
  var rowsBox = document.getElementById("partner-rows");

  function rowInput(row) { return document.getElementById("f-partner-" + row + "-actor"); }

  // The initiator list names the partners as they are filled in.
  function renameInitiators() {
    if (!initiator) return;
    Array.prototype.forEach.call(initiator.options, function (option) {
      if (option.value === "") return;
      var input = rowInput(option.value);
      option.textContent = input && input.value.trim() ? input.value.trim() : fill(text.textPartner, +option.value + 1);
    });
  }
  form.addEventListener("change", function (event) {
    if (event.target.matches && event.target.matches("input[data-partner-row]")) renameInitiators();
  });

  // -- another partner row, without a round trip ---------------------------------------------------
  function addRow() {
    var rows = rowsBox.querySelectorAll(".partner-row");
    var last = rows[rows.length - 1];
    var n = rows.length;
    var copy = last.cloneNode(true);
    copy.dataset.row = String(n);
    copy.querySelectorAll("p.error, input[type='hidden']").forEach(function (el) { el.remove(); });
    copy.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    copy.querySelectorAll("[id], [for], [name], [aria-describedby], [data-row], [data-partner-row], [value]")
      .forEach(function (el) {
        ["id", "for", "name", "aria-describedby"].forEach(function (attr) {
          var v = el.getAttribute(attr);
          if (v) el.setAttribute(attr, v.replace(/partner-\d+-/g, "partner-" + n + "-"));
        });
        if (el.dataset.row !== undefined) el.dataset.row = String(n);
        if (el.dataset.partnerRow !== undefined) el.dataset.partnerRow = String(n);
        if (el.tagName === "BUTTON" && /^new_partner-\d+$/.test(el.value)) el.value = "new_partner-" + n;
        el.removeAttribute("aria-invalid");
      });
    copy.querySelectorAll("label").forEach(function (label) {
      if (/-actor$/.test(label.htmlFor)) label.textContent = fill(text.textPartner, n + 1);
      if (/-role$/.test(label.htmlFor)) label.textContent = fill(text.textRole, n + 1);
    });
    copy.querySelectorAll(".visually-hidden").forEach(function (el) {
      if (el.parentNode.classList.contains("new-partner-button")) el.textContent = " " + fill(text.textForPartner, n + 1);
    });
    copy.querySelectorAll("input[type='text'], input:not([type])").forEach(function (el) { el.value = ""; });
    copy.querySelectorAll("select").forEach(function (el) { el.value = ""; });
    copy.querySelectorAll("input, select").forEach(function (el) {
      var ids = (el.getAttribute("aria-describedby") || "").split(" ").filter(function (id) {
        return id && !/-error$/.test(id);
      });
      if (ids.length) el.setAttribute("aria-describedby", ids.join(" ")); else el.removeAttribute("aria-describedby");
    });
    rowsBox.appendChild(copy);
    rowsField.value = String(n + 1);
    if (initiator) {
      var option = document.createElement("option");
      option.value = String(n);
      option.textContent = fill(text.textPartner, n + 1);
      initiator.appendChild(option);
    }
    return copy;
  }
  var addButton = document.getElementById("add-row");
  if (addButton && rowsBox) {
    addButton.addEventListener("click", function (event) {
      event.preventDefault();
      var row = addRow();
      row.querySelector("input").focus();
      saveDraft();
    });
  }

  // -- a new partner, registered from inside the form -------------------------------------------
  var panel = form.querySelector("#new-partner");
  var status = document.getElementById("np-status");
  function panelField(name) { return document.getElementById("f-np-" + name); }
  function municipalityOfRows(except) {
    var found = "";
    rowsBox.querySelectorAll("input[data-partner-row]").forEach(function (input) {
      var m = / — (.+) \([^()]+\)\s*$/.exec(input.value);
      if (!found && m && input.dataset.partnerRow !== String(except)) found = m[1];
    });
    return found;
  }
  // The server knows the initiative's municipality better (typed names, the library's, the most
  // common one): ask it, and fill it in unless something was typed meanwhile.
  function askMunicipality(row, shown) {
    if (!text.panelPrefillUrl) return;
    var query = "?row=" + encodeURIComponent(row) + "&rows=" + encodeURIComponent(rowsField.value);
    rowsBox.querySelectorAll("input[data-partner-row]").forEach(function (input) {
      query += "&" + encodeURIComponent(input.name) + "=" + encodeURIComponent(input.value);
    });
    getJSON(text.panelPrefillUrl + query, function (body) {
      var place = panelField("municipality");
      if (place.value === shown && body.municipality) place.value = body.municipality;
    });
  }
  function clearPanelErrors() {
    panel.querySelectorAll("p.error, .warning").forEach(function (el) { el.remove(); });
    panel.querySelectorAll(".has-error").forEach(function (el) { el.classList.remove("has-error"); });
    panel.querySelectorAll("[aria-invalid]").forEach(function (el) { el.removeAttribute("aria-invalid"); });
    status.textContent = "";
  }
  function openPanel(row) {
    clearPanelErrors();
    var typed = rowInput(row) ? rowInput(row).value.trim() : "";
    document.getElementById("f-np-row").value = String(row);
    document.getElementById("np-row-number").textContent = String(+row + 1);
    panelField("name").value = /\([^()\s]+\)\s*$/.test(typed) ? "" : typed;
    var place = panelField("municipality");
    if (!place.value) {
      place.value = municipalityOfRows(row);
      askMunicipality(row, place.value);
    }
    panel.hidden = false;
    (panelField("name").value ? panelField("kind") : panelField("name")).focus();
  }
  function closePanel(row) {
    panel.hidden = true;
    ["name", "kind", "sector", "municipality"].forEach(function (f) { panelField(f).value = ""; });
    var input = rowInput(row);
    if (input) input.focus();
  }
  function fieldError(name, messages) {
    var input = panelField(name);
    if (!input) { status.textContent = messages.join(" "); return; }
    var box = input.closest(".field");
    box.classList.add("has-error");
    var p = document.createElement("p");
    p.className = "error";
    p.id = input.id + "-error";
    p.textContent = messages.join(" ");
    input.parentNode.insertBefore(p, input);
    input.setAttribute("aria-invalid", "true");
    input.setAttribute("aria-describedby", ((input.getAttribute("aria-describedby") || "") + " " + p.id).trim());
  }
  function putInRow(row, label, fresh) {
    var input = rowInput(row);
    input.value = label;
    var box = input.closest(".field");
    box.classList.remove("has-error");
    box.querySelectorAll("p.error, p.mean").forEach(function (el) { el.remove(); });
    input.removeAttribute("aria-invalid");
    var hidden = form.querySelector("input[name='partner-" + row + "-new']");
    if (fresh) {
      if (!hidden) {
        hidden = document.createElement("input");
        hidden.type = "hidden";
        hidden.name = "partner-" + row + "-new";
        input.closest(".partner-row").appendChild(hidden);
      }
      hidden.value = JSON.stringify(fresh);
    } else if (hidden) {
      hidden.remove();
    }
    var role = document.getElementById("f-partner-" + row + "-role");
    if (role && !role.value) role.value = "co_creator";
    renameInitiators();
    saveDraft();
  }
  function takenIds() {
    return Array.prototype.map.call(form.querySelectorAll("input[name$='-new']"), function (el) {
      try { return JSON.parse(el.value).id; } catch (e) { return ""; }
    }).join(",");
  }
  function registerPartner() {
    var row = document.getElementById("f-np-row").value;
    var body = new FormData();
    ["name", "kind", "sector", "municipality"].forEach(function (f) { body.append(f, panelField(f).value); });
    var confirm = panelField("confirm_duplicate");
    if (confirm && confirm.checked) body.append("confirm_duplicate", "1");
    body.append("taken", takenIds());
    var token = form.querySelector("input[name='csrf_token']").value;
    fetch(text.newPartnerUrl, { method: "POST", body: body, credentials: "same-origin",
                                headers: { Accept: "application/json", "X-CSRFToken": token } })
      .then(function (r) {
        if (r.status === 401 || r.redirected) { expired(); return null; }
        return r.json();
      })
      .then(function (answer) {
        if (!answer) return;
        clearPanelErrors();
        if (answer.status === "saved" || answer.status === "proposed") {
          putInRow(row, answer.label, answer.status === "proposed" ? answer.new : null);
          closePanel(row);
          announce(answer.message);
        } else if (answer.status === "invalid") {
          Object.keys(answer.errors).forEach(function (f) { fieldError(f, answer.errors[f]); });
          var first = panel.querySelector("[aria-invalid]");
          if (first) first.focus();
        } else {
          warnPanel(answer, row);
        }
      })
      .catch(function () { status.textContent = text.textFailed; });
  }
  function warnPanel(answer, row) {
    var box = document.createElement("div");
    box.className = "warning";
    var p = document.createElement("p");
    p.textContent = answer.status === "confirm" ? answer.message : (answer.errors.name || answer.errors._form || []).join(" ");
    box.appendChild(p);
    var ul = document.createElement("ul");
    (answer.duplicates || answer.existing || []).forEach(function (d) {
      var li = document.createElement("li");
      var a = document.createElement("a");
      a.href = d.url;
      a.textContent = d.name;
      li.appendChild(a);
      var use = document.createElement("button");
      use.type = "button";
      use.textContent = text.textUse;
      use.addEventListener("click", function () { putInRow(row, d.label, null); closePanel(row); });
      li.appendChild(document.createTextNode(" "));
      li.appendChild(use);
      ul.appendChild(li);
    });
    box.appendChild(ul);
    if (answer.status === "confirm") {
      var choice = document.createElement("div");
      choice.className = "choice";
      choice.innerHTML = '<input type="checkbox" id="f-np-confirm_duplicate" name="np-confirm_duplicate" value="1"> <label for="f-np-confirm_duplicate"></label>';
      choice.querySelector("label").textContent = panel.dataset.textConfirm || "OK";
      box.appendChild(choice);
    }
    panel.insertBefore(box, panelField("name").closest(".field"));
    box.querySelector("button, input") && box.querySelector("button, input").focus();
  }
  if (panel && text.newPartnerUrl) {
    form.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("button") : null;
      if (!button) return;
      if (button.classList.contains("new-partner-button")) {
        event.preventDefault();
        openPanel(button.dataset.row);
      } else if (button.id === "np-save") {
        event.preventDefault();
        registerPartner();
      } else if (button.id === "np-close") {
        event.preventDefault();
        closePanel(document.getElementById("f-np-row").value);
      }
    });
  }

  // "Mente du …?": the close match goes into its row without a round trip.
  form.addEventListener("click", function (event) {
    var button = event.target.closest ? event.target.closest("button.suggestion-button") : null;
    if (!button) return;
    event.preventDefault();
    putInRow(button.dataset.row, button.dataset.label, null);
    rowInput(button.dataset.row).focus();
  });

  // -- a draft in this tab, and an expired session that says so ----------------------------------
  var draftKey = form.dataset.draft ? "graphsvc-draft:" + form.dataset.draft : null;
  var liveStatus = document.getElementById("draft-status");
  function announce(message) {
    if (!liveStatus || !message) return;
    liveStatus.textContent = "";
    var p = document.createElement("p");
    p.className = "message";
    p.textContent = message;
    liveStatus.appendChild(p);
  }
  function collect() {
    var values = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (!el.name || el.name === "csrf_token" || el.name === "action" || el.type === "submit") return;
      if ((el.type === "radio" || el.type === "checkbox") && !el.checked) return;
      values[el.name] = el.value;
    });
    return values;
  }
  // Once the session has expired in this page, every later save keeps the mark: the draft must
  // still be restored after login (a blurred field schedules a save after expired() ran).
  var sessionExpired = false;
  function saveDraft(flags) {
    if (!draftKey) return;
    try {
      var kept = Object.assign({ values: collect() }, sessionExpired ? { expired: true } : {}, flags || {});
      sessionStorage.setItem(draftKey, JSON.stringify(kept));
    } catch (e) { /* storage full or off: the form still works */ }
  }
  var saveSoon = debounce(function () { saveDraft(); }, 300);
  form.addEventListener("input", saveSoon);
  form.addEventListener("change", saveSoon);

  function restore(values) {
    var rows = +(values.rows || 0);
    while (rowsBox && rowsBox.querySelectorAll(".partner-row").length < rows) addRow();
    Object.keys(values).forEach(function (name) {
      var fields = form.querySelectorAll("[name='" + name.replace(/'/g, "") + "']");
      if (!fields.length && /^partner-\d+-new$/.test(name)) {
        var row = rowInput(name.split("-")[1]);
        if (row) {
          var hidden = document.createElement("input");
          hidden.type = "hidden";
          hidden.name = name;
          hidden.value = values[name];
          row.closest(".partner-row").appendChild(hidden);
        }
        return;
      }
      fields.forEach(function (el) {
        if (el.type === "radio" || el.type === "checkbox") el.checked = el.value === values[name];
        else el.value = values[name];
      });
    });
    renameInitiators();
    form.querySelectorAll("input[data-date]").forEach(echoDate);
  }
  if (draftKey) {
    var kept = null;
    try { kept = JSON.parse(sessionStorage.getItem(draftKey) || "null"); } catch (e) { kept = null; }
    if (kept && kept.expired) {
      restore(kept.values || {});
      saveDraft();
      announce(text.textRestored);
    }
  }

  function expired(loginUrl) {
    saveSoon.cancel();
    sessionExpired = true;
    saveDraft();
    var old = document.getElementById("session-expired");
    if (old) old.remove();
    var box = document.createElement("div");
    box.className = "error-summary";
    box.id = "session-expired";
    box.setAttribute("role", "alert");
    box.tabIndex = -1;
    var p = document.createElement("p");
    p.textContent = text.textExpired + " ";
    var a = document.createElement("a");
    a.href = loginUrl || "/login?next=" + encodeURIComponent(location.pathname);
    a.textContent = text.textLogin;
    p.appendChild(a);
    box.appendChild(p);
    form.parentNode.insertBefore(box, form);
    box.focus();
  }

  var checked = false;
  form.addEventListener("submit", function (event) {
    if (checked || !text.sessionUrl) return;
    event.preventDefault();
    var submitter = event.submitter || null;
    saveDraft();
    fetch(text.sessionUrl + "?next=" + encodeURIComponent(location.pathname), { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (r) { return r.ok ? r.json() : { user: null }; })
      .then(function (answer) {
        if (!answer.user) { expired(answer.login_url); return; }
        checked = true;
        if (draftKey) sessionStorage.removeItem(draftKey);
        if (submitter && form.requestSubmit) form.requestSubmit(submitter); else form.submit();
      })
      .catch(function () {
        checked = true;  // the session could not be asked: send the form as it is
        if (submitter && form.requestSubmit) form.requestSubmit(submitter); else form.submit();
      });
  });
})();
