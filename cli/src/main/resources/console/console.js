// The rtpipe console page: polls the JSON API and draws it. No framework; uPlot draws the charts.
"use strict";

const REFRESH_MS = 2000;
const COLORS = ["#2f6fde", "#e0663a", "#1f9e6e", "#9b51e0", "#d4a017", "#d6457a", "#3aa6c9", "#6b7587"];
const charts = {};          // chart element id -> uPlot instance
const selected = {};        // metric name -> aggregate drawn
let recordsKind = "deadletter";

const $ = (id) => document.getElementById(id);
const fmt = new Intl.NumberFormat("en-US", {maximumFractionDigits: 1});

function rate(v) { return v == null ? "–" : fmt.format(v); }

function duration(ms) {
  if (ms == null) return "–";
  if (ms < 1000) return ms + " ms";
  if (ms < 120000) return fmt.format(ms / 1000) + " s";
  if (ms < 7200000) return fmt.format(ms / 60000) + " min";
  return fmt.format(ms / 3600000) + " h";
}

function time(iso) { return iso ? iso.replace("T", " ").replace(/\.\d+Z$|Z$/, "") : "–"; }

function value(v) {
  if (typeof v === "number") return Number.isInteger(v) ? v.toLocaleString("en-US") : v.toPrecision(4);
  if (Array.isArray(v) || (v && typeof v === "object")) return JSON.stringify(v);
  return v == null ? "" : String(v);
}

function cell(text, cls) {
  const td = document.createElement("td");
  td.textContent = text;
  if (cls) td.className = cls;
  return td;
}

async function api(path) {
  const response = await fetch(path, {cache: "no-store"});
  const body = await response.json();
  if (!response.ok) throw new Error(body.error || String(response.status));
  return body;
}

function showError(message) {
  $("error").hidden = !message;
  $("error").textContent = message || "";
}

/** Creates or updates a uPlot chart; `series` is [{label, values}] aligned with `xs` (seconds). */
function draw(id, xs, series, opts) {
  const el = $(id);
  const data = [xs, ...series.map((s) => s.values)];
  const labels = series.map((s) => s.label).join("|");
  let chart = charts[id];
  if (chart && chart.labels !== labels) {
    chart.destroy();
    chart = null;
  }
  if (!chart) {
    chart = new uPlot({
      width: Math.max(320, el.clientWidth),
      height: 240,
      cursor: {drag: {x: false, y: false}},
      legend: {live: false},
      // One window alone would stretch the time axis over years: give it a minute each side.
      scales: {x: {time: true, range: (u, min, max) => min === max ? [min - 60, max + 60] : [min, max]},
               y: {range: (u, min, max) => [0, max > 0 ? max * 1.1 : 1]}},
      axes: [{stroke: "#6b7587", grid: {stroke: "#eef1f5"}},
             {stroke: "#6b7587", grid: {stroke: "#eef1f5"}, size: 60}],
      series: [{}, ...series.map((s, i) => ({
        label: s.label, stroke: COLORS[i % COLORS.length], width: 2, spanGaps: false,
        points: {show: opts.points, size: 6, fill: COLORS[i % COLORS.length]},
        value: (u, v) => v == null ? "–" : value(v),
      }))],
    }, data, el);
    chart.labels = labels;
    charts[id] = chart;
  } else {
    chart.setData(data);
  }
  // What the chart draws, for tests and for anyone reading the DOM: label -> [[x ms, y], ...] without gaps.
  const points = {};
  series.forEach((s) => {
    points[s.label] = xs.map((x, i) => [x * 1000, s.values[i]]).filter((p) => p[1] != null);
  });
  el.dataset.points = JSON.stringify(points);
}

async function refreshOverview() {
  const o = await api("api/overview");
  $("stream").textContent = "stream " + o.stream + " · application " + o.application;
  $("sampled").textContent = o.sampledAt ? "sampled " + time(o.sampledAt) + " UTC" : "";
  const age = o.sampledAt ? Date.now() - Date.parse(o.sampledAt) : 0;
  showError(o.error || (age > 15000 ? "no fresh sample for " + duration(age) + ": AWS is slow to answer" : null));
  $("rate-in").textContent = rate(o.rates.in);
  $("rate-out").textContent = rate(o.rates.out);
  $("rate-late").textContent = rate(o.rates.late);
  $("rate-dead").textContent = rate(o.rates.dead);
  const lags = o.shards.filter((s) => s.lagMillis != null).map((s) => s.lagMillis);
  $("lag").textContent = lags.length ? duration(Math.max(...lags)) : "–";

  const xs = o.history.map((h) => h.t / 1000);
  draw("throughput", xs, [
    {label: "in", values: o.history.map((h) => h.in)},
    {label: "out", values: o.history.map((h) => h.out)},
    {label: "late", values: o.history.map((h) => h.late)},
    {label: "dead letters", values: o.history.map((h) => h.dead)},
  ], {points: false});

  const body = $("shards").tBodies[0];
  body.replaceChildren(...o.shards.map((s) => {
    const tr = document.createElement("tr");
    tr.dataset.shard = s.shardId;
    tr.append(cell(s.shardId), cell(s.open ? "open" : "closed", s.open ? "state-open" : "state-closed"),
      cell(s.owner || "–", "owner"), cell(rate(s.inPerSecond), "num"), cell(duration(s.lagMillis), "num"),
      cell(time(s.firedUpTo)));
    return tr;
  }));
  if (!o.shards.length) body.innerHTML = '<tr><td colspan="6" class="empty">no shards yet</td></tr>';
  ensureMetricSections(o.metrics);
  return o;
}

function ensureMetricSections(metrics) {
  const container = $("metrics");
  metrics.forEach((m) => {
    if ($("metric-" + m.name)) return;
    const section = document.createElement("section");
    section.className = "card";
    section.id = "metric-" + m.name;
    section.innerHTML = `
      <div class="metric-head"><h2>${m.name} <small>${m.window} windows · top keys</small></h2>
        <label class="muted">aggregate <select></select></label></div>
      <div class="metric">
        <div><div class="chart" id="chart-${m.name}" data-metric="${m.name}"></div>
          <div class="muted other"></div></div>
        <div><h2>Latest final windows <small class="latency"></small></h2>
          <table class="latest"><thead><tr><th>window</th><th>key</th><th class="num value-head"></th>
          <th class="num">end → result</th></tr></thead><tbody></tbody></table></div>
      </div>`;
    section.querySelector("select").addEventListener("change", (e) => {
      selected[m.name] = e.target.value;
      refreshMetric(m.name).catch((err) => showError(err.message));
    });
    container.append(section);
  });
}

async function refreshMetric(name) {
  const aggregate = selected[name];
  const v = await api("api/metric?name=" + encodeURIComponent(name)
    + (aggregate ? "&aggregate=" + encodeURIComponent(aggregate) : ""));
  const section = $("metric-" + name);
  if (v.error) {  // nothing to draw yet, e.g. no consumer has created the results table
    section.querySelector(".other").textContent = v.error;
    return v;
  }
  const select = section.querySelector("select");
  if (select.options.length !== v.aggregates.length) {
    select.replaceChildren(...v.aggregates.map((a) => new Option(a, a)));
  }
  select.value = v.aggregate || "";
  draw("chart-" + name, v.windowStarts.map((t) => t / 1000),
    v.series.map((s) => ({label: s.key, values: s.values})), {points: true});
  section.querySelector(".other").textContent = v.otherKeys > 0 ? v.otherKeys + " more keys not drawn" : "";
  section.querySelector(".latency").textContent = v.latencyMillis == null ? ""
    : "median window end → result " + duration(v.latencyMillis);
  section.querySelector(".value-head").textContent = v.aggregate || "";
  const body = section.querySelector("table.latest").tBodies[0];
  let previous = null;
  body.replaceChildren(...v.latest.map((r) => {
    const tr = document.createElement("tr");
    tr.dataset.window = r.windowStart;
    tr.dataset.key = r.key;
    tr.dataset.value = r.values[v.aggregate];
    if (r.windowStart !== previous) tr.className = "window-first";
    tr.append(cell(r.windowStart === previous ? "" : time(r.windowStart) + " – " + time(r.windowEnd).slice(11)),
      cell(r.key), cell(value(r.values[v.aggregate]), "num"), cell(duration(r.latencyMillis), "num"));
    previous = r.windowStart;
    return tr;
  }));
  if (!v.latest.length) body.innerHTML = '<tr><td colspan="4" class="empty">no window written yet</td></tr>';
  return v;
}

async function refreshRecords() {
  const [dead, late] = await Promise.all([api("api/records?kind=deadletter"), api("api/records?kind=late")]);
  $("count-deadletter").textContent = dead.length;
  $("count-late").textContent = late.length;
  const shown = recordsKind === "deadletter" ? dead : late;
  $("detail-head").textContent = recordsKind === "deadletter" ? "reason" : "metric, window";
  const body = $("records").tBodies[0];
  body.replaceChildren(...shown.map((r) => {
    const tr = document.createElement("tr");
    tr.className = "record " + r.kind;
    tr.append(cell(time(r.arrival)), cell(r.shardId), cell(r.sequenceNumber, "seq"), cell(r.detail),
      cell(r.data, "data"));
    return tr;
  }));
  if (!shown.length) body.innerHTML = '<tr><td colspan="5" class="empty">none</td></tr>';
}

document.querySelectorAll(".tabs button").forEach((button) => button.addEventListener("click", () => {
  document.querySelectorAll(".tabs button").forEach((b) => b.classList.toggle("active", b === button));
  recordsKind = button.dataset.kind;
  refreshRecords().catch((err) => showError(err.message));
}));

async function refreshAll() {
  const o = await refreshOverview();
  const [views] = await Promise.all([Promise.all(o.metrics.map((m) => refreshMetric(m.name))), refreshRecords()]);
  // The tile shows the worst metric's median: a slow metric is what an operator needs to see.
  const latencies = views.filter((v) => v.latencyMillis != null).map((v) => v.latencyMillis);
  $("latency").textContent = latencies.length ? duration(Math.max(...latencies)) : "–";
}

async function loop() {
  try {
    await refreshAll();
    document.body.dataset.rendered = String(Number(document.body.dataset.rendered || 0) + 1);
  } catch (err) {
    showError(err instanceof TypeError ? "the console's server does not answer" : err.message);
  }
  setTimeout(loop, REFRESH_MS);
}

loop();
