// The learning views: gradient descent, backpropagation, probability and ROC.

import { api, formValues, guarded, setMath, writeState } from "./core.js";
import { drawContour, el, fmt, niceRange, Plot } from "./plot.js";

const $ = (view, sel) => view.querySelector(sel);

// ---- Gradient descent -----------------------------------------------------------------------

const descent = {
  setup(view) {
    const svg = $(view, "#g-plot");
    svg.addEventListener("click", (event) => {
      if (!this.plot) return;
      const box = svg.getBoundingClientRect();
      const x = this.plot.dataX(((event.clientX - box.left) / box.width) * this.plot.w);
      const y = this.plot.dataY(((event.clientY - box.top) / box.height) * this.plot.h);
      view.querySelector("[name=start]").value = `${x.toFixed(3)},${y.toFixed(3)}`;
      writeState("descent", formValues(view));
      this.run(view);
    });
    for (const input of view.querySelectorAll(".win")) {
      input.addEventListener("change", () => { this.gridKey = null; writeState("descent", formValues(view)); this.run(view); });
    }
  },

  async run(view) {
    const p = formValues(view);
    const key = [p.expr, p.xmin, p.xmax, p.ymin, p.ymax].join("|");
    await guarded(view, async () => {
      const [grid, path] = await Promise.all([
        key === this.gridKey ? this.grid : api("contour", { expr: p.expr, xmin: p.xmin, xmax: p.xmax, ymin: p.ymin, ymax: p.ymax, n: 120 }),
        api("minimize", { expr: p.expr, method: p.method, lr: p.lr, steps: p.steps, start: p.start, vars: "" }),
      ]);
      this.grid = grid;
      this.gridKey = key;
      const [xv, yv] = grid.variables;
      this.plot = new Plot($(view, "#g-plot"), { xmin: grid.x[0], xmax: grid.x[grid.x.length - 1],
        ymin: grid.y[0], ymax: grid.y[grid.y.length - 1] });
      this.plot.axes(xv, yv);
      drawContour($(view, "#g-canvas"), grid, this.plot);
      this.animate(view, path);
    });
  },

  // Draw the path a few points per frame, the loss curve alongside.
  animate(view, r) {
    const plot = this.plot;
    const line = el("polyline", { class: "path", points: "" }, plot.layer);
    plot.dot(r.start[0], r.start[1], "start", 5);
    const head = plot.dot(r.start[0], r.start[1], "end", 5);
    const pts = r.path.filter((q) => q[0] !== null && q[1] !== null);
    const lossPlot = this.lossPlot(view, r);
    const lossLine = el("polyline", { class: "curve loss", points: "" }, lossPlot.layer);
    const id = (this.animation = (this.animation || 0) + 1);
    const perFrame = Math.max(1, Math.ceil(pts.length / 90));
    let i = 0;
    let drawn = "";
    let lossDrawn = "";
    const frame = () => {
      if (id !== this.animation) return;
      const end = Math.min(pts.length, i + perFrame);
      for (; i < end; i++) {
        drawn += `${plot.px(pts[i][0]).toFixed(1)},${plot.cy(pts[i][1]).toFixed(1)} `;
        const loss = r.loss[i];
        if (loss !== null && loss > 0) lossDrawn += `${lossPlot.px(r.path_steps[i]).toFixed(1)},${lossPlot.py(Math.log10(loss)).toFixed(1)} `;
      }
      line.setAttribute("points", drawn);
      lossLine.setAttribute("points", lossDrawn);
      const last = pts[i - 1];
      head.setAttribute("cx", plot.px(last[0]));
      head.setAttribute("cy", plot.cy(last[1]));
      if (i < pts.length) requestAnimationFrame(frame);
      else this.finish(view, r);
    };
    $(view, "#g-end").textContent = "descending…";
    requestAnimationFrame(frame);
  },

  lossPlot(view, r) {
    const logs = r.loss.filter((v) => v !== null && v > 0).map(Math.log10);
    const [ymin, ymax] = niceRange(logs);
    const plot = new Plot($(view, "#g-loss"), { xmin: 0, xmax: Math.max(1, r.steps), ymin, ymax });
    plot.axes("step", "log₁₀ loss");
    return plot;
  },

  finish(view, r) {
    const [xv, yv] = r.variables;
    const end = $(view, "#g-end");
    end.textContent = `${r.method}, lr ${r.lr}, ${r.steps} steps: ended at ${xv} = ${fmt(r.x[0])}, ${yv} = ${fmt(r.x[1])}` +
      `, loss ${fmt(r.value)}, |∇f| = ${fmt(r.grad_norm, 3)}${r.diverged ? " — diverged (try a smaller learning rate)" : ""}`;
    end.dataset.x = String(r.x[0]);
    end.dataset.y = String(r.x[1]);
    $(view, "#g-class").textContent = r.classification ? r.classification.sentence : "";
    this.plot.dot(r.x[0], r.x[1], "end", 6);
    view.dataset.ready = "1";
  },
};

// ---- Backpropagation ------------------------------------------------------------------------

const NODE_W = 150;
const NODE_H = 58;

const backprop = {
  setup() {},

  async run(view) {
    const p = formValues(view);
    await guarded(view, async () => {
      const r = await api("backprop", { expr: p.expr, at: p.at });
      setMath($(view, "#b-result"), r.mathml);
      $(view, "#b-value").textContent = fmt(r.value);
      this.graph(view, r);
      this.table(view, r);
      const c = r.check;
      const ok = $(view, "#b-check");
      ok.textContent = `${c.ok ? "✓ agrees with check_grads" : "⚠ disagrees with check_grads"}: ${c.what}: ` +
        `automatic ${fmt(c.automatic, 10)}, numeric ${fmt(c.numeric, 10)}`;
      ok.classList.toggle("bad", !c.ok);
      view.dataset.ready = "1";
    });
  },

  // Layers by longest path from the inputs; the loss on the right.
  graph(view, r) {
    const depth = [];
    for (const n of r.nodes) depth[n.index] = Math.max(0, ...n.inputs.filter((i) => i >= 0).map((i) => depth[i] + 1));
    const columns = [];
    for (const n of r.nodes) (columns[depth[n.index]] ||= []).push(n);
    const tall = Math.max(...columns.map((c) => c.length));
    const W = columns.length * (NODE_W + 70) + 20;
    const H = tall * (NODE_H + 34) + 20;
    const svg = $(view, "#b-graph");
    svg.replaceChildren();
    svg.setAttribute("viewBox", `0 0 ${W} ${H}`);
    const pos = [];
    columns.forEach((col, c) => col.forEach((n, k) => {
      pos[n.index] = [10 + c * (NODE_W + 70), 10 + (k + (tall - col.length) / 2) * (NODE_H + 34)];
    }));
    const edges = el("g", { class: "edges" }, svg);
    for (const n of r.nodes) {
      for (const e of n.edges) {
        const [x1, y1] = pos[e.source];
        const [x2, y2] = pos[n.index];
        const a = [x1 + NODE_W, y1 + NODE_H / 2];
        const b = [x2, y2 + NODE_H / 2];
        el("path", { d: `M${a[0]},${a[1]} C${a[0] + 35},${a[1]} ${b[0] - 35},${b[1]} ${b[0]},${b[1]}`, class: "edge" }, edges);
        const label = el("text", { x: (a[0] + b[0]) / 2, y: (a[1] + b[1]) / 2 - 4, class: "local", "text-anchor": "middle" }, edges);
        label.textContent = e.local === null ? "vjp" : `∂ = ${fmt(e.local, 4)}`;
      }
    }
    for (const n of r.nodes) {
      const [x, y] = pos[n.index];
      const g = el("g", { class: `node ${n.op === "input" ? "input" : ""} ${n.index === r.nodes.length - 1 ? "loss" : ""}` }, svg);
      el("rect", { x, y, width: NODE_W, height: NODE_H, rx: 8 }, g);
      const consts = n.constants.filter((c) => c !== null).map((c) => fmt(c, 4));
      const title = n.op === "input" ? n.label : `${n.label} = ${n.op}${consts.length ? ` (${consts.join(", ")})` : ""}`;
      el("text", { x: x + 8, y: y + 17, class: "title" }, g).textContent = title;
      el("text", { x: x + 8, y: y + 34 }, g).textContent = `v = ${fmt(n.value, 5)}`;
      el("text", { x: x + 8, y: y + 50, class: "grad" }, g).textContent = `g = ${n.grad === null ? "-" : fmt(n.grad, 5)}`;
    }
  },

  table(view, r) {
    const t = $(view, "#b-table");
    t.replaceChildren();
    const head = t.insertRow();
    for (const h of ["variable", "value", "∂L/∂variable (backpropagation)"]) head.appendChild(document.createElement("th")).textContent = h;
    for (const v of r.variables) {
      const row = t.insertRow();
      row.insertCell().textContent = v;
      row.insertCell().textContent = fmt(r.at[v]);
      row.insertCell().textContent = fmt(r.gradient[v], 10);
    }
  },
};

// ---- Probability and ROC ----------------------------------------------------------------------

function distParams(text) {
  const out = {};
  for (const part of text.split(",")) {
    const [k, v] = part.split("=").map((q) => (q || "").trim());
    if (k) out[k] = v;
  }
  return out;
}

const probability = {
  setup(view) {
    const slider = $(view, "#p-x");
    slider.addEventListener("input", () => this.drawPdf(view, false));
    slider.addEventListener("change", () => { writeState("probability", formValues(view)); this.run(view, true); });
    $(view, "#r-threshold").addEventListener("input", () => this.drawRoc(view));
    $(view, "[name=family]").addEventListener("change", () => {
      const defaults = { normal: "mu=0, sigma=1", exponential: "lam=1", uniform: "a=0, b=1", laplace: "mu=0, b=1",
        logistic: "mu=0, s=1", gamma: "k=2, theta=1", beta: "a=2, b=5", student_t: "nu=3", cauchy: "x0=0, gamma=1" };
      view.querySelector("[name=params]").value = defaults[view.querySelector("[name=family]").value] || "";
      this.fresh = true;
    });
  },

  async run(view, cdfOnly = false) {
    const p = formValues(view);
    const params = { family: p.family, mean: 1, var: 1, n: 401, ...distParams(p.params) };
    await guarded(view, async () => {
      const roc = !this.roc && !cdfOnly ? api("roc", { data: "breast_cancer" }) : null;
      if (this.fresh || !this.d) {
        // a new distribution: its window first, then P(X <= x) at the slider's place in it
        const first = await api("dist", params);
        const mid = first.x[Math.floor(first.x.length / 2)];
        const x = Number(p.x);
        p.x = String(!this.fresh && x >= first.x[0] && x <= first.x[first.x.length - 1] ? x : mid);
      }
      const d = await api("dist", { ...params, cdf: p.x });
      this.d = d;
      [this.cdf, this.mean, this.var] = d.results;
      if (roc) {
        this.roc = await roc;
        const t = $(view, "#r-threshold");
        t.max = String(this.roc.fpr.length - 1);
        t.value = String(Math.floor(this.roc.fpr.length / 2));
      }
      const slider = $(view, "#p-x");
      slider.min = String(d.x[0]);
      slider.max = String(d.x[d.x.length - 1]);
      slider.step = String(10 ** Math.floor(Math.log10((d.x[d.x.length - 1] - d.x[0]) / 1000)));
      slider.value = p.x;
      this.cdfAt = Number(p.x);
      this.fresh = false;
      setMath($(view, "#p-pdf"), d.mathml);
      this.drawPdf(view, true);
      this.drawRoc(view);
      writeState("probability", formValues(view));
      view.dataset.ready = "1";
    });
  },

  // P(X <= x): the server's integral at the slider's last stop; while dragging, the trapezoid
  // rule on the plotted samples (marked ≈).
  drawPdf(view, exact) {
    const d = this.d;
    if (!d) return;
    const x = Number($(view, "#p-x").value);
    $(view, "#p-x-val").textContent = fmt(x, 4);
    const [, ymax] = niceRange(d.pdf, [0]);
    const plot = new Plot($(view, "#p-plot"), { xmin: d.x[0], xmax: d.x[d.x.length - 1], ymin: 0, ymax, height: 300 });
    plot.axes("x", "pdf");
    plot.area(d.x, d.pdf, d.x[0], x, "area pos");
    plot.curve(d.x, d.pdf, "f");
    plot.line(x, 0, x, plot.y1, "guide");
    const mean = this.mean;
    if (!mean.divergent) plot.line(mean.value, 0, mean.value, plot.y1 * 0.9, "mean");
    const cdf = $(view, "#p-cdf");
    if (exact && !this.cdf.divergent) {
      cdf.textContent = `P(X ≤ ${fmt(this.cdfAt, 5)}) = ${fmt(this.cdf.value, 10)} (${describe(this.cdf)})`;
    } else {
      let area = 0;
      for (let i = 1; i < d.x.length && d.x[i] <= x; i++) {
        if (d.pdf[i] !== null && d.pdf[i - 1] !== null) area += ((d.pdf[i] + d.pdf[i - 1]) / 2) * (d.x[i] - d.x[i - 1]);
      }
      cdf.textContent = `P(X ≤ ${fmt(x, 5)}) ≈ ${fmt(area, 5)} (trapezoid rule on the plotted samples; release for the exact integral)`;
    }
    for (const [id, q] of [["#p-mean", mean], ["#p-var", this.var]]) {
      $(view, id).textContent = q.divergent ? `diverges: ${q.message}` : `${fmt(q.value, 10)} (${describe(q)})`;
    }
  },

  drawRoc(view) {
    const r = this.roc;
    if (!r) return;
    const k = Number($(view, "#r-threshold").value);
    const plot = new Plot($(view, "#r-plot"), { xmin: 0, xmax: 1, ymin: 0, ymax: 1, width: 420, height: 400 });
    plot.axes("false positive rate", "true positive rate");
    plot.area(r.fpr, r.tpr, 0, 1, "area pos");
    plot.line(0, 0, 1, 1, "chance");
    plot.curve(r.fpr, r.tpr, "roc");
    plot.dot(r.fpr[k], r.tpr[k], "handle", 6);
    const t = r.thresholds[k];
    $(view, "#r-t-val").textContent = t === null ? "∞ (nothing positive)" : `score ≥ ${fmt(t, 4)}`;
    $(view, "#r-auc").textContent = fmt(r.auc, 6);
    $(view, "#r-area").textContent = `(trapezoid area under the curve ${fmt(r.trapezoid_area, 6)}; ${r.n_test} test samples)`;
    const tp = Math.round(r.tpr[k] * r.positives);
    const fp = Math.round(r.fpr[k] * r.negatives);
    const m = $(view, "#r-matrix");
    m.replaceChildren();
    const rows = [["", "predicted +", "predicted −"], ["actual +", `TP ${tp}`, `FN ${r.positives - tp}`],
      ["actual −", `FP ${fp}`, `TN ${r.negatives - fp}`]];
    rows.forEach((row, i) => {
      const tr = m.insertRow();
      row.forEach((cell, j) => {
        const td = document.createElement(i === 0 || j === 0 ? "th" : "td");
        td.textContent = cell;
        tr.appendChild(td);
      });
    });
  },
};

function describe(q) {
  if (q.method === "quadrature") return `numeric quadrature, error ≤ ${fmt(q.error_estimate, 2)}`;
  return q.exact ? `${q.method}: ${q.exact}` : q.method;
}

export const learningViews = { descent, backprop, probability };
