/* Kasasu's one chart helper, on Plotly: every chart of the workspace draws through it, so
   that dates, money and hovers read the same way everywhere in the page's language.

   Kasasu.chart(id, traces, options) where each trace is Plotly's, and options:
     x: "month" (values "2026-03"), "day" (values "2026-03-15") or "category" (as given)
     money: true when y is money in minor units (the page's currency, on <body>)
     yTitle, xTitle: axis titles;  links: a URL per x value (a bar or point opens it)
     yRange: [low, high] of the value axis (a score's 0–100);  layout: more Plotly layout.
   Japanese: months 2026年3月, days 3月15日, money ¥120万 / ¥1.2億; English: Mar 2026, ¥1.2M. */
(function () {
  "use strict";
  var root = document.documentElement;
  var ja = (root.lang || "en").indexOf("ja") === 0;
  var money = document.body.dataset;  // <body data-currency-symbol data-currency-digits>
  var symbol = money.currencySymbol || "¥";
  var digits = Number(money.currencyDigits || 0);
  var MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"];

  function monthLabel(value) {
    var m = /^(\d{4})-(\d{2})$/.exec(String(value));
    if (!m) return String(value);
    var month = Number(m[2]);
    return ja ? m[1] + "年" + month + "月" : MONTHS[month - 1] + " " + m[1];
  }

  function trim(n) {
    return String(Math.round(n * 10) / 10);
  }

  // A short amount for an axis: ¥120万, ¥1.2億 (ja); ¥1.2M, ¥350K (en).
  function shortMoney(major) {
    var a = Math.abs(major), sign = major < 0 ? "-" : "";
    var text;
    if (ja) {
      text = a >= 1e8 ? trim(a / 1e8) + "億" : a >= 1e4 ? trim(a / 1e4) + "万" : trim(a);
    } else {
      text = a >= 1e9 ? trim(a / 1e9) + "B" : a >= 1e6 ? trim(a / 1e6) + "M" :
        a >= 1e3 ? trim(a / 1e3) + "K" : trim(a);
    }
    return sign + symbol + text;
  }

  // The whole amount for a hover: ¥1,234,567.
  function fullMoney(major) {
    var text = Math.abs(major).toLocaleString(ja ? "ja-JP" : "en-US",
      {minimumFractionDigits: digits, maximumFractionDigits: digits});
    return (major < 0 ? "-" : "") + symbol + text;
  }

  function niceStep(span) {
    var raw = span / 5, power = Math.pow(10, Math.floor(Math.log10(raw)));
    var scaled = raw / power;
    return (scaled <= 1 ? 1 : scaled <= 2 ? 2 : scaled <= 2.5 ? 2.5 : scaled <= 5 ? 5 : 10) * power;
  }

  // The y range every trace spans (stacked bars add up per x value).
  function extent(traces, stacked) {
    var lo = 0, hi = 0, pos = {}, neg = {};
    traces.forEach(function (t) {
      (t.y || []).forEach(function (v, i) {
        if (v === null || v === undefined) return;
        if (stacked) {
          if (v >= 0) pos[i] = (pos[i] || 0) + v; else neg[i] = (neg[i] || 0) + v;
        } else { lo = Math.min(lo, v); hi = Math.max(hi, v); }
      });
    });
    if (stacked) {
      Object.keys(pos).forEach(function (k) { hi = Math.max(hi, pos[k]); });
      Object.keys(neg).forEach(function (k) { lo = Math.min(lo, neg[k]); });
    }
    if (lo === hi) hi = lo + 1;  // a flat series still gets a scale
    return [lo, hi];
  }

  function moneyAxis(traces, stacked) {
    var range = extent(traces, stacked), step = niceStep(range[1] - range[0]);
    var first = Math.floor(range[0] / step) * step, vals = [], text = [];
    for (var v = first; v <= range[1] + step / 2; v += step) {
      vals.push(v); text.push(shortMoney(v));
    }
    return {tickvals: vals, ticktext: text, range: [first, vals[vals.length - 1]]};
  }

  function chart(id, traces, options) {
    var element = document.getElementById(id);
    if (!window.Plotly || !element) return;
    options = options || {};
    var scale = Math.pow(10, digits);
    traces = traces.map(function (t) {
      var copy = Object.assign({}, t);
      if (options.money) {
        copy.y = (t.y || []).map(function (v) { return v === null ? null : v / scale; });
        copy.customdata = copy.y.map(function (v) { return v === null ? "—" : fullMoney(v); });
        copy.hovertemplate = "%{x}<br>%{customdata}<extra>" + (t.name || "") + "</extra>";
      }
      if (options.x === "month") copy.x = (t.x || []).map(monthLabel);
      return copy;
    });
    var stacked = (options.layout || {}).barmode === "relative";
    var yaxis = {title: {text: options.yTitle || ""}, automargin: true, rangemode: "tozero"};
    if (options.money) Object.assign(yaxis, moneyAxis(traces, stacked));
    else {
      var range = extent(traces, stacked);
      if (range[1] - range[0] <= 1 && range[0] >= 0) yaxis.range = [0, Math.max(1, range[1]) * 1.2];
    }
    if (options.yRange) yaxis.range = options.yRange;
    var xaxis = {title: {text: options.xTitle || ""}, automargin: true};
    if (options.x === "day") {
      xaxis.type = "date";
      xaxis.tickformat = ja ? "%-m月%-d日" : "%b %-d";
      xaxis.hoverformat = ja ? "%Y年%-m月%-d日" : "%b %-d, %Y";
    } else {
      xaxis.type = "category";
    }
    var layout = Object.assign({margin: {t: 10, r: 10, b: 40, l: 60}, height: 260,
      showlegend: traces.length > 1, xaxis: xaxis, yaxis: yaxis,
      separators: ".,"}, options.layout || {});
    window.Plotly.newPlot(element, traces, layout, {displayModeBar: false, responsive: true});
    if (options.links) {
      element.on("plotly_click", function (event) {
        var point = event.points && event.points[0];
        var url = point && options.links[point.pointIndex];
        if (url) window.location.href = url;
      });
    }
  }

  window.Kasasu = {chart: chart, monthLabel: monthLabel, shortMoney: shortMoney};
})();
