// The viewer inside a downloaded map (map_export.html): draws the view's nodes where the server put
// them, with the page's options (map-draw.js); pies for bubbles; plain-text tooltips (never HTML).
(function () {
  'use strict';
  var G = window.GraphsvcMap;
  var data = JSON.parse(document.getElementById('map-data').textContent);
  data.nodes.forEach(function (n) {
    n.title = G.tooltip(n.info);
    if (n.pie) { n.ctxRenderer = G.pieRenderer(n.pie, n.labelScale); }
  });
  data.edges.forEach(function (e) { e.title = G.tooltip(e.info); });
  var container = document.getElementById('map');
  var options = JSON.parse(JSON.stringify(G.NETWORK_OPTIONS));
  options.interaction.hideEdgesOnDrag = data.edges.length > 4000;
  data.nodes.forEach(function (n) { if (!n.pie) { n.text = n.label; delete n.label; } });  // painted
  var nodes = new vis.DataSet(data.nodes);
  var network = new vis.Network(container, { nodes: nodes, edges: new vis.DataSet(data.edges) }, options);
  var shown = function () { return true; };
  G.paintLabels(network, { x: data.nodes.map(function (n) { return n.x; }), y: data.nodes.map(function (n) { return n.y; }),
                           labelScale: data.nodes.map(function (n) { return n.pie ? null : n.labelScale; }),
                           text: function (i) { return data.nodes[i].text; }, size: function (i) { return data.nodes[i].labelDy; },
                           shown: shown, colour: function (i) { return data.nodes[i].partner ? '#555555' : '#1b1b1b'; } });
  network.once('afterDrawing', function () { G.fitTo(network, container, data.nodes, false); });
}());
