// The Chart.js bar chart under the diagram: how many messages each queue
// holds at this step and how many it received so far (consumer scenarios:
// ready in the queue, unacknowledged per consumer). The series are pure
// functions of the play; the chart only draws them.

/** Routing scenarios: per queue, held now and received so far, plus discarded/returned counts. */
export function routingSeries(scenario, play, k) {
  const queues = scenario.definitions.queues.map((q) => q.name);
  const held = queues.map((q) => (k > 0 && play ? (play.steps[k - 1].holds[q]?.length ?? 0) : 0));
  const received = queues.map((q) => {
    const seen = new Set();
    for (let j = 0; j < k && play; j++) for (const i of play.steps[j].holds[q] ?? []) seen.add(i);
    return seen.size;
  });
  const lost = { discarded: 0, returned: 0 };
  for (let j = 0; j < k && play; j++) {
    const s = play.steps[j];
    if (s.hit.length === 0) lost[s.returned ? 'returned' : 'discarded'] += 1;
  }
  return { labels: queues, now: held, sofar: received, lost };
}

/** Consumer scenarios: the queue's ready messages and each consumer's unacknowledged ones. */
export function consumerSeries(scenario, play, k) {
  const queues = scenario.definitions.queues.map((q) => q.name);
  const consumers = (scenario.consumers ?? []).map((c) => c.name);
  const played = k > 0 && play ? play.steps[k - 1] : null;
  const now = [...queues.map((q) => played?.ready[q]?.length ?? 0), ...consumers.map((c) => played?.unacked[c]?.length ?? 0)];
  const published = queues.map((q) => {
    let n = 0;
    for (let j = 0; j < k; j++) for (const a of scenario.steps[j].actions) if (a.type === 'publish' && a.message.routing_key === q) n++;
    return n;
  });
  const delivered = consumers.map((c) => {
    let n = 0;
    for (let j = 0; j < k && play; j++) n += play.steps[j].deliveries.filter((d) => d.consumer === c).length;
    return n;
  });
  return { labels: [...queues, ...consumers], now, sofar: [...published, ...delivered], lost: null };
}

// Chart.js (210 KB) is loaded only after the diagram is drawn, so the
// diagram does not wait for it (first render was 500–1200 ms with it first).
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

export function createChart(canvas, scenario, t) {
  let real = null;
  let latest = null;
  loadChartJs()
    .then((Chart) => {
      real = buildChart(Chart, canvas, scenario, t);
      if (latest) real.update(latest);
    })
    .catch(() => {}); // no chart is better than no page
  return {
    update(series) {
      latest = series;
      if (real) real.update(series);
    },
  };
}

function buildChart(Chart, canvas, scenario, t) {
  Chart.defaults.font.size = 18;
  Chart.defaults.color = '#111418';
  const consumers = scenario.kind === 'consumers';
  // "received so far" differs from "held now" only where messages leave queues
  // (consumers, max-length, dead-lettering); elsewhere it would repeat the same bars.
  const showSofar = consumers || scenario.removes;
  const datasets = [{ key: 'now', label: consumers ? t('chart.nowConsumers') : t('chart.now'), data: [], backgroundColor: '#0a7d32' }];
  if (showSofar)
    datasets.push({ key: 'sofar', label: consumers ? t('chart.sofarConsumers') : t('chart.sofar'), data: [], backgroundColor: '#0b57d0' });
  if (!consumers) datasets.push({ key: 'lost', label: t('chart.lost'), data: [], backgroundColor: '#b3261e' });
  const chart = new Chart(canvas, {
    type: 'bar',
    data: { labels: [], datasets },
    options: {
      animation: false,
      responsive: true,
      maintainAspectRatio: false,
      skipNull: true,
      scales: { y: { beginAtZero: true, suggestedMax: 3, ticks: { precision: 0 } } },
      plugins: { legend: { position: 'bottom' } },
    },
  });
  return {
    chart,
    update(series) {
      const pad = series.lost ? [null, null] : [];
      chart.data.labels = [...series.labels, ...(series.lost ? [t('chart.discarded'), t('chart.returned')] : [])];
      for (const ds of chart.data.datasets) {
        if (ds.key === 'now') ds.data = [...series.now, ...pad];
        else if (ds.key === 'sofar') ds.data = [...series.sofar, ...pad];
        else ds.data = [...series.labels.map(() => null), series.lost.discarded, series.lost.returned];
      }
      chart.update();
    },
  };
}
