// Drawing shared by the map page (map.js) and the downloaded standalone map (map-standalone.js):
// vis-network items from the server's view (positions, sizes and label zooms are the server's),
// pie glyphs for aggregated bubbles, the label rule, and text-only tooltips. Names are never
// parsed as HTML: labels are drawn on the canvas, tooltips are plain strings (vis-network shows
// them with innerText).
(function (root) {
  'use strict';

  var OUTLINE = '#333333';
  var CROSS_TIE = '#332288';
  var INNER_TIE = '#9a9a9a';
  var NEW = '#E69F00';
  // Labels: drawn from their node's label zoom on (the server's label_scale), at 13 px on screen.
  var LABEL_PX = 13;

  function fmt(template, values) {
    return String(template).replace(/%\((\w+)\)s/g, function (all, key) {
      return Object.prototype.hasOwnProperty.call(values, key) ? String(values[key]) : all;
    });
  }

  // A colour mixed with white: partners outside the selection are drawn pale.
  function pale(hex, amount) {
    var h = hex.replace('#', '');
    var out = '#';
    for (var i = 0; i < 6; i += 2) {
      var c = parseInt(h.substr(i, 2), 16);
      var m = Math.round(c + (255 - c) * amount);
      out += (m < 16 ? '0' : '') + m.toString(16);
    }
    return out;
  }

  var NETWORK_OPTIONS = {
    physics: { enabled: false },
    layout: { improvedLayout: false },
    edges: { smooth: false, scaling: { min: 1, max: 8 }, color: { opacity: 0.65 }, selectionWidth: 2 },
    nodes: { borderWidth: 1, font: { size: LABEL_PX, strokeWidth: 3, strokeColor: '#ffffff', color: '#1b1b1b' },
             scaling: { label: { enabled: false, drawThreshold: 4 } } },
    interaction: { hover: true, tooltipDelay: 120, keyboard: { enabled: true, bindToWindow: false },
                   multiselect: false, zoomSpeed: 0.8 }
  };

  // A pie of [{colour, count}] for vis-network's custom shape; the label under it from its label zoom on.
  function pieRenderer(parts, labelScale) {
    // One slice per colour: the grey groups (e.g. associations, citizen groups) make one grey slice, last.
    var byColour = {}, merged = [];
    parts.forEach(function (p) {
      if (!byColour[p.colour]) { byColour[p.colour] = { colour: p.colour, count: 0 }; merged.push(byColour[p.colour]); }
      byColour[p.colour].count += p.count;
    });
    merged.sort(function (a, b) { return (a.colour === '#DDDDDD') - (b.colour === '#DDDDDD'); });
    parts = merged;
    var total = parts.reduce(function (s, p) { return s + p.count; }, 0) || 1;
    return function (args) {
      var ctx = args.ctx, x = args.x, y = args.y, r = args.style.size, state = args.state;
      return {
        drawNode: function () {
          var angle = -Math.PI / 2;
          parts.forEach(function (p) {
            var sweep = 2 * Math.PI * p.count / total;
            ctx.beginPath();
            ctx.moveTo(x, y);
            ctx.arc(x, y, r, angle, angle + sweep);
            ctx.closePath();
            ctx.fillStyle = p.colour;
            ctx.fill();
            if (parts.length > 1) { ctx.strokeStyle = '#ffffff'; ctx.lineWidth = Math.max(0.5, r / 40); ctx.stroke(); }
            angle += sweep;
          });
          ctx.beginPath();
          ctx.arc(x, y, r, 0, 2 * Math.PI);
          ctx.strokeStyle = state.selected || state.hover ? '#000000' : OUTLINE;
          ctx.lineWidth = state.selected ? 3 : 1.2;
          ctx.stroke();
        },
        drawExternalLabel: function () {
          var scale = ctx.getTransform ? ctx.getTransform().a / (window.devicePixelRatio || 1) : 1;
          if (!args.label || labelScale === null || scale < labelScale) { return; }
          ctx.font = (LABEL_PX / scale) + 'px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
          ctx.textAlign = 'center';
          ctx.lineJoin = 'round';
          ctx.lineWidth = 3 / scale;
          ctx.strokeStyle = '#ffffff';
          ctx.fillStyle = '#1b1b1b';
          // Inside the bubble when it is wide enough (fewer labels over other bubbles), else under it.
          var inside = ctx.measureText(args.label).width <= 1.7 * r;
          ctx.textBaseline = inside ? 'middle' : 'top';
          var ty = inside ? y : y + r + 3 / scale;
          ctx.strokeText(args.label, x, ty);
          ctx.fillText(args.label, x, ty);
        },
        nodeDimensions: { width: 2 * r, height: 2 * r }
      };
    };
  }

  // Plain-text tooltip lines (vis-network shows a string title with innerText: never HTML).
  function tooltip(lines) {
    return lines.filter(function (l) { return l !== null && l !== undefined && l !== ''; }).join('\n');
  }

  // Fit the view to the given nodes (positions and radii from the server), with room for labels.
  function fitTo(network, container, items, animate) {
    var minX = Infinity, maxX = -Infinity, minY = Infinity, maxY = -Infinity, count = 0;
    items.forEach(function (n) {
      var r = n.size || 10;
      minX = Math.min(minX, n.x - r); maxX = Math.max(maxX, n.x + r);
      minY = Math.min(minY, n.y - r); maxY = Math.max(maxY, n.y + r);
      count += 1;
    });
    if (!count) { return 1; }
    var padX = 80, padTop = 20, padBottom = 40;  // canvas pixels: room for the labels of the outermost nodes
    var width = Math.max(container.clientWidth - 2 * padX, 50);
    var height = Math.max(container.clientHeight - padTop - padBottom, 50);
    var scale = Math.min(width / Math.max(maxX - minX, 1), height / Math.max(maxY - minY, 1));
    scale = Math.max(0.005, Math.min(scale, 2.5));
    network.moveTo({ position: { x: (minX + maxX) / 2, y: (minY + maxY) / 2 + (padBottom - padTop) / 2 / scale },
                     scale: scale, animation: animate ? { duration: 300, easingFunction: 'easeInOutQuad' } : false });
    return scale;
  }

  // Labels are painted over the network after each frame: only those that fit at the current zoom
  // (the server's label_scale: the zoom from which a label touches no more important one), at
  // LABEL_PX on screen whatever the zoom. A few hundred fillText calls a frame; vis-network's own
  // labels would need a DataSet update (and a re-measure) per node at every zoom.
  // spec: {x, y, labelScale, text(i), size(i): how far below its centre the label starts, shown(i), colour(i)}
  function paintLabels(network, spec) {
    var order = [];
    for (var i = 0; i < spec.labelScale.length; i++) { if (spec.labelScale[i] !== null) { order.push(i); } }
    order.sort(function (a, b) { return spec.labelScale[a] - spec.labelScale[b]; });
    network.on('afterDrawing', function (ctx) {
      var s = network.getScale();
      ctx.save();
      ctx.font = (LABEL_PX / s) + 'px system-ui, -apple-system, "Segoe UI", Roboto, sans-serif';
      ctx.textAlign = 'center';
      ctx.textBaseline = 'top';
      ctx.lineJoin = 'round';
      ctx.lineWidth = 3 / s;
      ctx.strokeStyle = '#ffffff';
      for (var k = 0; k < order.length; k++) {
        var i = order[k];
        if (spec.labelScale[i] > s * 1.0001) { break; }
        if (!spec.shown(i)) { continue; }
        var y = spec.y[i] + spec.size(i) + 2 / s;
        var text = spec.text(i);
        ctx.strokeText(text, spec.x[i], y);
        ctx.fillStyle = spec.colour(i);
        ctx.fillText(text, spec.x[i], y);
      }
      ctx.restore();
    });
  }

  root.GraphsvcMap = { fmt: fmt, pale: pale, pieRenderer: pieRenderer, tooltip: tooltip,
                       fitTo: fitTo, paintLabels: paintLabels, NETWORK_OPTIONS: NETWORK_OPTIONS, OUTLINE: OUTLINE, CROSS_TIE: CROSS_TIE,
                       INNER_TIE: INNER_TIE, NEW: NEW, LABEL_PX: LABEL_PX };
}(window));
