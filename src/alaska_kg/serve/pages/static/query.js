// The query page: start YASGUI on this server's /sparql and load the canned queries as examples.
// No storage (a fresh page shows the examples as they are), no remote completion (offline).
(function () {
  "use strict";
  var holder = document.getElementById("yasgui");
  var examples = JSON.parse(document.getElementById("examples").textContent);
  var byId = {};
  examples.forEach(function (q) { byId[q.id] = q; });
  var endpoint = new URL(holder.dataset.endpoint, window.location.href).href;
  var first = byId[holder.dataset.first];

  Yasgui.Yasqe.defaults.autocompleters = ["prefixes", "variables"];
  var yasgui = new Yasgui(holder, {
    requestConfig: { endpoint: endpoint, method: "POST" },
    endpointCatalogueOptions: { getData: function () { return [{ endpoint: endpoint }]; } },
    copyEndpointOnNewTab: true,
    persistenceId: null,
    populateFromUrl: false,
    autofocus: false,
    yasqe: { value: first ? first.text : "SELECT ?s ?p ?o WHERE { ?s ?p ?o } LIMIT 10" },
  });
  window.alaskaYasgui = yasgui; // for the browser tests and the curious

  function load(id) {
    var query = byId[id];
    if (!query) return;
    var tab = yasgui.getTab();
    tab.setQuery(query.text);
    document.querySelectorAll("button.example").forEach(function (b) {
      b.classList.toggle("current", b.dataset.example === id);
    });
  }
  document.querySelectorAll("button.example").forEach(function (button) {
    button.addEventListener("click", function () { load(button.dataset.example); });
  });
  if (first) load(first.id);

  // The results name the graph's IRIs (https://w3id.org/alaska-kg/…); open them on this server, whose pages
  // answer for them, rather than through w3id.org.
  var root = holder.dataset.endpoint.replace(/\/sparql$/, "");
  var spaces = [
    ["https://w3id.org/alaska-kg/resource/", root + "/resource/"],
    ["https://w3id.org/alaska-kg/ontology#", root + "/ontology#"],
  ];
  holder.addEventListener("click", function (event) {
    var link = event.target.closest ? event.target.closest("a[href]") : null;
    if (!link) return;
    var href = link.getAttribute("href");
    for (var i = 0; i < spaces.length; i++) {
      if (href.indexOf(spaces[i][0]) === 0) {
        event.preventDefault();
        window.location.href = spaces[i][1] + href.slice(spaces[i][0].length);
        return;
      }
    }
  }, true);
  holder.dataset.ready = "true";
})();
