// The calculus views: derivative and tangent, integral and area, optimal values, check my answer.

import { api, formValues, guarded, renderSteps, setMath, writeState } from "./core.js";
import { drawContour, el, fmt, interpolate, niceRange, Plot } from "./plot.js";

const $ = (view, sel) => view.querySelector(sel);

function verifiedText(node, ok, what) {
  node.textContent = ok ? `✓ ${what}` : `⚠ not verified`;
  node.classList.toggle("bad", !ok);
}

// ---- Derivative and tangent ---------------------------------------------------------------

const derivative = {
  data: null,

  setup(view) {
    const slider = $(view, "#d-a");
    slider.addEventListener("input", () => this.drawTangent(view));
    slider.addEventListener("change", () => writeState("derivative", formValues(view)));
    const svg = $(view, "#d-plot");
    let dragging = false;
    const move = (event) => {
      if (!this.plot) return;
      const box = svg.getBoundingClientRect();
      const px = ((event.clientX - box.left) / box.width) * this.plot.w;
      const a = Math.max(this.plot.x0, Math.min(this.plot.x1, this.plot.dataX(px)));
      slider.value = String(a);
      this.pending = true;
      requestAnimationFrame(() => { if (this.pending) { this.pending = false; this.drawTangent(view); } });
    };
    svg.addEventListener("pointerdown", (event) => { dragging = true; svg.setPointerCapture(event.pointerId); move(event); });
    svg.addEventListener("pointermove", (event) => { if (dragging) move(event); });
    const stop = () => { if (dragging) { dragging = false; writeState("derivative", formValues(view)); } };
    svg.addEventListener("pointerup", stop);
    svg.addEventListener("pointercancel", stop);
  },

  async run(view) {
    const p = formValues(view);
    await guarded(view, async () => {
      const [d, s] = await Promise.all([
        api("diff", { expr: p.expr, steps: 1 }),
        api("samples", { expr: p.expr, xmin: p.xmin, xmax: p.xmax, n: 801 }),
      ]);
      setMath($(view, "#d-result"), d.mathml);
      verifiedText($(view, "#d-verified"), d.verified, d.check);
      renderSteps($(view, "#d-steps"), d.steps);
      this.data = s;
      const slider = $(view, "#d-a");
      const a = Number(p.a);
      slider.min = String(s.xmin);
      slider.max = String(s.xmax);
      slider.step = String(10 ** Math.floor(Math.log10((s.xmax - s.xmin) / 1000)));
      slider.value = String(Number.isFinite(a) && a >= s.xmin && a <= s.xmax ? a : (s.xmin + s.xmax) / 2);
      this.drawCurves(view);
      this.drawTangent(view);
      view.dataset.ready = "1";
    });
  },

  drawCurves(view) {
    const s = this.data;
    // f decides the window; f' joins it unless it would squash f (near a pole of f').
    let [ymin, ymax] = niceRange(s.y, [0]);
    const [dmin, dmax] = niceRange(s.dy, [0]);
    if (dmax - dmin < 3 * (ymax - ymin)) [ymin, ymax] = [Math.min(ymin, dmin), Math.max(ymax, dmax)];
    const plot = new Plot($(view, "#d-plot"), { xmin: s.xmin, xmax: s.xmax, ymin, ymax });
    plot.axes(s.var, "y");
    plot.curve(s.dx, s.dy, "df");
    plot.curve(s.x, s.y, "f");
    this.tangentLayer = el("g", {}, plot.layer);
    this.plot = plot;
  },

  // f(a) and f'(a) from the samples; the tangent y = f(a) + f'(a)(x - a): no request.
  drawTangent(view) {
    const s = this.data;
    if (!s || !this.plot) return;
    const a = Number($(view, "#d-a").value);
    const fa = interpolate(s.x, s.y, a);
    const slope = interpolate(s.dx, s.dy, a);
    const layer = this.tangentLayer;
    layer.replaceChildren();
    $(view, "#d-a-val").textContent = fmt(a);
    $(view, "#d-fa").textContent = fmt(fa);
    $(view, "#d-slope").textContent = fmt(slope);
    $(view, "#d-slope").dataset.value = slope === null ? "" : String(slope);
    if (fa === null || slope === null) {
      $(view, "#d-line").textContent = "f is not differentiable here";
      return;
    }
    const { x0, x1 } = this.plot;
    this.plot.line(x0, fa + slope * (x0 - a), x1, fa + slope * (x1 - a), "tangent", layer);
    this.plot.line(a, this.plot.y0, a, fa, "guide", layer);
    el("circle", { cx: this.plot.px(a), cy: this.plot.cy(fa), r: 7, class: "handle" }, layer);
    const b = fa - slope * a;
    $(view, "#d-line").textContent = `y = ${fmt(slope)}·${s.var} ${b < 0 ? "−" : "+"} ${fmt(Math.abs(b))}`;
  },
};

// ---- Integral and area --------------------------------------------------------------------

const integral = {
  setup(view) {
    const redraw = () => { this.drawSums(view); writeState("integral", formValues(view)); };
    $(view, "#i-n").addEventListener("input", redraw);
    $(view, "#i-rule").addEventListener("change", redraw);
  },

  async run(view) {
    const p = formValues(view);
    await guarded(view, async () => {
      // no closed-form antiderivative is an answer too: the area and the sums still stand
      const [anti, riemann, samples] = await Promise.all([
        api("integrate", { expr: p.expr }).catch((e) => ({ error: e.message })),
        api("riemann", { expr: p.expr, a: p.a, b: p.b, nmax: 200, xmin: p.xmin, xmax: p.xmax }),
        api("samples", { expr: p.expr, xmin: p.xmin, xmax: p.xmax, n: 801 }),
      ]);
      setMath($(view, "#i-result"), anti.mathml);
      if (anti.error) $(view, "#i-result").textContent = `none found (${anti.error})`;
      $(view, "#i-plus-c").hidden = Boolean(anti.error);
      verifiedText($(view, "#i-verified"), anti.verified, anti.note || anti.method);
      $(view, "#i-verified").hidden = Boolean(anti.error);
      renderSteps($(view, "#i-steps"), anti.steps);
      this.r = riemann;
      this.s = samples;
      const slider = $(view, "#i-n");
      const n = Math.round(Number(p.n));
      Object.assign(slider, { min: "1", max: String(riemann.nmax), step: "1" });
      slider.value = String(n >= 1 && n <= riemann.nmax ? n : 8);
      $(view, "#i-definite").textContent = `∫ from ${fmt(riemann.a)} to ${fmt(riemann.b)} of f(${riemann.var}) d${riemann.var}`;
      const ex = riemann.exact;
      $(view, "#i-exact").textContent = fmt(ex.value, 12);
      $(view, "#i-exact").dataset.value = String(ex.value);
      const method = $(view, "#i-method");
      if (ex.method === "symbolic" && ex.mathml) {  // the exact value typeset, as the steps are
        const maths = document.createElement("span");
        setMath(maths, ex.mathml);
        method.replaceChildren("exact: ", maths, ` (${ex.note || "fundamental theorem"})`);
      } else {
        method.textContent = ex.method === "symbolic"
          ? `exact: ${ex.result} (${ex.note || "fundamental theorem"})`
          : `${ex.method}, error ≤ ${fmt(ex.error_estimate, 2)}`;
      }
      this.drawF(view);
      this.drawSums(view);
      view.dataset.ready = "1";
    });
  },

  drawSums(view) {
    const r = this.r;
    const s = this.s;
    if (!r || !s) return;
    const n = Math.min(r.nmax, Math.max(1, Math.round(Number($(view, "#i-n").value) || 1)));
    const rule = $(view, "#i-rule").value;
    $(view, "#i-n-val").textContent = String(n);
    $(view, "#i-n-shown").textContent = String(n);
    $(view, "#i-rule-name").textContent = rule;
    const sum = r.sums[rule][n - 1];
    $(view, "#i-sum").textContent = fmt(sum, 10);
    $(view, "#i-sum").dataset.value = String(sum);
    $(view, "#i-sum-error").textContent = fmt(sum - r.exact.value, 3);
    const [ymin, ymax] = niceRange(s.y, [0]);
    const plot = new Plot($(view, "#i-plot"), { xmin: s.xmin, xmax: s.xmax, ymin, ymax });
    plot.axes(s.var, "f");
    plot.area(s.x, s.y.map((y) => (y !== null && y >= 0 ? y : 0)), r.a, r.b, "area pos");
    plot.area(s.x, s.y.map((y) => (y !== null && y < 0 ? y : 0)), r.a, r.b, "area neg");
    const h = (r.b - r.a) / n;
    const shift = { left: 0, right: 1, midpoint: 0.5 }[rule];
    const g = el("g", { class: "rects" }, plot.layer);
    for (let i = 0; i < n; i++) {
      const height = interpolate(s.x, s.y, r.a + (i + shift) * h);
      if (height === null) continue;
      const top = plot.cy(Math.max(height, 0));
      const bottom = plot.cy(Math.min(height, 0));
      el("rect", { x: plot.px(r.a + i * h), y: top, width: Math.max(0.5, plot.px(r.a + h) - plot.px(r.a)),
        height: Math.max(0.5, bottom - top), class: height >= 0 ? "pos" : "neg" }, g);
    }
    plot.curve(s.x, s.y, "f");
  },

  drawF(view) {
    const F = this.r.F;
    const f = this.s;
    const [ymin, ymax] = niceRange(F.y.concat(f.y), [0]);
    const plot = new Plot($(view, "#i-F"), { xmin: f.xmin, xmax: f.xmax, ymin, ymax });
    plot.axes(f.var, "F");
    plot.curve(f.x, f.y, "f faint");
    plot.curve(F.x, F.y, "F");
    const Fb = interpolate(F.x, F.y, this.r.b);
    plot.dot(this.r.a, 0, "mark");
    if (Fb !== null) {
      plot.dot(this.r.b, Fb, "mark");
      plot.text(this.r.b, Fb, `F(b) = ${fmt(Fb, 5)}`);
    }
  },
};

// ---- Optimal values -----------------------------------------------------------------------

const KIND_CLASS = { minimum: "min", maximum: "max", "saddle point": "saddle" };

const optimal = {
  setup() {},

  async run(view) {
    const p = formValues(view);
    await guarded(view, async () => {
      const crit = await api("critical", { expr: p.expr });
      const two = crit.variables.length === 2;
      const window = { xmin: p.xmin, xmax: p.xmax, ymin: p.ymin, ymax: p.ymax };
      const grid = two
        ? await api("contour", { expr: p.expr, ...window, n: 120 })
        : await api("samples", { expr: p.expr, xmin: p.xmin, xmax: p.xmax, n: 801 });
      $(view, "#o-method").textContent = `${crit.points.length} critical point(s), ${crit.method}` +
        (crit.complete ? "" : " (numeric search: the list may be incomplete)");
      this.table(view, crit);
      view.querySelector("#o-stack").classList.toggle("flat", !two);
      if (two) this.drawMap(view, grid, crit); else this.drawCurve(view, grid, crit);
      view.dataset.ready = "1";
    });
  },

  table(view, crit) {
    const t = $(view, "#o-table");
    t.replaceChildren();
    const head = t.insertRow();
    for (const h of [crit.variables.join(", "), "f", "kind", "test"]) head.appendChild(document.createElement("th")).textContent = h;
    for (const pt of crit.points) {
      const row = t.insertRow();
      const coord = (v) => (pt.exact ? String(pt.point[v]) : fmt(pt.approx[v], 8));
      row.insertCell().textContent = crit.variables.map(coord).join(", ");
      row.insertCell().textContent = pt.exact ? String(pt.value) : fmt(Number(pt.value), 8);
      row.insertCell().textContent = pt.kind;
      const ev = pt.data.eigenvalues;
      row.insertCell().textContent = ev ? `Hessian eigenvalues ${ev.map((v) => fmt(v, 4)).join(", ")}` : pt.test;
    }
  },

  drawCurve(view, s, crit) {
    const canvas = $(view, "#o-canvas");
    canvas.getContext("2d").clearRect(0, 0, canvas.width, canvas.height);
    const [ymin, ymax] = niceRange(s.y, [0]);
    const plot = new Plot($(view, "#o-plot"), { xmin: s.xmin, xmax: s.xmax, ymin, ymax });
    plot.axes(s.var, "f");
    plot.curve(s.x, s.y, "f");
    for (const pt of crit.points) {
      const x = pt.approx[s.var];
      const y = interpolate(s.x, s.y, x);
      if (y === null) continue;
      plot.dot(x, y, `crit ${KIND_CLASS[pt.kind] || "other"}`, 6);
      plot.text(x, y, pt.kind);
    }
  },

  drawMap(view, g, crit) {
    const [xv, yv] = g.variables;
    const plot = new Plot($(view, "#o-plot"), { xmin: g.x[0], xmax: g.x[g.x.length - 1],
      ymin: g.y[0], ymax: g.y[g.y.length - 1] });
    plot.axes(xv, yv);
    drawContour($(view, "#o-canvas"), g, plot);
    for (const pt of crit.points) {
      const [x, y] = [pt.approx[xv], pt.approx[yv]];
      if (x < plot.x0 || x > plot.x1 || y < plot.y0 || y > plot.y1) continue;
      plot.dot(x, y, `crit ${KIND_CLASS[pt.kind] || "other"}`, 6);
      const ev = pt.data.eigenvalues;
      plot.text(x, y, `${pt.kind}${ev ? ` (λ = ${ev.map((v) => fmt(v, 3)).join(", ")})` : ""}`, "note light");
    }
  },
};

// ---- Check my answer ----------------------------------------------------------------------

const check = {
  setup() {},

  async run(view) {
    const p = formValues(view);
    await guarded(view, async () => {
      const r = await api("check", { kind: p.kind, expr: p.expr, answer: p.answer });
      const v = $(view, "#c-verdict");
      v.textContent = r.correct ? "✓ Right" : "✗ Not right";
      v.className = `verdict ${r.correct ? "good" : "bad"}`;
      $(view, "#c-message").textContent = r.message +
        (r.constant ? ` Your answer differs from calcml's by the constant ${fmt(r.constant, 8)}.` : "");
      setMath($(view, "#c-answer"), r.answer_mathml);
      setMath($(view, "#c-expected"), r.expected_mathml);
      $(view, "#c-steps-box").hidden = r.correct;
      renderSteps($(view, "#c-steps"), r.correct ? null : r.steps);
      view.dataset.ready = "1";
    });
  },
};

export const calculusViews = { derivative, integral, optimal, check };
