// The interactive map on /map: vis-network with positions from the server, physics off.
// Data comes from the JSON API (config in a <script type="application/json"> block). Names are
// never parsed as HTML: labels are drawn on the canvas and tooltips are DOM nodes built with
// textContent.
(function () {
  'use strict';

  var config = JSON.parse(document.getElementById('map-config').textContent);
  var container = document.getElementById('map-canvas');
  var statusEl = document.getElementById('map-status');
  var slider = document.getElementById('time-slider');
  var timeLabel = document.getElementById('time-label');
  var playButton = document.getElementById('play');
  var sizeBy = document.getElementById('size-by');
  var NEW_COLOUR = '#E69F00';
  // Texts in the user's language, from the page (a JSON data block: no inline script under the CSP).
  var T = JSON.parse(document.getElementById('map-strings').textContent);
  var KIND_NAMES = T.kinds || {};
  var METRIC_NAMES = T.metrics || {};

  // "%(name)s" placeholders as in the server's catalogue.
  function fmt(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  function groupName(g) { return (T.groups && T.groups[g]) || g; }

  var state = { data: null, step: 0, mode: config.view, visibleNodes: null, visibleEdges: null,
                highlighted: { nodes: [], edges: [] }, timer: null };
  var nodes, edges, network;

  function say(text) { statusEl.textContent = text; }

  function line(parent, label, value) {
    var row = document.createElement('div');
    var b = document.createElement('strong');
    b.textContent = label + ': ';
    row.appendChild(b);
    row.appendChild(document.createTextNode(String(value)));
    parent.appendChild(row);
  }

  function nodeTooltip(n) {
    var div = document.createElement('div');
    div.className = 'map-tip';
    var h = document.createElement('div');
    h.className = 'map-tip-title';
    h.textContent = (n.aggregate === 'sector' && T.groups && T.groups[n.group]) ? groupName(n.group) + ' (' + n.count + ')' : n.label;
    div.appendChild(h);
    if (n.aggregate) {
      line(div, n.aggregate === 'municipality' ? T.municipality : T.sector,
           n.aggregate === 'municipality' ? n.group : groupName(n.group));
    } else {
      line(div, T.kind, KIND_NAMES[n.kind] || n.kind);
      line(div, T.sector, groupName(n.group));
      line(div, T.municipality, n.municipality);
    }
    Object.keys(n.metrics).forEach(function (k) {
      if (n.aggregate && ['degree', 'strength', 'betweenness', 'brokerage'].indexOf(k) >= 0) { return; }
      line(div, METRIC_NAMES[k] || k, n.metrics[k]);
    });
    if (n.since) { line(div, T.since, n.since); }
    return div;
  }

  function edgeTooltip(e) {
    var div = document.createElement('div');
    div.className = 'map-tip';
    line(div, e.titles.length ? T.sharedInitiatives : T.ties, e.weight);
    e.titles.forEach(function (t) {
      var row = document.createElement('div');
      row.textContent = '• ' + t;
      div.appendChild(row);
    });
    if (e.since) { line(div, T.first, e.since); }
    return div;
  }

  function sizeValue(n) {
    var v = n.metrics[sizeBy.value] || 0;
    return sizeBy.value === 'betweenness' ? 1 + v * 1000 : 1 + v;
  }

  function nodeItem(n) {
    // A sector group's label is "(association) (12)" from the server: show the group in the user's language.
    var label = (n.aggregate === 'sector' && T.groups && T.groups[n.group]) ? groupName(n.group) + ' (' + n.count + ')' : n.label;
    return { id: n.id, label: label, x: n.x, y: n.y, shape: n.shape, value: sizeValue(n),
             color: { background: n.colour, border: '#333333',
                      highlight: { background: n.colour, border: '#000000' } },
             borderWidth: 1, title: nodeTooltip(n), raw: n };
  }

  // -- what the slider shows -------------------------------------------------------------
  function currentDate() {
    var p = state.data.periods;
    return p.length ? p[state.step].end : null;
  }

  function computeVisible(date, mode) {
    var visNodes = new Set();
    var visEdges = new Set();
    var data = state.data;
    if (date === null) {
      data.nodes.forEach(function (n) { visNodes.add(n.id); });
      data.edges.forEach(function (e, i) { visEdges.add(i); });
      return { nodes: visNodes, edges: visEdges };
    }
    data.edges.forEach(function (e, i) {
      var on;
      if (mode === 'cumulative') {
        on = e.since !== null && e.since <= date;
      } else {
        on = e.spans.some(function (s) { return s[0] <= date && (s[1] === null || s[1] >= date); });
      }
      if (on) {
        visEdges.add(i);
        if (mode === 'active') { visNodes.add(e.from); visNodes.add(e.to); }
      }
    });
    data.nodes.forEach(function (n) {
      var from = (mode === 'active' && !n.aggregate) ? n.registered : n.since;
      if (from === null || from <= date) { visNodes.add(n.id); }
    });
    return { nodes: visNodes, edges: visEdges };
  }

  function showStep(step, announce) {
    var data = state.data;
    var previous = state.visibleNodes;
    var previousEdges = state.visibleEdges;
    state.step = step;
    var date = currentDate();
    var vis = computeVisible(date, state.mode);
    state.visibleNodes = vis.nodes;
    state.visibleEdges = vis.edges;

    // Highlight what is new since the previous step.
    var updates = [];
    state.highlighted.nodes.forEach(function (id) {
      var n = nodes.get(id);
      if (n) { updates.push({ id: id, borderWidth: 1, color: { background: n.raw.colour, border: '#333333' } }); }
    });
    var newNodes = [];
    if (previous) {
      vis.nodes.forEach(function (id) { if (!previous.has(id)) { newNodes.push(id); } });
    }
    newNodes.forEach(function (id) {
      var n = nodes.get(id);
      updates.push({ id: id, borderWidth: 4, color: { background: n.raw.colour, border: NEW_COLOUR } });
    });
    nodes.update(updates);
    var edgeUpdates = [];
    state.highlighted.edges.forEach(function (i) { edgeUpdates.push({ id: i, color: { color: '#9a9a9a' } }); });
    var newEdges = [];
    if (previousEdges) {
      vis.edges.forEach(function (i) { if (!previousEdges.has(i)) { newEdges.push(i); } });
    }
    newEdges.forEach(function (i) { edgeUpdates.push({ id: i, color: { color: NEW_COLOUR } }); });
    edges.update(edgeUpdates);
    state.highlighted = { nodes: newNodes, edges: newEdges };

    nodesView.refresh();
    edgesView.refresh();
    var label = data.periods.length ? data.periods[step].label : '';
    timeLabel.textContent = label ? fmt(T.until, { label: label, date: date }) : '';
    container.setAttribute('data-date', date || '');
    container.setAttribute('data-visible-nodes', String(vis.nodes.size));
    container.setAttribute('data-visible-edges', String(vis.edges.size));
    if (announce !== false) {
      say((label ? label + ': ' : '') +
          fmt(data.aggregated ? T.stepGroups : T.stepActors, { n: vis.nodes.size, ties: vis.edges.size }) +
          (newNodes.length ? fmt(T.newCount, { n: newNodes.length }) : '') + '.');
    }
  }

  var nodesView, edgesView;

  // Positions come from the whole network's layout (stable across the slider and filters), so a
  // filtered or focused map would sit in a corner of it: zoom to the nodes on screen instead.
  function fitVisible(animate) {
    if (!network) { return; }
    // From the server's positions, not vis-network's bounding boxes (those exist only after a node
    // is first drawn): centre on the visible nodes and zoom so they fill the canvas.
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity, count = 0;
    nodesView.get().forEach(function (n) {
      minX = Math.min(minX, n.x); maxX = Math.max(maxX, n.x);
      minY = Math.min(minY, n.y); maxY = Math.max(maxY, n.y);
      count += 1;
    });
    if (!count) { return; }
    var pad = 60;  // room for the node sizes and labels around the outermost nodes, in canvas pixels
    var width = Math.max(container.clientWidth - 2 * pad, 50);
    var height = Math.max(container.clientHeight - 2 * pad, 50);
    var scale = Math.min(width / Math.max(maxX - minX, 1), height / Math.max(maxY - minY, 1));
    scale = Math.max(0.02, Math.min(scale, count === 1 ? 1.2 : 1.5));
    network.moveTo({ position: { x: (minX + maxX) / 2, y: (minY + maxY) / 2 }, scale: scale,
                     animation: animate ? { duration: 300, easingFunction: 'easeInOutQuad' } : false });
  }

  function init(data) {
    state.data = data;
    nodes = new vis.DataSet(data.nodes.map(nodeItem));
    edges = new vis.DataSet(data.edges.map(function (e, i) {
      return { id: i, from: e.from, to: e.to, value: e.weight, title: edgeTooltip(e), raw: e,
               color: { color: '#9a9a9a' } };
    }));
    nodesView = new vis.DataView(nodes, { filter: function (n) { return !state.visibleNodes || state.visibleNodes.has(n.id); } });
    edgesView = new vis.DataView(edges, { filter: function (e) { return !state.visibleEdges || state.visibleEdges.has(e.id); } });
    var options = {
      physics: { enabled: false },
      layout: { improvedLayout: false },
      edges: { smooth: false, scaling: { min: 1, max: 8 }, color: { opacity: 0.7 } },
      nodes: { font: { size: 14, strokeWidth: 3, strokeColor: '#ffffff' },
               scaling: { min: 8, max: 40, label: { enabled: true, min: 8, max: 26, drawThreshold: 9 } } },
      interaction: { hover: true, tooltipDelay: 100, keyboard: { enabled: true, bindToWindow: false },
                     hideEdgesOnDrag: data.edges.length > 5000 }
    };
    network = new vis.Network(container, { nodes: nodesView, edges: edgesView }, options);
    network.on('click', function (params) {
      if (!params.nodes.length) { return; }
      var n = nodes.get(params.nodes[0]).raw;
      if (n.aggregate) {
        var q = new URLSearchParams(config.filters);
        Object.keys(n.drill).forEach(function (k) { q.set(k, n.drill[k]); });
        q.set('freq', config.freq);
        window.location.href = config.mapUrl + '?' + q.toString();
      } else {
        window.location.href = config.actorUrl.replace('__ID__', encodeURIComponent(n.id));
      }
    });

    slider.max = String(Math.max(0, data.periods.length - 1));
    slider.value = slider.max;
    slider.disabled = data.periods.length === 0;
    playButton.disabled = data.periods.length < 2;
    showStep(Math.max(0, data.periods.length - 1), false);
    // After the first drawing: only then does the canvas have its final size (the view is centred on it).
    network.once('afterDrawing', function () { fitVisible(false); });
    say(fmt(data.aggregated ? T.loadedGroups : T.loaded,
            { actors: data.counts.actors, ties: data.counts.ties, groups: data.nodes.length }));
    container.setAttribute('data-ready', 'true');

    var names = document.getElementById('actor-names');
    if (!data.aggregated) {
      var frag = document.createDocumentFragment();
      data.nodes.slice(0, 5000).forEach(function (n) {
        var o = document.createElement('option');
        o.value = n.label;
        frag.appendChild(o);
      });
      names.appendChild(frag);
    }
  }

  function stop() {
    if (state.timer) { clearInterval(state.timer); state.timer = null; }
    playButton.setAttribute('aria-pressed', 'false');
    playButton.textContent = T.play;
  }

  playButton.addEventListener('click', function () {
    if (state.timer) { stop(); return; }
    var last = state.data.periods.length - 1;
    if (state.step >= last) { state.step = -1; }
    playButton.setAttribute('aria-pressed', 'true');
    playButton.textContent = T.pause;
    state.timer = setInterval(function () {
      if (state.step >= last) { stop(); return; }
      slider.value = String(state.step + 1);
      showStep(state.step + 1);
    }, 900);
  });

  slider.addEventListener('input', function () { stop(); showStep(Number(slider.value)); });

  document.querySelectorAll('input[name="mode"]').forEach(function (radio) {
    radio.addEventListener('change', function () {
      if (!radio.checked) { return; }
      state.mode = radio.value;
      state.visibleNodes = null;
      state.visibleEdges = null;
      showStep(state.step);
      fitVisible(true);
    });
  });

  sizeBy.addEventListener('change', function () {
    nodes.update(state.data.nodes.map(function (n) { return { id: n.id, value: sizeValue(n) }; }));
  });

  document.getElementById('map-search').addEventListener('submit', function (event) {
    event.preventDefault();
    var term = document.getElementById('search-input').value.trim().toLocaleLowerCase('nb');
    if (!term || !state.data) { return; }
    var hits = state.data.nodes.filter(function (n) {
      return !n.aggregate && n.label.toLocaleLowerCase('nb').indexOf(term) >= 0;
    });
    hits.sort(function (a, b) {
      return (b.label.toLocaleLowerCase('nb') === term) - (a.label.toLocaleLowerCase('nb') === term);
    });
    if (hits.length) {
      var id = hits[0].id;
      if (!state.visibleNodes.has(id)) {
        slider.value = slider.max;
        showStep(Number(slider.max), false);
      }
      network.selectNodes([id]);
      network.focus(id, { scale: 1.5, animation: { duration: 400 } });
      say(hits.length > 1 ? fmt(T.foundMore, { name: hits[0].label, more: hits.length - 1 })
                          : fmt(T.found, { name: hits[0].label }));
      return;
    }
    fetch(config.searchApi + '?limit=1&q=' + encodeURIComponent(term), { headers: { Accept: 'application/json' } })
      .then(function (r) { return r.ok ? r.json() : { items: [] }; })
      .then(function (page) {
        if (page.items && page.items.length) {
          var q = new URLSearchParams({ focus: page.items[0].id, freq: config.freq });
          window.location.href = config.mapUrl + '?' + q.toString();
        } else {
          say(fmt(T.notFound, { term: term }));
        }
      });
  });

  fetch(config.api, { headers: { Accept: 'application/json' }, credentials: 'same-origin' })
    .then(function (r) {
      if (!r.ok) { throw new Error('HTTP ' + r.status); }
      return r.json();
    })
    .then(init)
    .catch(function (err) { say(fmt(T.loadFailed, { error: err.message })); });
}());
