// Charts of /indicators/ (Chart.js, served by Mithaq itself; the figures come from a json_script block).
(function () {
  var node = document.getElementById("indicators-data");
  if (!node || typeof Chart === "undefined") { return; }
  var data = JSON.parse(node.textContent);
  var rtl = document.documentElement.dir === "rtl";
  var common = { responsive: true, locale: document.documentElement.lang, plugins: { legend: { rtl: rtl } } };
  function bar(id, labels, datasets, extra) {
    var canvas = document.getElementById(id);
    if (!canvas) { return; }
    new Chart(canvas, { type: "bar", data: { labels: labels, datasets: datasets }, options: Object.assign({}, common, extra || {}) });
  }
  var xy = { scales: { x: { reverse: rtl }, y: { position: rtl ? "right" : "left", beginAtZero: true } } };
  bar("chart-kinds", data.kinds.labels, [
    { label: data.legend.period, data: data.kinds.period, backgroundColor: "#2b6cb0" },
    { label: data.legend.today, data: data.kinds.today, backgroundColor: "#90cdf4" }
  ], xy);
  bar("chart-funnel", data.funnel.labels, [{ label: data.legend.cases, data: data.funnel.values, backgroundColor: "#805ad5" }],
    { indexAxis: "y", scales: { x: { reverse: rtl, beginAtZero: true }, y: { position: rtl ? "right" : "left" } } });
  var impl = document.getElementById("chart-implementation");
  if (impl) {
    new Chart(impl, {
      type: "doughnut",
      data: { labels: data.implementation.labels, datasets: [{ data: data.implementation.values, backgroundColor: ["#ecc94b", "#4299e1", "#38a169", "#e53e3e"] }] },
      options: common
    });
  }
  bar("chart-on-time", data.on_time.labels, [{ label: data.legend.share, data: data.on_time.values, backgroundColor: "#2f855a" }],
    { scales: { x: { reverse: rtl }, y: { position: rtl ? "right" : "left", min: 0, max: 100 } } });
})();
