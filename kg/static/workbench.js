/* zhengwu-kg workbench: YASGUI (vendored, static/yasgui/) on this server's /sparql endpoint.
 *
 * - One tab per cookbook query (loaders/queries/*.rq), named after it; new tabs start with our prefixes.
 * - Our prefixes (the ontology's and the build's base-IRI kinds) are known to the editor (typing
 *   `zw:` adds its PREFIX line) and to the results (IRIs shown as official:…, zw:…).
 * - No request leaves this origin: prefix completion uses YASGUI's bundled list plus ours (never
 *   prefix.cc), the property/class completers (which ask lov.linkeddata.es) are off, shared links
 *   always query this endpoint, and the CSP allows connections to 'self' only.
 * - In the results, IRIs of this graph (the build's base IRI) link to their entity page here; every
 *   other IRI is shown as plain text.
 * All data comes from the JSON block #kg-config; nothing is built from HTML strings here.
 */
(function () {
  'use strict';

  var cfg = JSON.parse(document.getElementById('kg-config').textContent);
  var endpoint = new URL(cfg.endpoint, window.location.href).href;
  var entityUrl = new URL(cfg.entity, window.location.href);
  var base = cfg.base || null;
  var prefixes = cfg.prefixes || {};
  var statusEl = document.getElementById('kg-status');
  var Yasqe = Yasgui.Yasqe;

  // ---- the editor: bundled prefixes plus ours, no completer that asks another server
  Yasqe.defaults.prefixCcApi = undefined;
  var bundled = Yasqe.Autocompleters.prefixes;
  var ours = Object.keys(prefixes).map(function (p) { return p + ': <' + prefixes[p] + '>'; });
  Yasqe.forkAutocompleter('prefixes', {
    name: 'kgPrefixes',
    persistenceId: null,
    get: function (yasqe) {
      return bundled.get(yasqe).then(function (list) {
        var seen = {};
        ours.forEach(function (s) { seen[s.split(':')[0]] = true; });
        return ours.concat(list.filter(function (s) { return !seen[s.split(':')[0]]; }));
      });
    }
  }, false);
  Yasqe.defaults.autocompleters = ['variables', 'kgPrefixes'];
  Yasgui.Yasr.plugins.table.defaults.openIriInNewWindow = false;

  function forceEndpoint(tabConfig) {
    tabConfig.requestConfig = Object.assign({}, tabConfig.requestConfig || {}, {endpoint: endpoint});
    return tabConfig;
  }

  var yasgui = new Yasgui(document.getElementById('yasgui'), {
    requestConfig: {endpoint: endpoint, method: 'POST'},
    copyEndpointOnNewTab: true,
    persistenceId: null,          // tabs come from the cookbook on every load; nothing kept in localStorage
    autoAddOnInit: false,
    populateFromUrl: forceEndpoint,  // a shared link opens its query, always against this endpoint
    endpointCatalogueOptions: {getData: function () { return [{endpoint: endpoint}]; }},
    yasqe: {value: cfg.defaultQuery, autocompleters: ['variables', 'kgPrefixes']},
    yasr: {prefixes: prefixes, persistenceId: null, maxPersistentResponseSize: 0}
  });

  // The first cookbook tab is shown (YASGUI switches tabs only once one is active), unless a shared
  // link (#query=…) already opened its own tab, which then stays in front.
  var shared = yasgui.getTab();
  cfg.tabs.forEach(function (t, i) {
    yasgui.addTab(i === 0 && !shared, {name: t.name, yasqe: {value: t.query},
                                       requestConfig: {endpoint: endpoint, method: 'POST'}});
  });

  // ---- results: our entities link to their page, other IRIs become text
  function entityHref(iri) {
    var u = new URL(entityUrl.href);
    u.searchParams.set('iri', iri);
    return u.pathname + u.search;
  }
  function relink(root) {
    var links = root.querySelectorAll('.yasr a.iri:not([data-kg]), .yasr a[href]:not([data-kg])');
    for (var i = 0; i < links.length; i++) {
      var a = links[i];
      if (a.closest('.yasr_header, .dataTables_paginate, .dt-paging')) continue;  // YASR's own controls
      var iri = a.getAttribute('href') || '';
      if (!a.classList.contains('iri') && !/^https?:/.test(iri)) continue;
      if (base && iri.indexOf(base) === 0) {
        a.setAttribute('href', entityHref(iri));
        a.setAttribute('data-kg', 'entity');
        a.setAttribute('title', iri);
        a.removeAttribute('target');
        a.removeAttribute('ref');
        a.classList.add('kg-entity-link');
      } else {
        var span = document.createElement('span');
        span.className = 'kg-plain-iri';
        span.setAttribute('data-kg', 'plain');
        span.title = iri;
        span.textContent = a.textContent;
        a.replaceWith(span);
      }
    }
  }
  var root = document.getElementById('yasgui');
  new MutationObserver(function () { relink(root); }).observe(root, {childList: true, subtree: true});

  yasgui.on('queryResponse', function (_y, tab) {
    setTimeout(function () {  // YASGUI hands the response to the result viewer after this event
      var yasr = tab.getYasr(), results = yasr && yasr.results;
      var rows = results && results.getBindings ? results.getBindings() : null;
      var text = tab.getName();
      if (rows) {
        text += ': ' + rows.length + ' rows';
        if (cfg.limits && rows.length >= Number(cfg.limits.max_results)) {
          text += ' (the server\'s cap: there may be more; add LIMIT/OFFSET)';
        }
      }
      statusEl.textContent = text;
    }, 0);
  });

  window.kgWorkbench = {yasgui: yasgui, endpoint: endpoint, base: base, prefixes: prefixes, relink: relink};
})();
