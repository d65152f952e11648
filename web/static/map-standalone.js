// The viewer inside a downloaded map (map_export.html): reads the data block, draws with physics
// off, builds tooltips with textContent (names are never parsed as HTML).
(function () {
  'use strict';
  function read(id) { return JSON.parse(document.getElementById(id).textContent); }
  var data = read('map-data');
  var options = read('map-options');
  var T = document.getElementById('map-strings') ? read('map-strings') : {};
  function t(key, fallback) { return T[key] || fallback; }
  function tip(lines) {
    var div = document.createElement('div');
    lines.forEach(function (l, i) {
      var row = document.createElement('div');
      row.textContent = l;
      if (i === 0) { row.style.fontWeight = '700'; }
      div.appendChild(row);
    });
    return div;
  }
  data.nodes.forEach(function (n) {
    var m = n.info.metrics || {};
    var kind = (T.kinds && T.kinds[n.info.kind]) || n.info.kind;
    var group = (T.groups && T.groups[n.info.group]) || n.info.group;
    n.title = tip([n.label, t('kind', 'Type') + ': ' + kind, t('sector', 'Sektor') + ': ' + group,
                   t('municipality', 'Kommune') + ': ' + (n.info.municipality || ''),
                   t('partners', 'Samarbeidspartnere') + ': ' + (m.degree || 0),
                   t('betweenness', 'Betweenness') + ': ' + (m.betweenness || 0),
                   t('brokerage', 'Meglerroller') + ': ' + (m.brokerage || 0)]);
    n.color = { background: n.color, border: '#333333' };
  });
  data.edges.forEach(function (e) {
    e.title = tip([t('shared', 'Felles initiativ') + ': ' + e.info.weight].concat(e.info.titles.map(function (t) { return '• ' + t; })));
  });
  new vis.Network(document.getElementById('map'), { nodes: new vis.DataSet(data.nodes), edges: new vis.DataSet(data.edges) },
                  options);
}());
