/* zhengwu-kg page logic.
 * All graph data arrives as JSON in <script type="application/json"> blocks; every name, label,
 * sentence and title reaches the DOM through textContent (never parsed as markup), and vis-network gets
 * no `title` strings (it would render them as HTML): tooltips are our own DOM elements.
 */
(function () {
  'use strict';

  function readJSON(id) { return JSON.parse(document.getElementById(id).textContent); }

  var page = readJSON('kg-page');
  var options = readJSON('kg-options');
  var nodes = new vis.DataSet(readJSON('kg-nodes'));
  var edges = new vis.DataSet(readJSON('kg-edges'));
  var container = document.getElementById('mynetwork');
  var statusEl = document.getElementById('kg-status');
  var detailsEl = document.getElementById('kg-details');
  var resultsEl = document.getElementById('kg-results');
  var tipEl = document.getElementById('kg-tip');

  var hiddenTypes = new Set();
  var hiddenRels = new Set();
  var dateFrom = '';
  var dateTo = '';
  var visibleNodeIds = new Set(nodes.getIds());
  var highlighted = null;

  // ---- small DOM helpers: text only ----
  function el(tag, cls, text) {
    var e = document.createElement(tag);
    if (cls) e.className = cls;
    if (text !== undefined && text !== null) e.textContent = String(text);
    return e;
  }
  function articleText(idx, date) {
    var a = page.articles[idx] || {};
    var parts = [a.title || a.path || '(untitled article)'];
    if (date || a.date) parts.push(date || a.date);
    return parts.join(', ');
  }

  // ---- filters ----
  function dateOk(dates) {
    if (!dateFrom && !dateTo) return true;
    if (!dates || !dates.length) return true;  // undated items stay visible
    return dates.some(function (d) { return (!dateFrom || d >= dateFrom) && (!dateTo || d <= dateTo); });
  }
  function nodeVisible(n) { return !hiddenTypes.has(n.kgType) && dateOk(n.dates); }
  function edgeVisible(e) {
    return !hiddenRels.has(e.kgType) && dateOk(e.dates) &&
      visibleNodeIds.has(e.from) && visibleNodeIds.has(e.to);
  }
  var nodeView = new vis.DataView(nodes, { filter: nodeVisible });
  var edgeView = new vis.DataView(edges, { filter: edgeVisible });

  function applyFilters() {
    visibleNodeIds = new Set(nodes.getIds({ filter: nodeVisible }));
    nodeView.refresh();
    edgeView.refresh();
    if (highlighted !== null) {
      if (visibleNodeIds.has(highlighted)) highlight(highlighted); else clearHighlight();
    }
    showCounts();
  }
  function setTypeVisible(type, on) {
    if (on) hiddenTypes.delete(type); else hiddenTypes.add(type);
    var box = document.querySelector('input[data-kg-type="' + CSS.escape(type) + '"]');
    if (box) box.checked = on;
    applyFilters();
  }
  function setRelationVisible(type, on) {
    if (on) hiddenRels.delete(type); else hiddenRels.add(type);
    var box = document.querySelector('input[data-kg-rel="' + CSS.escape(type) + '"]');
    if (box) box.checked = on;
    applyFilters();
  }
  function setDateRange(from, to) {
    dateFrom = from || '';
    dateTo = to || '';
    document.getElementById('kg-date-from').value = dateFrom;
    document.getElementById('kg-date-to').value = dateTo;
    applyFilters();
  }
  function counts() {
    return { nodes: nodes.length, edges: edges.length,
             visibleNodes: nodeView.length, visibleEdges: edgeView.length };
  }
  function showCounts() {
    var c = counts();
    statusEl.textContent = c.visibleNodes + ' / ' + c.nodes + ' nodes, ' +
      c.visibleEdges + ' / ' + c.edges + ' edges shown';
  }

  // ---- neighbourhood highlight ----
  // Drawn as an overlay after each frame: a translucent white layer over everything, then the
  // node's edges and neighbours drawn again on top. No DataSet updates: restyling 5,000 nodes
  // through vis-network costs seconds (every label is re-measured); this costs one redraw.
  // Uses vis-network 9.1.2's per-item draw methods (pinned: the copy bundled with pyvis 0.3.2).
  var hl = null;  // {nodes: [ids], edges: [ids]}
  function requestRedraw() {  // one redraw on the next frame, shared with a focus() in the same turn
    network.body.emitter.emit('_requestRedraw');
  }
  function highlight(id) {
    highlighted = id;
    hl = { nodes: [id].concat(network.getConnectedNodes(id)), edges: network.getConnectedEdges(id) };
    requestRedraw();
  }
  function clearHighlight() {
    highlighted = null;
    hl = null;
    requestRedraw();
  }
  function drawHighlight(ctx) {
    if (!hl) return;
    ctx.save();
    ctx.setTransform(1, 0, 0, 1, 0, 0);
    ctx.fillStyle = 'rgba(255,255,255,0.8)';
    ctx.fillRect(0, 0, ctx.canvas.width, ctx.canvas.height);
    ctx.restore();
    var body = network.body, labels = [];
    hl.edges.forEach(function (id) { var e = body.edges[id]; if (e && e.connected) e.draw(ctx); });
    hl.edges.forEach(function (id) { var e = body.edges[id]; if (e && e.connected) e.drawArrows(ctx); });
    hl.nodes.forEach(function (id) {
      var n = body.nodes[id];
      if (!n) return;
      var r = n.draw(ctx);
      if (r && r.drawExternalLabel) labels.push(r.drawExternalLabel);
    });
    labels.forEach(function (f) { f(); });
  }

  // ---- tooltips and details, built as DOM ----
  function nodeInfoEl(id) {
    var info = page.nodeInfo[id];
    var box = el('div');
    box.appendChild(el('div', 'kg-name', info.name));
    var typeLine = info.type + (info.context ? ' · ' + info.context : '');
    box.appendChild(el('div', 'kg-type', typeLine));
    if (info.pinyin) box.appendChild(el('div', 'kg-pinyin', info.pinyin));
    if (info.posts && info.posts.length) {
      box.appendChild(el('div', null, 'Titles:'));
      var ul = el('ul');
      info.posts.forEach(function (p) {
        var ds = p[1].length > 4 ? p[1].slice(0, 2).concat(['…'], p[1].slice(-1)) : p[1];
        ul.appendChild(el('li', null, ds.length ? p[0] + ' (' + ds.join(', ') + ')' : p[0]));
      });
      box.appendChild(ul);
    }
    if (info.aliases && info.aliases.length) box.appendChild(el('div', null, 'Aliases: ' + info.aliases.join('、')));
    if (info.articles && info.articles.length) {
      box.appendChild(el('div', null, 'Articles (' + info.articles.length + '):'));
      var al = el('ul');
      info.articles.slice(0, 8).forEach(function (a) { al.appendChild(el('li', 'kg-src', articleText(a))); });
      if (info.articles.length > 8) al.appendChild(el('li', 'kg-src', '… ' + (info.articles.length - 8) + ' more'));
      box.appendChild(al);
    }
    var m = info.measures;
    if (m) {
      box.appendChild(el('div', 'kg-measures', 'Co-attendance: ' + m.degree + ' officials, ' + m.weighted_degree +
        ' shared meetings, betweenness ' + Number(m.betweenness).toFixed(4) + ', community ' + m.community));
    }
    box.appendChild(el('div', 'kg-type', 'Connections: ' + info.degree + (info.iri ? ' · ' + info.iri : '')));
    return box;
  }
  function edgeInfoEl(id) {
    var info = page.edgeInfo[id];
    var e = edges.get(id);
    var box = el('div');
    var src = page.nodeInfo[e.from].name, dst = page.nodeInfo[e.to].name;
    box.appendChild(el('div', 'kg-name', src + ' —' + info.type + '→ ' + dst));
    if (info.meetings && info.meetings.length) {
      box.appendChild(el('div', null, info.meetings.length + ' shared meeting(s):'));
      var ml = el('ul');
      info.meetings.slice(0, 8).forEach(function (m) { ml.appendChild(el('li', null, m[1] ? m[0] + ' (' + m[1] + ')' : m[0])); });
      if (info.meetings.length > 8) ml.appendChild(el('li', 'kg-src', '… ' + (info.meetings.length - 8) + ' more'));
      box.appendChild(ml);
    }
    (info.evidence || []).forEach(function (ev) {
      box.appendChild(el('blockquote', null, ev[0]));
      box.appendChild(el('div', 'kg-src', '— ' + articleText(ev[1], ev[2])));
    });
    if (info.more) box.appendChild(el('div', 'kg-src', '… ' + info.more + ' more statement(s)'));
    return box;
  }
  function showDetails(child) {
    detailsEl.replaceChildren(child);
  }
  function showTip(child, pointer) {
    tipEl.replaceChildren(child);
    var rect = container.getBoundingClientRect();
    var x = rect.left + pointer.DOM.x + 14, y = rect.top + pointer.DOM.y + 14;
    tipEl.hidden = false;
    var w = tipEl.offsetWidth, h = tipEl.offsetHeight;
    if (x + w > window.innerWidth) x = Math.max(0, x - w - 28);
    if (y + h > window.innerHeight) y = Math.max(0, y - h - 28);
    tipEl.style.left = x + 'px';
    tipEl.style.top = y + 'px';
  }
  function hideTip() { tipEl.hidden = true; }

  // ---- search ----
  function fold(s) {
    return String(s).normalize('NFKD').replace(/[\u0300-\u036f]/g, '').replace(/\s+/g, '').toLowerCase();
  }
  var searchIndex = page.nodeInfo.map(function (info, id) {
    var keys = [info.name].concat(info.aliases || []);
    if (info.pinyin) keys.push(info.pinyin);
    return { id: id, keys: keys.filter(Boolean).map(fold), degree: info.degree };
  });
  function search(q) {
    var f = fold(q || '');
    if (!f) return [];
    var exact = [], prefix = [], part = [];
    searchIndex.forEach(function (entry) {
      if (entry.keys.some(function (k) { return k === f; })) exact.push(entry);
      else if (entry.keys.some(function (k) { return k.startsWith(f); })) prefix.push(entry);
      else if (entry.keys.some(function (k) { return k.indexOf(f) >= 0; })) part.push(entry);
    });
    function byDegree(a, b) { return b.degree - a.degree || a.id - b.id; }
    return exact.sort(byDegree).concat(prefix.sort(byDegree), part.sort(byDegree))
      .map(function (e) { return e.id; });
  }
  function focusNode(id) {
    var n = nodes.get(id);
    if (!n) return false;
    if (!visibleNodeIds.has(id)) {  // hidden by a filter: bring it back
      hiddenTypes.delete(n.kgType);
      var box = document.querySelector('input[data-kg-type="' + CSS.escape(n.kgType) + '"]');
      if (box) box.checked = true;
      dateFrom = dateTo = '';
      document.getElementById('kg-date-from').value = '';
      document.getElementById('kg-date-to').value = '';
      applyFilters();
    }
    network.selectNodes([id]);
    highlight(id);
    network.focus(id, { scale: Math.max(network.getScale(), 1.2), animation: false });
    showDetails(nodeInfoEl(id));
    return true;
  }
  function runSearch(q) {
    var ids = search(q);
    var list = el('div');
    ids.slice(0, 20).forEach(function (id) {
      var info = page.nodeInfo[id];
      var b = el('button', null, info.name + ' · ' + info.type);
      b.type = 'button';
      b.addEventListener('click', function () { focusNode(id); });
      list.appendChild(b);
    });
    resultsEl.replaceChildren(list);
    if (ids.length) {
      focusNode(ids[0]);
      statusEl.textContent = ids.length + ' match(es) for “' + q + '”';
    } else {
      statusEl.textContent = 'no match for “' + q + '”';
    }
    return ids;
  }

  // ---- legend (doubles as type filters) ----
  var SVGNS = 'http://www.w3.org/2000/svg';
  function poly(n, r, start) {
    var pts = [];
    for (var i = 0; i < n; i++) {
      var a = start + i * 2 * Math.PI / n;
      pts.push((8 + r * Math.cos(a)).toFixed(1) + ',' + (8 + r * Math.sin(a)).toFixed(1));
    }
    return pts.join(' ');
  }
  function star() {
    var pts = [];
    for (var i = 0; i < 10; i++) {
      var r = i % 2 ? 3.2 : 7.5, a = -Math.PI / 2 + i * Math.PI / 5;
      pts.push((8 + r * Math.cos(a)).toFixed(1) + ',' + (8 + r * Math.sin(a)).toFixed(1));
    }
    return pts.join(' ');
  }
  function swatch(shape, color) {
    var svg = document.createElementNS(SVGNS, 'svg');
    svg.setAttribute('width', '16'); svg.setAttribute('height', '16');
    var s;
    if (shape === 'dot') { s = document.createElementNS(SVGNS, 'circle'); s.setAttribute('cx', '8'); s.setAttribute('cy', '8'); s.setAttribute('r', '6.5'); }
    else if (shape === 'square') { s = document.createElementNS(SVGNS, 'rect'); s.setAttribute('x', '2'); s.setAttribute('y', '2'); s.setAttribute('width', '12'); s.setAttribute('height', '12'); }
    else if (shape === 'line') { s = document.createElementNS(SVGNS, 'rect'); s.setAttribute('x', '0'); s.setAttribute('y', '6.5'); s.setAttribute('width', '16'); s.setAttribute('height', '3'); }
    else if (shape === 'ellipse') { s = document.createElementNS(SVGNS, 'ellipse'); s.setAttribute('cx', '8'); s.setAttribute('cy', '8'); s.setAttribute('rx', '7.5'); s.setAttribute('ry', '5'); }
    else {
      s = document.createElementNS(SVGNS, 'polygon');
      var pts = shape === 'triangle' ? poly(3, 7.5, -Math.PI / 2) : shape === 'diamond' ? poly(4, 7.5, 0) :
        shape === 'hexagon' ? poly(6, 7.5, 0) : star();
      s.setAttribute('points', pts);
    }
    s.setAttribute('fill', color);
    svg.appendChild(s);
    return svg;
  }
  function legend(listId, items, attr, shapeOf, toggle) {
    var ul = document.getElementById(listId);
    items.forEach(function (it) {
      var li = el('li'), label = el('label'), box = el('input');
      box.type = 'checkbox'; box.checked = true;
      box.setAttribute(attr, it.type);
      box.addEventListener('change', function () { toggle(it.type, box.checked); });
      label.appendChild(box);
      label.appendChild(swatch(shapeOf(it), it.color));
      label.appendChild(el('span', null, it.type + ' ' + (it.zh || '')));
      label.appendChild(el('span', 'kg-count', it.count));
      li.appendChild(label);
      ul.appendChild(li);
    });
  }
  legend('kg-legend-nodes', page.nodeTypes, 'data-kg-type', function (it) { return it.shape; }, setTypeVisible);
  legend('kg-legend-edges', page.relTypes, 'data-kg-rel', function () { return 'line'; }, setRelationVisible);
  if (page.communities && page.communities.length) {  // --color community: colours, no filter
    var cl = document.getElementById('kg-legend-communities');
    page.communities.forEach(function (c) {
      var li = el('li'), label = el('label');
      label.appendChild(swatch('dot', c.color));
      label.appendChild(el('span', null, c.label));
      label.appendChild(el('span', 'kg-count', c.count));
      li.appendChild(label);
      cl.appendChild(li);
    });
    document.getElementById('kg-communities').hidden = false;
  }
  if ((page.sizeBy && page.sizeBy !== 'degree') || (page.colorBy && page.colorBy !== 'type')) {
    var enc = document.getElementById('kg-encoding');
    enc.textContent = 'Node size: ' + (page.sizeBy || 'degree') + (page.sizeBy === 'degree' ? ' in this view' : ' (co-attendance)') +
      '; colour: ' + (page.colorBy === 'community' ? 'co-attendance community (shape: type)' : 'type') + '.';
    enc.hidden = false;
  }

  if (page.omitted) {
    var o = page.omitted, om = document.getElementById('kg-omitted');
    var byType = Object.keys(o.node_types).map(function (k) { return k + ' ' + o.node_types[k]; }).join(', ');
    om.textContent = 'Showing ' + (o.total_nodes - o.nodes) + ' of ' + o.total_nodes + ' nodes and ' +
      (o.total_edges - o.edges) + ' of ' + o.total_edges + ' edges (size limit ' + o.max_nodes + ', ' +
      o.reason + '). Left out: ' + o.nodes + ' nodes (' + byType + ') and ' + o.edges +
      ' edges. Use --max-nodes or an ego view (--view ego --focus NAME) to see them.';
    om.hidden = false;
  }
  if (page.dateRange) {
    ['kg-date-from', 'kg-date-to'].forEach(function (id) {
      var inp = document.getElementById(id);
      inp.min = page.dateRange[0]; inp.max = page.dateRange[1];
    });
  }

  // ---- the network ----
  var network = new vis.Network(container, { nodes: nodeView, edges: edgeView }, options);

  network.on('afterDrawing', drawHighlight);
  network.on('click', function (p) {
    hideTip();
    if (p.nodes.length) {
      highlight(p.nodes[0]);
      showDetails(nodeInfoEl(p.nodes[0]));
    } else if (p.edges.length) {
      clearHighlight();
      showDetails(edgeInfoEl(p.edges[0]));
    } else {
      clearHighlight();
    }
  });
  network.on('hoverNode', function (p) { showTip(nodeInfoEl(p.node), p.pointer); });
  network.on('hoverEdge', function (p) { showTip(edgeInfoEl(p.edge), p.pointer); });
  network.on('blurNode', hideTip);
  network.on('blurEdge', hideTip);
  network.on('dragStart', hideTip);
  network.on('zoom', hideTip);

  document.getElementById('kg-search-form').addEventListener('submit', function (ev) {
    ev.preventDefault();
    runSearch(document.getElementById('kg-search').value);
  });
  document.getElementById('kg-date-from').addEventListener('change', function (ev) { setDateRange(ev.target.value, dateTo); });
  document.getElementById('kg-date-to').addEventListener('change', function (ev) { setDateRange(dateFrom, ev.target.value); });
  document.getElementById('kg-reset').addEventListener('click', function () {
    hiddenTypes.clear(); hiddenRels.clear();
    document.querySelectorAll('.kg-legend input').forEach(function (b) { b.checked = true; });
    document.getElementById('kg-search').value = '';
    resultsEl.replaceChildren();
    detailsEl.textContent = 'Click a node or edge.';
    network.unselectAll();
    clearHighlight();
    setDateRange('', '');
    network.fit({ animation: false });
  });

  var api = {
    network: network, nodes: nodes, edges: edges, nodeView: nodeView, edgeView: edgeView, page: page,
    counts: counts, search: search, runSearch: runSearch, focusNode: focusNode,
    setTypeVisible: setTypeVisible, setRelationVisible: setRelationVisible, setDateRange: setDateRange,
    highlighted: function () { return highlighted; },
    highlightedSet: function () { return hl ? { nodes: hl.nodes.slice(), edges: hl.edges.slice() } : null; },
    readyAt: null
  };
  window.kgView = api;
  network.once('afterDrawing', function () {
    api.readyAt = performance.now();
    window.kgReady = true;
    document.body.setAttribute('data-ready', '1');
  });
  if (page.focus !== null && page.focus !== undefined) {
    network.selectNodes([page.focus]);
    showDetails(nodeInfoEl(page.focus));
  }
  network.fit({ animation: false });
  showCounts();
})();
