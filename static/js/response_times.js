// Charts of the response-time audit (Chart.js, served by Mithaq itself).
(function () {
  var data = JSON.parse(document.getElementById("chart-data").textContent);
  if (typeof Chart === "undefined") { return; }
  var rtl = document.documentElement.dir === "rtl";
  // Western digits as Moroccan administration writes them: "ar-MA" numbers with 0-9, not ٠-٩.
  var lang = document.documentElement.lang;
  var common = { responsive: true, maintainAspectRatio: false, locale: lang === "ar" ? "ar-MA" : lang, plugins: { legend: { rtl: rtl } } };
  new Chart(document.getElementById("chart-times"), {
    type: "bar",
    data: {
      labels: data.labels,
      datasets: [
        { label: data.legend.median, data: data.median, backgroundColor: "#2b6cb0", yAxisID: "days" },
        { label: data.legend.p90, data: data.p90, backgroundColor: "#90cdf4", yAxisID: "days" },
        { label: data.legend.on_time, data: data.on_time, type: "line", borderColor: "#2f855a", yAxisID: "share" }
      ]
    },
    options: Object.assign({}, common, {
      scales: {
        x: { reverse: rtl },
        days: { position: rtl ? "right" : "left", beginAtZero: true },
        share: { position: rtl ? "left" : "right", min: 0, max: 100, grid: { drawOnChartArea: false } }
      }
    })
  });
  new Chart(document.getElementById("chart-funnel"), {
    type: "bar",
    data: { labels: data.funnel_labels, datasets: [{ label: data.legend.funnel, data: data.funnel, backgroundColor: "#805ad5" }] },
    options: Object.assign({}, common, { indexAxis: "y", scales: { x: { reverse: rtl, beginAtZero: true }, y: { position: rtl ? "right" : "left" } } })
  });
})();
