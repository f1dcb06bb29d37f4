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
  holder.dataset.ready = "true";
})();
