// Small progressive enhancements; the pages work without them. No inline script anywhere (CSP).
document.addEventListener("change", function (event) {
  var target = event.target;
  if (target && target.classList && target.classList.contains("auto-submit") && target.form) {
    if (target.form.classList.contains("lang-switch")) keepCurrentQuery(target.form, target.name);
    target.form.submit();
  }
});
// Enter in a live search field (the inbox's) searches now through the field itself, which
// drops the search its typing delay still holds; the form's own submit would search as well,
// the same address pushed twice (Back then seemed to do nothing). Before htmx has processed
// the page, and while an input method is composing, Enter keeps its usual meaning.
document.addEventListener("keydown", function (event) {
  var field = event.target;
  if (event.key !== "Enter" || event.isComposing || !window.htmx || document.readyState === "loading") return;
  if (!field || field.type !== "search" || !field.hasAttribute("hx-get")) return;
  event.preventDefault();
  field.dispatchEvent(new Event("search"));
});
// Prevent double submission of forms marked data-once: the second click does nothing.
document.addEventListener("submit", function (event) {
  var form = event.target;
  if (!form || !form.hasAttribute || !form.hasAttribute("data-once")) return;
  if (form.dataset.submitted === "1") { event.preventDefault(); return; }
  form.dataset.submitted = "1";
  var buttons = form.querySelectorAll("button[type=submit], input[type=submit]");
  for (var i = 0; i < buttons.length; i++) buttons[i].setAttribute("aria-disabled", "true");
}, true);
// htmx does not swap error answers (400 expired form, 413 too large, 429 too many, 500), so a
// click would seem to do nothing: show the friendly error page's <main> in place of ours.
document.addEventListener("htmx:beforeSwap", function (event) {
  var detail = event.detail;
  var main = document.getElementById("main");
  if (!detail.isError || !main || !detail.xhr) return;
  if (!/<main[\s>]/i.test(detail.xhr.responseText || "")) return;
  detail.shouldSwap = true;
  detail.isError = false;
  detail.target = main;
  detail.selectOverride = "#main";
  detail.swapOverride = "outerHTML";
});

// htmx may have pushed a new URL (a search, a filter) since the page was rendered: carry the
// address bar's current parameters along when the language changes, instead of stale ones.
function keepCurrentQuery(form, ownName) {
  var stale = form.querySelectorAll("input[type=hidden]");
  for (var i = 0; i < stale.length; i++) stale[i].parentNode.removeChild(stale[i]);
  new URLSearchParams(window.location.search).forEach(function (value, key) {
    if (key === ownName) return;
    var input = document.createElement("input");
    input.type = "hidden"; input.name = key; input.value = value;
    form.appendChild(input);
  });
}

// Inbox rows: a click anywhere on a row (or its snippets) opens the case, as the row's link
// does; not on another link, button or field, nor when text was being selected. The link
// stays the keyboard's way in: Tab reaches it, Enter opens it. Ctrl/Cmd-click: a new tab.
document.addEventListener("click", function (event) {
  var target = event.target;
  if (!target || !target.closest || event.button !== 0) return;
  var item = target.closest(".inbox-item");
  if (!item || target.closest("a, button, input, select, textarea, label, summary")) return;
  if (window.getSelection && String(window.getSelection()).length > 0) return;
  var link = item.querySelector("a.row-link");
  if (!link) return;
  if (event.ctrlKey || event.metaKey || event.shiftKey) window.open(link.href, "_blank", "noopener");
  else window.location.assign(link.href);
});
