// Draws a Grafana dashboard (its JSON, with each panel's query results attached by DashboardRenderer.java) on one
// canvas, in the look of Grafana's dark theme: time series (stacking, right axis, threshold lines), heat maps of
// cumulative `le` buckets, bar gauges of a histogram, and stats. Self-contained: no library, no network.
(function () {
  "use strict";
  const P = PAGE;
  const T = {
    bg: "#111217", panel: "#181b1f", border: "#2c3235", text: "#ccccdc", muted: "#8e8e9e",
    grid: "rgba(204, 204, 220, 0.08)", axis: "rgba(204, 204, 220, 0.55)",
  };
  const PALETTE = ["#73BF69", "#F2CC0C", "#8AB8FF", "#FF780A", "#F2495C", "#5794F2", "#B877D9", "#FADE2A",
    "#FF9830", "#96D98D", "#CA95E5", "#C0D8FF", "#FFB357", "#FF7383", "#37872D", "#1F60C4"];
  const NAMED = { green: "#73BF69", orange: "#FF9830", red: "#F2495C", yellow: "#FADE2A", blue: "#5794F2" };
  const FONT = "'DejaVu Sans', 'Liberation Sans', Arial, sans-serif";

  const colW = (P.width - P.gap) / 24;
  let bottom = 0;
  for (const p of P.panels) bottom = Math.max(bottom, p.gridPos.y + p.gridPos.h);
  const canvas = document.getElementById("c");
  canvas.width = P.width;
  canvas.height = P.header + bottom * (P.rowPx + P.gap) + P.gap;
  const ctx = canvas.getContext("2d");
  ctx.fillStyle = T.bg;
  ctx.fillRect(0, 0, canvas.width, canvas.height);

  // ---------- formatting ----------
  function sig(v, digits) {
    if (v === 0) return "0";
    const a = Math.abs(v);
    const d = a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : Math.min(6, digits + Math.ceil(-Math.log10(a)));
    return v.toFixed(Math.max(0, d)).replace(/(\.\d*?)0+$/, "$1").replace(/\.$/, "");
  }
  function scaled(v, steps, base) {
    let i = 0;
    const a = Math.abs(v);
    while (i < steps.length - 1 && a >= Math.pow(base, i + 1)) i++;
    return sig(v / Math.pow(base, i), 2) + steps[i];
  }
  function fmt(unit, v, decimals) {
    if (v === null || v === undefined || !isFinite(v)) return "–";
    if (decimals !== undefined && decimals !== null && (unit === "none" || unit === "short")) return v.toFixed(decimals);
    switch (unit) {
      case "s": {
        const a = Math.abs(v);
        if (a === 0) return "0 s";
        if (a < 1e-3) return sig(v * 1e6, 2) + " µs";
        if (a < 1) return sig(v * 1e3, 2) + " ms";
        if (a < 120) return sig(v, 2) + " s";
        if (a < 7200) return sig(v / 60, 2) + " min";
        return sig(v / 3600, 2) + " h";
      }
      case "bytes": return scaled(v, [" B", " KiB", " MiB", " GiB", " TiB"], 1024);
      case "Bps": return scaled(v, [" B/s", " KiB/s", " MiB/s", " GiB/s"], 1024);
      case "percentunit": return sig(v * 100, 1) + "%";
      case "reqps": return scaled(v, [" req/s", "k req/s", "M req/s"], 1000);
      case "watt": return scaled(v, [" W", " kW", " MW"], 1000);
      case "celsius": return sig(v, 1) + " °C";
      case "hertz": return scaled(v, [" Hz", " kHz", " MHz", " GHz"], 1000);
      default: return scaled(v, ["", "k", "M", "B", "T"], 1000);
    }
  }
  function legendName(tpl, labels) {
    if (tpl) return tpl.replace(/\{\{\s*(\w+)\s*\}\}/g, (_, k) => (labels[k] !== undefined ? labels[k] : ""));
    const keys = Object.keys(labels).filter((k) => k !== "__name__");
    return (labels.__name__ || "") + "{" + keys.map((k) => k + '="' + labels[k] + '"').join(", ") + "}";
  }
  function color(c) {
    return NAMED[c] || c || PALETTE[0];
  }
  function text(s, x, y, size, col, align, weight) {
    ctx.font = (weight || "normal") + " " + size + "px " + FONT;
    ctx.fillStyle = col;
    ctx.textAlign = align || "left";
    ctx.textBaseline = "middle";
    ctx.fillText(s, x, y);
  }
  function clipText(s, maxW, size) {
    ctx.font = size + "px " + FONT;
    if (ctx.measureText(s).width <= maxW) return s;
    while (s.length > 1 && ctx.measureText(s + "…").width > maxW) s = s.slice(0, -1);
    return s + "…";
  }
  function niceTicks(lo, hi, n, unit) {
    if (!(hi > lo)) hi = lo + 1;
    if (unit === "bytes" || unit === "Bps") {
      // Steps of 1, 2, 4, 8 ... in the binary unit the labels use (KiB, MiB, GiB).
      let k = 0;
      while (k < 4 && (hi - lo) / Math.pow(1024, k + 1) >= 1) k++;
      const u = Math.pow(1024, k), rawB = (hi - lo) / u / n;
      const stepB = [1, 2, 4, 5, 8, 10, 16, 20, 32, 50, 64, 100, 128, 200, 256, 500, 512].find((s) => s >= rawB) || rawB;
      const tb = [];
      for (let v = Math.ceil(lo / u / stepB) * stepB; v <= hi / u + stepB * 1e-9; v += stepB) tb.push(v * u);
      return { ticks: tb, lo: Math.min(lo, tb[0]), hi: Math.max(hi, tb[tb.length - 1]) };
    }
    const raw = (hi - lo) / n;
    const mag = Math.pow(10, Math.floor(Math.log10(raw)));
    const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
    const ticks = [];
    for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step) ticks.push(Math.abs(v) < step * 1e-9 ? 0 : v);
    return { ticks, lo: Math.min(lo, ticks[0]), hi: Math.max(hi, ticks[ticks.length - 1]) };
  }
  function timeLabel(t) {
    const d = new Date(t * 1000);
    const pad = (n) => String(n).padStart(2, "0");
    return pad(d.getUTCHours()) + ":" + pad(d.getUTCMinutes()) + ":" + pad(d.getUTCSeconds());
  }
  function thresholdSteps(fc) {
    const th = fc && fc.defaults && fc.defaults.thresholds;
    return th && th.steps ? th.steps : [];
  }
  function noData(b) {
    text("No data", b.x + b.w / 2, b.y + b.h / 2, 14, T.muted, "center");
  }

  // ---------- page header ----------
  text(P.title, P.gap + 4, 22, 20, T.text, "left", "bold");
  text(P.subtitle + "   ·   " + timeLabel(P.from) + " – " + timeLabel(P.to) + " UTC   ·   data: a real run (Prometheus, "
    + "tokenpath agent)", P.gap + 4, 46, 12, T.muted, "left");

  // ---------- panels ----------
  for (const p of P.panels) {
    const g = p.gridPos;
    const x = P.gap + g.x * colW, y = P.header + g.y * (P.rowPx + P.gap);
    const w = g.w * colW - P.gap, h = g.h * (P.rowPx + P.gap) - P.gap;
    if (p.type === "row") {
      text(p.title, x + 2, y + h / 2 + 2, 15, T.text, "left", "bold");
      continue;
    }
    ctx.fillStyle = T.panel;
    ctx.fillRect(x, y, w, h);
    ctx.strokeStyle = T.border;
    ctx.lineWidth = 1;
    ctx.strokeRect(x + 0.5, y + 0.5, w - 1, h - 1);
    text(clipText(p.title, w - 16, 13), x + 8, y + 14, 13, T.text, "left", "bold");
    const body = { x: x + 8, y: y + 28, w: w - 16, h: h - 34 };
    ctx.save();
    ctx.beginPath();
    ctx.rect(x, y, w, h);
    ctx.clip();
    if (p.type === "timeseries") timeseries(p, body);
    else if (p.type === "heatmap") heatmap(p, body);
    else if (p.type === "bargauge") bargauge(p, body);
    else if (p.type === "stat") stat(p, body);
    ctx.restore();
  }

  // ---------- time series ----------
  function timeseries(p, b) {
    const fc = p.fieldConfig || {};
    const defaults = fc.defaults || {};
    const custom = defaults.custom || {};
    const stacked = custom.stacking && custom.stacking.mode === "normal";
    const right = {};
    for (const o of fc.overrides || []) {
      if (o.matcher.id !== "byFrameRefID") continue;
      const r = {};
      for (const pr of o.properties) {
        if (pr.id === "custom.axisPlacement" && pr.value === "right") r.right = true;
        if (pr.id === "unit") r.unit = pr.value;
        if (pr.id === "custom.axisLabel") r.label = pr.value;
      }
      if (r.right) right[o.matcher.options] = r;
    }
    const series = [];
    for (const res of p.results) {
      for (const s of res.series) {
        series.push({ ref: res.refId, name: legendName(res.legend, s.labels), pts: s.points, right: !!right[res.refId] });
      }
    }
    series.sort((a, b2) => (a.ref < b2.ref ? -1 : a.ref > b2.ref ? 1 : a.name.localeCompare(b2.name)));
    series.forEach((s, i) => (s.color = PALETTE[i % PALETTE.length]));
    const hasRight = series.some((s) => s.right);
    const legendRows = Math.min(3, Math.ceil(series.length / Math.max(1, Math.floor(b.w / 230))));
    const legendH = series.length ? legendRows * 16 + 4 : 0;
    const plot = { x: b.x + 58, y: b.y + 4, w: b.w - 58 - (hasRight ? 58 : 6), h: b.h - 22 - legendH };
    const finite = series.some((s) => s.pts.some((pt) => pt[1] !== null && isFinite(pt[1])));
    if (!finite) return noData(b);
    // Stack the left-axis series point by point (range queries share their timestamps).
    if (stacked) {
      const acc = {};
      for (const s of series) {
        if (s.right) continue;
        s.base = s.pts.map((pt) => acc[pt[0]] || 0);
        s.pts = s.pts.map((pt) => {
          const v = pt[1] !== null && isFinite(pt[1]) ? pt[1] : null;
          const top = (acc[pt[0]] || 0) + (v || 0);
          if (v !== null) acc[pt[0]] = top;
          return [pt[0], v === null ? null : top];
        });
      }
    }
    let unitOf = defaults.unit;
    function range(filter, minv, maxv) {
      let lo = Infinity, hi = -Infinity;
      for (const s of series) {
        if (!filter(s)) continue;
        for (const pt of s.pts) if (pt[1] !== null && isFinite(pt[1])) { lo = Math.min(lo, pt[1]); hi = Math.max(hi, pt[1]); }
      }
      if (lo === Infinity) { lo = 0; hi = 1; }
      lo = Math.min(lo, 0);
      if (minv !== undefined) lo = minv;
      if (maxv !== undefined) hi = maxv;
      if (hi === lo) hi = lo + (Math.abs(lo) || 1);
      return niceTicks(lo, hi + (hi - lo) * 0.05, Math.max(2, Math.floor(plot.h / 34)), unitOf);
    }
    const steps = thresholdSteps(fc).filter((s) => s.value !== null);
    let leftMax = defaults.max;
    const L = range((s) => !s.right, defaults.min, leftMax);
    if (steps.length && custom.thresholdsStyle) {
      // Show the first threshold line even when the data stays below it, as Grafana's soft max would.
      const top = Math.max(L.hi, steps[0].value * 1.15);
      Object.assign(L, niceTicks(L.lo, top, Math.max(2, Math.floor(plot.h / 34)), defaults.unit));
    }
    const rightUnit = Object.values(right)[0];
    unitOf = rightUnit ? rightUnit.unit : defaults.unit;
    const R = hasRight ? range((s) => s.right) : null;
    const t0 = P.from, t1 = P.to;
    const X = (t) => plot.x + ((t - t0) / (t1 - t0)) * plot.w;
    const YL = (v) => plot.y + plot.h - ((v - L.lo) / (L.hi - L.lo)) * plot.h;
    const YR = R ? (v) => plot.y + plot.h - ((v - R.lo) / (R.hi - R.lo)) * plot.h : null;
    // grid and axes
    ctx.lineWidth = 1;
    for (const v of L.ticks) {
      const yy = Math.round(YL(v)) + 0.5;
      ctx.strokeStyle = T.grid;
      ctx.beginPath(); ctx.moveTo(plot.x, yy); ctx.lineTo(plot.x + plot.w, yy); ctx.stroke();
      text(fmt(defaults.unit, v), plot.x - 6, yy, 10, T.axis, "right");
    }
    if (R) for (const v of R.ticks) text(fmt(rightUnit.unit, v), plot.x + plot.w + 6, YR(v), 10, T.axis, "left");
    const span = t1 - t0;
    const every = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].find((s) => span / s <= plot.w / 90) || 3600;
    for (let t = Math.ceil(t0 / every) * every; t <= t1; t += every) {
      const xx = Math.round(X(t)) + 0.5;
      ctx.strokeStyle = T.grid;
      ctx.beginPath(); ctx.moveTo(xx, plot.y); ctx.lineTo(xx, plot.y + plot.h); ctx.stroke();
      text(timeLabel(t), xx, plot.y + plot.h + 10, 10, T.axis, "center");
    }
    if (custom.axisLabel) {
      ctx.save(); ctx.translate(b.x + 6, plot.y + plot.h / 2); ctx.rotate(-Math.PI / 2);
      text(custom.axisLabel, 0, 0, 10, T.muted, "center"); ctx.restore();
    }
    if (R && rightUnit.label) {
      ctx.save(); ctx.translate(b.x + b.w - 4, plot.y + plot.h / 2); ctx.rotate(Math.PI / 2);
      text(rightUnit.label, 0, 0, 10, T.muted, "center"); ctx.restore();
    }
    // threshold lines
    if (custom.thresholdsStyle) {
      ctx.setLineDash([6, 5]);
      for (const s of steps) {
        if (s.value < L.lo || s.value > L.hi) continue;
        ctx.strokeStyle = color(s.color);
        ctx.beginPath(); ctx.moveTo(plot.x, YL(s.value)); ctx.lineTo(plot.x + plot.w, YL(s.value)); ctx.stroke();
      }
      ctx.setLineDash([]);
    }
    // series: fill (stacked: down to the series below), then line
    for (const s of series) {
      const Y = s.right ? YR : YL;
      const segs = [];
      let cur = [];
      s.pts.forEach((pt, i) => {
        if (pt[1] === null || !isFinite(pt[1])) { if (cur.length) segs.push(cur); cur = []; return; }
        cur.push([X(pt[0]), Y(pt[1]), s.base ? Y(s.base[i]) : Y(Math.max(L.lo, 0))]);
      });
      if (cur.length) segs.push(cur);
      for (const seg of segs) {
        if (!s.right) {
          ctx.globalAlpha = stacked ? 0.28 : 0.1;
          ctx.fillStyle = s.color;
          ctx.beginPath();
          ctx.moveTo(seg[0][0], seg[0][2]);
          for (const q of seg) ctx.lineTo(q[0], q[1]);
          for (let i = seg.length - 1; i >= 0; i--) ctx.lineTo(seg[i][0], seg[i][2]);
          ctx.closePath(); ctx.fill();
          ctx.globalAlpha = 1;
        }
        ctx.strokeStyle = s.color;
        ctx.lineWidth = 1.6;
        if (s.right) ctx.setLineDash([6, 4]);
        ctx.beginPath();
        seg.forEach((q, i) => (i ? ctx.lineTo(q[0], q[1]) : ctx.moveTo(q[0], q[1])));
        if (seg.length === 1) ctx.arc(seg[0][0], seg[0][1], 1.5, 0, 2 * Math.PI);
        ctx.stroke();
        ctx.setLineDash([]);
      }
    }
    // legend
    let lx = b.x + 4, ly = b.y + b.h - legendH + 10, row = 0, shown = 0;
    for (const s of series) {
      const label = clipText(s.name, 210, 11);
      ctx.font = "11px " + FONT;
      const wdt = ctx.measureText(label).width + 22;
      if (lx + wdt > b.x + b.w) { row++; lx = b.x + 4; ly += 16; }
      if (row >= legendRows) break;
      ctx.fillStyle = s.color;
      ctx.fillRect(lx, ly - 2, 12, 3);
      text(label, lx + 16, ly, 11, T.text, "left");
      lx += wdt + 6;
      shown++;
    }
    if (shown < series.length) text("+" + (series.length - shown) + " more", b.x + b.w - 2, ly, 11, T.muted, "right");
  }

  // ---------- heat map of cumulative buckets ----------
  function buckets(res) {
    const bs = res.series.map((s) => ({ le: s.labels.le === "+Inf" ? Infinity : parseFloat(s.labels.le), pts: s.points }))
      .filter((s) => !isNaN(s.le)).sort((a, c) => a.le - c.le);
    return bs;
  }
  function heatmap(p, b) {
    const res = p.results[0];
    const bs = buckets(res);
    if (!bs.length) return noData(b);
    const times = bs[0].pts.map((pt) => pt[0]);
    // per-bucket counts: cumulative minus the bucket below, at each time
    const cells = bs.map((bk, i) => bk.pts.map((pt, j) => {
      const below = i ? bs[i - 1].pts[j] : null;
      const v = pt[1] - (below ? below[1] : 0);
      return isFinite(v) && v > 0 ? v : 0;
    }));
    let first = cells.findIndex((r) => r.some((v) => v > 0));
    if (first < 0) return noData(b);
    let last = cells.length - 1 - [...cells].reverse().findIndex((r) => r.some((v) => v > 0));
    first = Math.max(0, first - 1);
    last = Math.min(cells.length - 1, last + 1);
    let max = 0;
    for (let i = first; i <= last; i++) for (const v of cells[i]) max = Math.max(max, v);
    const unit = (p.fieldConfig.defaults || {}).unit;
    const narrow = b.w < 320;
    const plot = { x: b.x + (narrow ? 46 : 66), y: b.y + 4, w: b.w - (narrow ? 46 + 30 : 72 + 40), h: b.h - 24 };
    const rows = last - first + 1;
    const rh = plot.h / rows;
    const t0 = P.from, t1 = P.to;
    const X = (t) => plot.x + ((t - t0) / (t1 - t0)) * plot.w;
    const cw = Math.max(1, (plot.w / Math.max(1, times.length)) - 0.5);
    for (let i = first; i <= last; i++) {
      const yy = plot.y + plot.h - (i - first + 1) * rh;
      cells[i].forEach((v, j) => {
        if (v <= 0) return;
        ctx.fillStyle = orange(Math.sqrt(v / max));
        ctx.fillRect(X(times[j]) - cw / 2, yy + 0.5, cw, rh - 1);
      });
      const label = bs[i].le === Infinity ? "+Inf" : fmt(unit, bs[i].le);
      if (rows <= 14 || (i - first) % Math.ceil(rows / 14) === 0) text(label, plot.x - 6, yy + rh / 2, 10, T.axis, "right");
    }
    text("upper bound", plot.x - 6, b.y + b.h - 6, 9, T.muted, "right");
    const span = t1 - t0;
    const every = [10, 15, 30, 60, 120, 300, 600, 900, 1800, 3600].find((s) => span / s <= plot.w / 90) || 3600;
    for (let t = Math.ceil(t0 / every) * every; t <= t1; t += every) text(timeLabel(t), X(t), plot.y + plot.h + 10, 10, T.axis, "center");
    // colour scale
    const sx = b.x + b.w - (narrow ? 24 : 30);
    for (let k = 0; k < 60; k++) {
      ctx.fillStyle = orange(k / 59);
      ctx.fillRect(sx, plot.y + plot.h - (k + 1) * plot.h / 60, 10, plot.h / 60 + 0.5);
    }
    text(fmt("short", max), sx + 12, plot.y + 6, 9, T.muted, "left");
    text("0", sx + 12, plot.y + plot.h - 4, 9, T.muted, "left");
  }
  function orange(f) {
    // dark brown -> orange -> pale yellow, as Grafana's "Oranges" scheme on the dark theme
    const stops = [[0x4a, 0x1c, 0x04], [0xa6, 0x36, 0x03], [0xf1, 0x69, 0x13], [0xfd, 0xae, 0x6b], [0xfe, 0xe6, 0xce]];
    f = Math.max(0, Math.min(1, f)) * (stops.length - 1);
    const i = Math.min(stops.length - 2, Math.floor(f)), r = f - i;
    const c = stops[i].map((v, k) => Math.round(v + (stops[i + 1][k] - v) * r));
    return "rgb(" + c.join(",") + ")";
  }

  // ---------- bar gauge of one histogram (instant) ----------
  function bargauge(p, b) {
    const bs = buckets(p.results[0]).map((bk) => ({ le: bk.le, v: bk.pts.length ? bk.pts[bk.pts.length - 1][1] : 0 }));
    if (!bs.length) return noData(b);
    const counts = bs.map((bk, i) => Math.max(0, bk.v - (i ? bs[i - 1].v : 0)));
    let first = counts.findIndex((v) => v > 0);
    if (first < 0) return noData(b);
    let last = counts.length - 1 - [...counts].reverse().findIndex((v) => v > 0);
    first = Math.max(0, first - 1);
    last = Math.min(counts.length - 1, last + 1);
    const shown = counts.slice(first, last + 1);
    const max = Math.max(...shown);
    const unit = "s";
    const plot = { x: b.x + 4, y: b.y + 16, w: b.w - 8, h: b.h - 44 };
    const bw = plot.w / shown.length;
    shown.forEach((v, k) => {
      const bh = max > 0 ? (v / max) * plot.h : 0;
      const xx = plot.x + k * bw;
      const f = max > 0 ? v / max : 0;
      ctx.fillStyle = "rgba(255,255,255,0.04)";
      ctx.fillRect(xx + 3, plot.y, bw - 6, plot.h);
      ctx.globalAlpha = 0.45 + 0.55 * f;
      ctx.fillStyle = "#5794F2";
      ctx.fillRect(xx + 3, plot.y + plot.h - bh, bw - 6, bh);
      ctx.globalAlpha = 1;
      // Labels only where they fit: every k-th bar in a narrow panel.
      const every = Math.max(1, Math.ceil(44 / bw));
      if (k % every === 0 || v === max) text(fmt("short", v, 0), xx + bw / 2, plot.y + plot.h - bh - 8, 10, T.text, "center");
      const le = bs[first + k].le;
      if (k % every === 0) text(le === Infinity ? "+Inf" : "≤" + fmt(unit, le), xx + bw / 2, plot.y + plot.h + 10, 9, T.axis, "center");
    });
    text("gap length (bucket upper bound)", b.x + b.w / 2, b.y + b.h - 6, 9, T.muted, "center");
  }

  // ---------- stat ----------
  function stat(p, b) {
    const defaults = p.fieldConfig.defaults || {};
    const res = p.results[0];
    const items = res.series.map((s) => {
      const vals = s.points.filter((pt) => pt[1] !== null && isFinite(pt[1]));
      return { name: res.legend ? legendName(res.legend, s.labels) : "", pts: vals, last: vals.length ? vals[vals.length - 1][1] : null };
    });
    if (!items.length || items.every((it) => it.last === null)) return noData(b);
    const steps = thresholdSteps(p.fieldConfig);
    const n = items.length, iw = b.w / n;
    items.forEach((it, k) => {
      let col = color(steps.length ? steps[0].color : "green");
      for (const s of steps) if (s.value !== null && it.last !== null && it.last >= s.value) col = color(s.color);
      const bx = b.x + k * iw;
      // sparkline under the number
      if (it.pts.length > 1) {
        let lo = Infinity, hi = -Infinity;
        for (const pt of it.pts) { lo = Math.min(lo, pt[1]); hi = Math.max(hi, pt[1]); }
        if (hi === lo) hi = lo + 1;
        const X = (t) => bx + ((t - P.from) / (P.to - P.from)) * iw;
        const Y = (v) => b.y + b.h - 2 - ((v - Math.min(lo, 0)) / (hi - Math.min(lo, 0))) * (b.h * 0.45);
        ctx.globalAlpha = 0.25; ctx.fillStyle = col; ctx.beginPath();
        ctx.moveTo(X(it.pts[0][0]), b.y + b.h - 2);
        for (const pt of it.pts) ctx.lineTo(X(pt[0]), Y(pt[1]));
        ctx.lineTo(X(it.pts[it.pts.length - 1][0]), b.y + b.h - 2); ctx.closePath(); ctx.fill();
        ctx.globalAlpha = 1; ctx.strokeStyle = col; ctx.lineWidth = 1.2; ctx.beginPath();
        it.pts.forEach((pt, i) => (i ? ctx.lineTo(X(pt[0]), Y(pt[1])) : ctx.moveTo(X(pt[0]), Y(pt[1]))));
        ctx.stroke();
      }
      const big = it.name ? Math.min(24, b.h * 0.36) : Math.min(30, b.h * 0.5);
      text(fmt(defaults.unit, it.last, defaults.decimals), bx + iw / 2, b.y + (it.name ? b.h * 0.3 : b.h * 0.38), big, col, "center", "bold");
      if (it.name) text(clipText(it.name, iw - 8, 11), bx + iw / 2, b.y + b.h * 0.66, 11, T.text, "center");
    });
  }
})();
