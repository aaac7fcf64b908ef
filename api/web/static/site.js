// Passerelle — a little plain JavaScript: search-as-you-type in the vocabulary. Pages work
// without it (the search form is submitted and answered by the server).
(function () {
  "use strict";
  document.querySelectorAll("[data-concept-search]").forEach(function (box) {
    var input = box.querySelector("input[type=search]");
    var list = box.querySelector("ul");
    var hidden = box.querySelector("input[name=concept_id]");
    var status = box.querySelector("[role=status]");
    var timer = null;
    var lang = document.documentElement.lang === "en" ? "en" : "fr";
    input.addEventListener("input", function () {
      clearTimeout(timer);
      var q = input.value.trim();
      if (q.length < 2) { list.innerHTML = ""; return; }
      timer = setTimeout(function () {
        fetch("/api/concepts?limit=8&q=" + encodeURIComponent(q), { headers: { Accept: "application/json" } })
          .then(function (r) { return r.ok ? r.json() : []; })
          .then(function (concepts) {
            list.innerHTML = "";
            concepts.forEach(function (c) {
              var li = document.createElement("li");
              var b = document.createElement("button");
              b.type = "submit";
              b.name = "concept_id";
              b.value = c.id;
              b.textContent = lang === "en" ? (c.label_en || c.label) : (c.label || c.label_en);
              li.appendChild(b);
              list.appendChild(li);
            });
            if (status) { status.textContent = String(concepts.length); }
          });
      }, 200);
    });
    if (hidden) { hidden.disabled = true; }
  });
})();
