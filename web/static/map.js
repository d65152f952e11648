// The interactive map on /map: vis-network drawing the server's layout of this view, physics off.
// Data comes from the JSON API in its compact column form (config in a <script type="application/json">
// block: no inline script under the CSP). The URL holds the whole view; colour, size, time step
// and the weakest tie between bubbles change here without a reload and are written back to the URL.
// Names are never parsed as HTML: labels are drawn on the canvas, tooltips are plain strings and
// the selection panel is built with textContent.
(function () {
  'use strict';

  var G = window.GraphsvcMap;
  function read(id) { return JSON.parse(document.getElementById(id).textContent); }
  var config = read('map-config');
  var T = read('map-strings');
  var container = document.getElementById('map-canvas');
  var statusEl = document.getElementById('map-status');
  var slider = document.getElementById('time-slider');
  var timeLabel = document.getElementById('time-label');
  var playButton = document.getElementById('play');
  var colourBy = document.getElementById('f-colour');
  var sizeBy = document.getElementById('f-size');
  var minTiesInput = document.getElementById('min-ties');
  var panel = document.getElementById('node-panel');
  var state = config.state;
  var data, N, E, n, m, nodes, edges, network;
  var nodeOn, edgeOn, newNodes = [], newEdges = [], step = 0, timer = null;
  var nodeSince, nodeRegistered, edgeSince, edgeSpans;
  var titled = {}, position = {};
  var crossMatters = Boolean(config.filters.focus || config.filters.sector || config.filters.kind);

  function say(text) { statusEl.textContent = text; }
  function groupName(g) { return (T.groups && T.groups[g]) || g; }

  // -- the URL holds the view --------------------------------------------------------------
  function viewQuery() {
    var q = new URLSearchParams(config.filters);
    if (state.freq !== 'year') { q.set('freq', state.freq); }
    if (state.colour !== 'sector') { q.set('colour', state.colour); }
    if (state.size !== 'degree') { q.set('size', state.size); }
    if (state.view !== 'cumulative') { q.set('view', state.view); }
    if (data && data.periods.length && step < data.periods.length - 1) { q.set('at', data.periods[step].end); }
    if (state.minTies) { q.set('min_ties', String(state.minTies)); }
    return q;
  }

  // The drawing choices alone (links to exports and other views keep them).
  function styleQuery() {
    var q = viewQuery();
    Object.keys(config.filters).forEach(function (k) { q.delete(k); });
    return q;
  }

  function writeUrl() {
    var q = viewQuery().toString();
    history.replaceState(null, '', config.mapUrl + (q ? '?' + q : ''));
    var style = styleQuery().toString();
    document.querySelectorAll('a[data-keeps-view]').forEach(function (a) {
      var base = a.getAttribute('data-keeps-view');
      a.setAttribute('href', style ? base + (base.indexOf('?') >= 0 ? '&' : '?') + style : base);
    });
  }

  // -- colours, sizes, labels ----------------------------------------------------------------
  function legendRows() { return data.legend.colourings[state.colour].rows; }

  function colourOf(i) {
    var rows = legendRows();
    return rows[N.colour[state.colour][i]].colour;
  }

  function composition(i) {
    var rows = legendRows();
    return N.composition[state.colour][i].map(function (p) { return { colour: rows[p[0]].colour, count: p[1] }; });
  }

  function nodeLabel(i) {
    if (!data.aggregated) { return N.label[i]; }
    var label = groupName(N.label[i]);  // "(association)", or "(none)" for an unknown municipality
    return label + ' (' + N.count[i] + ')';
  }

  function nodeStyle(i) {
    var size = N.size[state.size][i];
    if (data.aggregated) {
      return { size: size, shape: 'custom', ctxRenderer: G.pieRenderer(composition(i), N.label_scale[i]) };
    }
    var fill = colourOf(i);
    var role = N.role[i];
    var partner = role === 1;
    var style = { size: size, color: { background: partner ? G.pale(fill, 0.6) : fill,
                                       border: partner ? '#8a8a8a' : G.OUTLINE,
                                       highlight: { background: fill, border: '#000000' },
                                       hover: { background: fill, border: '#000000' } },
                  borderWidth: 1 };
    if (role === 2) {  // the focus: ringed
      style.borderWidth = 5;
      style.color.border = '#000000';
    }
    return style;
  }

  function nodeTitle(i) {
    if (data.aggregated) {
      var parts = N.composition[state.colour][i].slice(0, 6).map(function (p) {
        var row = legendRows()[p[0]];
        return '  ' + legendName(row) + ': ' + p[1];
      });
      return G.tooltip([nodeLabel(i), (T.metrics.actors || 'actors') + ': ' + N.count[i],
                        (T.metrics.internal_ties || 'internal ties') + ': ' + N.internal_ties[i],
                        G.fmt(T.composition, { what: colourTitle().toLowerCase() }) + ':'].concat(parts));
    }
    var kind = data.tables.kinds[N.kind[i]];
    var lines = [N.label[i], T.roles[data.tables.roles[N.role[i]]] || null,
                 T.kind + ': ' + (T.kinds[kind] || kind),
                 T.sector + ': ' + groupName(data.tables.groups[N.group[i]]),
                 T.municipality + ': ' + groupName(data.tables.municipalities[N.municipality[i]])];
    if (N.community[i] !== null) { lines.push(T.community + ': ' + G.fmt(T.communityN, { n: N.community[i] })); }
    ['degree', 'strength', 'betweenness', 'brokerage'].forEach(function (k) {
      lines.push((T.metrics[k] || k) + ': ' + N.metrics[k][i]);
    });
    if (N.since[i] !== null) { lines.push(T.since + ': ' + isoOf(N.since[i])); }
    return G.tooltip(lines);
  }

  function edgeTitle(j) {
    var lines = [];
    if (data.aggregated) {
      lines.push(T.tiesBetween + ': ' + E.weight[j]);
    } else {
      lines.push(T.sharedInitiatives + ': ' + E.weight[j]);
      E.initiatives[j].forEach(function (k) { lines.push('• ' + data.tables.initiatives[k]); });
      if (crossMatters) { lines.push(E.cross[j] ? T.cross : T.inner); }
    }
    if (E.since[j] !== null) { lines.push(T.first + ': ' + isoOf(E.since[j])); }
    return G.tooltip(lines);
  }

  // Line width from the number of shared initiatives (set here: vis-network's value scaling costs
  // a third of its start-up time on 17,000 ties).
  var maxWeight = 1;
  function edgeWidth(j) {
    return 1 + 7 * Math.log(E.weight[j]) / Math.log(Math.max(maxWeight, 2));
  }

  function edgeColour(j) {
    return { color: crossMatters && E.cross[j] ? G.CROSS_TIE : G.INNER_TIE, opacity: crossMatters ? 0.8 : 0.6 };
  }

  function isoOf(day) { return new Date(day * 86400000).toISOString().slice(0, 10); }

  function colourTitle() {
    var select = colourBy;
    return select ? select.options[select.selectedIndex].text : '';
  }

  function legendName(row) {
    if (row.value === null) { return G.fmt(T.others, { n: row.others || 0 }); }
    if (state.colour === 'sector') { return groupName(row.value); }
    if (state.colour === 'kind') { return T.kinds[row.value] || row.value; }
    if (state.colour === 'community') { return G.fmt(T.communityN, { n: row.value }); }
    return row.value;
  }

  function showLegend() {
    document.querySelectorAll('[data-legend]').forEach(function (el) {
      el.hidden = el.getAttribute('data-legend') !== state.colour;
    });
  }

  // -- what the slider shows -------------------------------------------------------------------
  function visibleAt(day) {
    var on = new Uint8Array(n), eon = new Uint8Array(m), j, i;
    var minTies = data.aggregated ? (state.minTies || data.legend.min_ties || 1) : 0;
    if (day === null) {
      on.fill(1);
      for (j = 0; j < m; j++) { eon[j] = E.weight[j] >= minTies ? 1 : 0; }
      return { nodes: on, edges: eon };
    }
    for (j = 0; j < m; j++) {
      var yes;
      if (state.view === 'cumulative') {
        yes = edgeSince[j] <= day;
      } else {
        var s = edgeSpans[j];
        yes = false;
        for (var k = 0; k < s.length; k += 2) {
          if (s[k] <= day && (s[k + 1] === null || s[k + 1] >= day)) { yes = true; break; }
        }
      }
      if (yes && E.weight[j] >= minTies) {
        eon[j] = 1;
        if (state.view === 'active') { on[E.from[j]] = 1; on[E.to[j]] = 1; }
      }
    }
    var from = (state.view === 'active' && !data.aggregated) ? nodeRegistered : nodeSince;
    for (i = 0; i < n; i++) { if (from[i] <= day) { on[i] = 1; } }
    return { nodes: on, edges: eon };
  }

  function currentDay() { return data.periods.length ? data.periods[step].day : null; }

  // Show and hide without going through the DataSets: a DataSet update re-parses every changed item's
  // options (≈50 µs each; a year's step on 5,000 actors changes thousands). vis-network draws from each
  // node's and edge's live options and from its visible-index lists, which _updateVisibleIndices rebuilds.
  // (vis-network 9.1.2 is vendored, so this use of its body is pinned with it.) The DataSets are the
  // fallback and stay the source for everything else.
  function applyChanges(nodeChanges, edgeChanges) {
    var body = network.body;
    if (body && body.nodes && body.edges && body.emitter) {
      nodeChanges.forEach(function (c) {
        var node = body.nodes[N.id[c.i]];
        node.options.hidden = c.hidden;
        if (c.color) { node.options.color.border = c.color.border; node.options.borderWidth = c.borderWidth; }
      });
      edgeChanges.forEach(function (c) {
        var edge = body.edges[c.j];
        edge.options.hidden = c.hidden;
        edge.options.color.color = c.color.color;
        edge.options.color.opacity = c.color.opacity;
      });
      if (typeof network._updateVisibleIndices === 'function') {
        network._updateVisibleIndices();  // only what a change of 'hidden' needs (no cluster or range updates)
        body.emitter.emit('_requestRedraw');
      } else {
        body.emitter.emit('_dataUpdated');
      }
      return;
    }
    nodes.update(nodeChanges.map(function (c) {
      var u = { id: N.id[c.i], hidden: c.hidden };
      if (c.color) { u.color = c.color; u.borderWidth = c.borderWidth; }
      return u;
    }));
    edges.update(edgeChanges.map(function (c) { return { id: c.j, hidden: c.hidden, color: c.color }; }));
  }

  // highlight = false: a change of view mode or threshold, not of time: nothing is marked new.
  function showStep(to, announce, highlight) {
    performance.mark('map:step');
    var previous = nodeOn, previousEdges = edgeOn;
    var marking = highlight !== false;
    step = to;
    var vis = visibleAt(currentDay());
    var nodeChanges = [], edgeChanges = [], i, j;
    var wasNew = new Uint8Array(n), wasNewEdge = new Uint8Array(m);
    newNodes.forEach(function (x) { wasNew[x] = 1; });
    newEdges.forEach(function (x) { wasNewEdge[x] = 1; });
    var nextNew = [], nextNewEdges = [];
    for (i = 0; i < n; i++) {
      var on = vis.nodes[i] === 1;
      var fresh = marking && on && previous[i] === 0;
      if (fresh) { nextNew.push(i); }
      if (on !== (previous[i] === 1) || fresh || wasNew[i]) {
        var c = { i: i, hidden: !on };
        if (!data.aggregated && (fresh || wasNew[i])) {
          var st = nodeStyle(i);
          c.color = { border: fresh ? G.NEW : st.color.border };
          c.borderWidth = fresh ? 4 : st.borderWidth;
        }
        nodeChanges.push(c);
      }
    }
    for (j = 0; j < m; j++) {
      var eOn = vis.edges[j] === 1;
      var eFresh = marking && eOn && previousEdges[j] === 0;
      if (eFresh) { nextNewEdges.push(j); }
      if (eOn !== (previousEdges[j] === 1) || eFresh || wasNewEdge[j]) {
        edgeChanges.push({ j: j, hidden: !eOn, color: eFresh ? { color: G.NEW, opacity: 1 } : edgeColour(j) });
      }
    }
    nodeOn = vis.nodes;
    edgeOn = vis.edges;
    newNodes = nextNew;
    newEdges = nextNewEdges;
    performance.mark('map:step-diffed');
    if (nodeChanges.length || edgeChanges.length) { applyChanges(nodeChanges, edgeChanges); }
    performance.mark('map:step-updated');
    var shownNodes = 0, shownEdges = 0;
    for (i = 0; i < n; i++) { shownNodes += nodeOn[i]; }
    for (j = 0; j < m; j++) { shownEdges += edgeOn[j]; }
    var period = data.periods.length ? data.periods[step] : null;
    timeLabel.textContent = period ? G.fmt(T.until, { label: period.label, date: period.end }) : '';
    container.setAttribute('data-date', period ? period.end : '');
    container.setAttribute('data-visible-nodes', String(shownNodes));
    container.setAttribute('data-visible-edges', String(shownEdges));
    if (announce !== false) {
      say((period ? period.label + ': ' : '') +
          G.fmt(data.aggregated ? T.stepGroups : T.stepActors, { n: shownNodes, ties: shownEdges }) +
          (newNodes.length ? G.fmt(T.newCount, { n: newNodes.length }) : '') + '.');
    }
    writeUrl();
  }

  function restyle() {
    var updates = [];
    for (var i = 0; i < n; i++) {
      var u = nodeStyle(i);
      u.id = N.id[i];
      u.hidden = !nodeOn[i];
      if (titled[u.id]) { u.title = nodeTitle(i); }
      updates.push(u);
    }
    nodes.update(updates);
    showLegend();
    writeUrl();
  }

  // -- the selection panel: focus from the map -----------------------------------------------
  function focusUrl(id, depth) {
    var q = new URLSearchParams(config.focusBase);
    q.set('focus', id);
    if (depth > 1) { q.set('depth', String(depth)); }
    ['freq', 'colour', 'size', 'view'].forEach(function (k) {
      var v = viewQuery().get(k);
      if (v) { q.set(k, v); }
    });
    return config.mapUrl + '?' + q.toString();
  }

  function drillUrl(i) {
    var q = new URLSearchParams(config.filters);
    q.delete('group');
    var drill = N.drill[i];
    Object.keys(drill).forEach(function (k) { q.set(k, drill[k]); });
    ['freq', 'colour', 'size', 'view'].forEach(function (k) {
      var v = viewQuery().get(k);
      if (v) { q.set(k, v); }
    });
    return config.mapUrl + '?' + q.toString();
  }

  function link(text, href) {
    var a = document.createElement('a');
    a.href = href;
    a.textContent = text;
    return a;
  }

  function openPanel(i) {
    if (!panel) { return; }
    while (panel.firstChild) { panel.removeChild(panel.firstChild); }
    var h = document.createElement('h2');
    h.textContent = nodeLabel(i);
    panel.appendChild(h);
    var info = document.createElement('p');
    info.textContent = nodeTitle(i).split('\n').slice(1, 5).join(' · ');
    panel.appendChild(info);
    var actions = document.createElement('p');
    actions.className = 'panel-actions';
    var label = document.createElement('span');
    label.textContent = T.focusOn + ' ';
    actions.appendChild(label);
    for (var d = 1; d <= config.maxDepth; d++) {
      var a = link(T.steps[String(d)], focusUrl(N.id[i], d));
      a.className = 'button-link';
      actions.appendChild(a);
      actions.appendChild(document.createTextNode(' '));
    }
    actions.appendChild(link(T.actorPage, config.actorUrl.replace('__ID__', encodeURIComponent(N.id[i]))));
    panel.appendChild(actions);
    panel.hidden = false;
  }

  function closePanel() { if (panel) { panel.hidden = true; } }

  // -- start -----------------------------------------------------------------------------------
  // performance marks map:data, map:items, map:network, map:drawn, map:step…: where the time goes
  // (read them in the browser's performance panel or with performance.getEntriesByType('mark')).
  function init(payload) {
    performance.mark('map:data');
    data = payload;
    N = data.nodes;
    E = data.edges;
    n = N.id.length;
    m = E.from.length;
    var NEVER = 1e9;
    nodeSince = new Float64Array(n);
    nodeRegistered = new Float64Array(n);
    for (var i = 0; i < n; i++) {
      position[N.id[i]] = i;
      nodeSince[i] = N.since[i] === null ? -NEVER : N.since[i];
      nodeRegistered[i] = (N.registered && N.registered[i] !== null && N.registered[i] !== undefined)
        ? N.registered[i] : (data.aggregated ? nodeSince[i] : -NEVER);
    }
    maxWeight = E.weight.reduce(function (a, b) { return Math.max(a, b); }, 1);
    edgeSince = new Float64Array(m);
    edgeSpans = E.spans;
    for (var j = 0; j < m; j++) { edgeSince[j] = E.since[j] === null ? NEVER : E.since[j]; }

    var start = data.periods.length - 1;
    if (state.at) {
      for (var p = 0; p < data.periods.length; p++) {
        if (data.periods[p].end >= state.at) { start = p; break; }
      }
    }
    step = Math.max(0, start);
    var first = visibleAt(currentDay());
    nodeOn = first.nodes;
    edgeOn = first.edges;

    var items = new Array(n);
    for (i = 0; i < n; i++) {
      var item = nodeStyle(i);
      item.id = N.id[i];
      if (data.aggregated) { item.label = nodeLabel(i); }  // actors' labels are painted (G.paintLabels)
      item.x = N.x[i];
      item.y = N.y[i];
      item.shape = item.shape || data.tables.shapes[N.kind[i]] || 'dot';
      item.hidden = !nodeOn[i];
      items[i] = item;
    }
    var edgeItems = new Array(m);
    for (j = 0; j < m; j++) {
      edgeItems[j] = { id: j, from: N.id[E.from[j]], to: N.id[E.to[j]], width: edgeWidth(j), color: edgeColour(j),
                       hidden: !edgeOn[j] };
    }
    performance.mark('map:items');
    nodes = new vis.DataSet(items);
    edges = new vis.DataSet(edgeItems);
    var options = JSON.parse(JSON.stringify(G.NETWORK_OPTIONS));
    options.interaction.hideEdgesOnDrag = m > 4000;
    options.interaction.hideEdgesOnZoom = m > 4000;
    network = new vis.Network(container, { nodes: nodes, edges: edges }, options);
    // Tooltips are made when first hovered (thousands of them up front slow the start).
    var titledEdges = {};
    network.on('hoverNode', function (params) {
      if (titled[params.node]) { return; }
      titled[params.node] = true;
      nodes.update({ id: params.node, title: nodeTitle(position[params.node]) });
    });
    network.on('hoverEdge', function (params) {
      if (titledEdges[params.edge]) { return; }
      titledEdges[params.edge] = true;
      edges.update({ id: params.edge, title: edgeTitle(params.edge) });
    });
    // For tests and the browser console: the drawn network (positions: network.getPositions()).
    Object.defineProperty(container, 'mapNetwork', { value: network });
    network.on('click', function (params) {
      if (!params.nodes.length) { closePanel(); return; }
      var i = position[params.nodes[0]];
      if (data.aggregated) { window.location.href = drillUrl(i); return; }  // a bubble opens its own map
      openPanel(i);
    });
    network.on('doubleClick', function (params) {
      if (!params.nodes.length) { return; }
      var i = position[params.nodes[0]];
      window.location.href = data.aggregated ? drillUrl(i) : focusUrl(N.id[i], 1);
    });

    if (minTiesInput && data.aggregated) {
      minTiesInput.max = String(Math.max(1, E.weight.reduce(function (a, b) { return Math.max(a, b); }, 1)));
      minTiesInput.value = String(state.minTies || data.legend.min_ties || 1);
    }
    slider.max = String(Math.max(0, data.periods.length - 1));
    slider.value = String(step);
    slider.disabled = data.periods.length === 0;
    playButton.disabled = data.periods.length < 2;
    showStep(step, false);  // nothing changes: the items were made as this step shows them
    var drawnNodes = items.filter(function (it, k) { return nodeOn[k]; });
    if (!data.aggregated) {  // bubbles draw their own labels (pieRenderer)
      G.paintLabels(network, { x: N.x, y: N.y, labelScale: N.label_scale,
                               text: function (i) { return N.label[i]; },
                               size: function (i) { return N.label_dy[i]; },
                               shown: function (i) { return nodeOn[i] === 1; },
                               colour: function (i) { return N.role[i] === 1 ? '#555555' : '#1b1b1b'; } });
    }
    performance.mark('map:network');
    // Fit before the first frame (the canvas has its size already): the first picture is the final one.
    G.fitTo(network, container, drawnNodes.length ? drawnNodes : items, false);
    network.once('afterDrawing', function () { performance.mark('map:drawn'); });
    say(G.fmt(data.aggregated ? T.loadedGroups : T.loaded,
              { actors: data.counts.actors, ties: data.counts.ties, groups: n }));
    showLegend();
    container.setAttribute('data-ready', 'true');

    var names = document.getElementById('actor-names');
    if (names && !data.aggregated) {
      var frag = document.createDocumentFragment();
      N.label.slice(0, 5000).forEach(function (label) {
        var o = document.createElement('option');
        o.value = label;
        frag.appendChild(o);
      });
      names.appendChild(frag);
    }
  }

  function stop() {
    if (timer) { clearInterval(timer); timer = null; }
    playButton.setAttribute('aria-pressed', 'false');
    playButton.textContent = T.play;
  }

  playButton.addEventListener('click', function () {
    if (timer) { stop(); return; }
    var last = data.periods.length - 1;
    if (step >= last) { step = -1; }
    playButton.setAttribute('aria-pressed', 'true');
    playButton.textContent = T.pause;
    timer = setInterval(function () {
      if (step >= last) { stop(); return; }
      slider.value = String(step + 1);
      showStep(step + 1);
    }, 900);
  });

  slider.addEventListener('input', function () { stop(); showStep(Number(slider.value)); });

  document.querySelectorAll('input[name="mode"]').forEach(function (radio) {
    radio.addEventListener('change', function () {
      if (!radio.checked || !data) { return; }
      state.view = radio.value;
      showStep(step, true, false);
    });
  });

  if (colourBy) {
    colourBy.addEventListener('change', function () {
      state.colour = colourBy.value;
      if (data) { restyle(); }
    });
  }
  if (sizeBy) {
    sizeBy.addEventListener('change', function () {
      state.size = sizeBy.value;
      if (data) { restyle(); }
    });
  }
  if (minTiesInput) {
    minTiesInput.addEventListener('change', function () {
      var v = parseInt(minTiesInput.value, 10);
      state.minTies = v > 0 ? v : null;
      if (data) { showStep(step, true, false); }
    });
  }

  var toggle = document.getElementById('panel-toggle');
  if (toggle) {
    toggle.addEventListener('click', function () {
      var side = document.getElementById('map-side');
      var open = toggle.getAttribute('aria-expanded') === 'true';
      side.hidden = open;
      toggle.setAttribute('aria-expanded', open ? 'false' : 'true');
      toggle.textContent = open ? T.panelShow : T.panelHide;
      document.body.classList.toggle('map-side-closed', open);
      if (network) {
        network.setSize('100%', container.clientHeight + 'px');
        network.redraw();
      }
    });
  }

  var searchForm = document.getElementById('map-search');
  function search(focusIt) {
    var term = document.getElementById('search-input').value.trim().toLocaleLowerCase('nb');
    if (!term || !data) { return; }
    var hits = [];
    if (!data.aggregated) {
      for (var i = 0; i < n; i++) {
        if (N.label[i].toLocaleLowerCase('nb').indexOf(term) >= 0) { hits.push(i); }
      }
      hits.sort(function (a, b) {
        return (N.label[b].toLocaleLowerCase('nb') === term) - (N.label[a].toLocaleLowerCase('nb') === term);
      });
    }
    if (hits.length) {
      var hit = hits[0];
      if (focusIt) { window.location.href = focusUrl(N.id[hit], 1); return; }
      if (!nodeOn[hit]) {
        slider.value = slider.max;
        showStep(Number(slider.max), false);
      }
      network.selectNodes([N.id[hit]]);
      network.focus(N.id[hit], { scale: Math.max(network.getScale(), 1.2), animation: { duration: 400 } });
      openPanel(hit);
      say(hits.length > 1 ? G.fmt(T.foundMore, { name: N.label[hit], more: hits.length - 1 })
                          : G.fmt(T.found, { name: N.label[hit] }));
      return;
    }
    fetch(config.searchApi + '?limit=1&q=' + encodeURIComponent(term), { headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (page) {
        if (page.items && page.items.length) {
          window.location.href = focusUrl(page.items[0].id, 1);
        } else {
          say(G.fmt(T.notFound, { term: term }));
        }
      });
  }
  searchForm.addEventListener('submit', function (event) {
    event.preventDefault();
    search(event.submitter && event.submitter.value === 'focus');
  });

  fetch(config.api, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
    .then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    })
    .then(init)
    .catch(function (err) { say(G.fmt(T.loadFailed, { error: err.message })); });
}());
