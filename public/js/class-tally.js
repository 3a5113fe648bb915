// The projector's live tally (Chart.js, served by this server): one bar per
// set of queues the class chose; after the reveal the right one is green.
function loadChartJs() {
  if (window.Chart) return Promise.resolve(window.Chart);
  return new Promise((resolve, reject) => {
    const script = document.createElement('script');
    script.src = '/static/vendor/chart.umd.min.js';
    script.onload = () => resolve(window.Chart);
    script.onerror = reject;
    document.head.append(script);
  });
}

/** groups: [{ label: [queues], count, right }], nowhere: the word for an empty set. */
export function tallySeries(groups, { revealed, nowhere, solved, failed }) {
  const name = (label) =>
    label.length === 0
      ? nowhere
      : label[0] === 'solved' && label.length === 1
        ? solved
        : label[0] === 'failed' && label.length === 1
          ? failed
          : label.join(' + ');
  return {
    labels: groups.map((g) => name(g.label)),
    counts: groups.map((g) => g.count),
    colours: groups.map((g) => (!revealed ? '#0b57d0' : g.right ? '#0a7d32' : '#9aa3ae')),
  };
}

export function createTallyChart(canvas, t) {
  let chart = null;
  let latest = null;
  const draw = (series) => {
    chart.data.labels = series.labels;
    chart.data.datasets[0].data = series.counts;
    chart.data.datasets[0].backgroundColor = series.colours;
    chart.update();
  };
  loadChartJs()
    .then((Chart) => {
      Chart.defaults.font.size = 18;
      Chart.defaults.color = '#111418';
      chart = new Chart(canvas, {
        type: 'bar',
        data: { labels: [], datasets: [{ label: t('class.tally.students'), data: [], backgroundColor: [] }] },
        options: {
          animation: false,
          responsive: true,
          maintainAspectRatio: false,
          indexAxis: 'y',
          scales: { x: { beginAtZero: true, suggestedMax: 4, ticks: { precision: 0 } } },
          plugins: { legend: { display: false } },
        },
      });
      if (latest) draw(latest);
    })
    .catch(() => {}); // the counts are also in words beside the chart
  return {
    update(series) {
      latest = series;
      if (chart) draw(series);
    },
  };
}
