// Hand-written SVG and canvas plots. Curves come from the server as sampled arrays with null
// where the curve breaks (a pole, a jump, a gap in the domain); a path is never drawn across
// a null, so there are no vertical joins.

const SVG = "http://www.w3.org/2000/svg";

export function el(tag, attrs = {}, parent = null) {
  const node = document.createElementNS(SVG, tag);
  for (const [k, v] of Object.entries(attrs)) node.setAttribute(k, v);
  if (parent) parent.appendChild(node);
  return node;
}

// A y-range that ignores the far ends near a pole: the 2nd to 98th percentile, widened.
export function niceRange(values, include = []) {
  const ys = values.filter((v) => v !== null && Number.isFinite(v)).sort((a, b) => a - b);
  if (!ys.length) return [-1, 1];
  const q = (p) => ys[Math.min(ys.length - 1, Math.max(0, Math.round(p * (ys.length - 1))))];
  let lo = Math.min(q(0.02), ...include);
  let hi = Math.max(q(0.98), ...include);
  if (ys[0] >= q(0.02) - 1e-12 && ys[ys.length - 1] <= q(0.98) + 1e-12) {
    lo = Math.min(ys[0], ...include);
    hi = Math.max(ys[ys.length - 1], ...include);
  }
  if (hi - lo < 1e-9) { lo -= 1; hi += 1; }
  const pad = 0.08 * (hi - lo);
  return [lo - pad, hi + pad];
}

function ticks(lo, hi, count = 6) {
  const raw = (hi - lo) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= raw) || raw;
  const out = [];
  for (let t = Math.ceil(lo / step) * step; t <= hi + 1e-9 * step; t += step) {
    out.push(Math.abs(t) < step * 1e-9 ? 0 : t);
  }
  return out;
}

export function fmt(v, digits = 6) {
  if (v === null || v === undefined || !Number.isFinite(v)) return "undefined";
  if (v === 0) return "0";
  const a = Math.abs(v);
  if (a >= 1e6 || a < 1e-4) return v.toExponential(digits - 1);
  return String(Number(v.toPrecision(digits)));
}

// One 2-D plot in an <svg>: data coordinates -> pixels, axes, curves, areas, marks.
export class Plot {
  constructor(svg, { xmin, xmax, ymin, ymax, width = 640, height = 380, margin = 46 }) {
    this.svg = svg;
    this.w = width; this.h = height; this.m = margin;
    this.x0 = xmin; this.x1 = xmax; this.y0 = ymin; this.y1 = ymax;
    svg.replaceChildren();
    svg.setAttribute("viewBox", `0 0 ${width} ${height}`);
    svg.setAttribute("preserveAspectRatio", "xMidYMid meet");
    const clip = el("clipPath", { id: `${svg.id}-clip` }, el("defs", {}, svg));
    el("rect", { x: margin, y: 8, width: width - margin - 10, height: height - margin - 8 }, clip);
    this.axesLayer = el("g", { class: "axes" }, svg);
    this.layer = el("g", { "clip-path": `url(#${svg.id}-clip)` }, svg);
    this.top = el("g", {}, svg);
  }

  px(x) { return this.m + ((x - this.x0) / (this.x1 - this.x0)) * (this.w - this.m - 10); }
  py(y) { return 8 + ((this.y1 - y) / (this.y1 - this.y0)) * (this.h - this.m - 8); }
  dataX(px) { return this.x0 + ((px - this.m) / (this.w - this.m - 10)) * (this.x1 - this.x0); }
  dataY(py) { return this.y1 - ((py - 8) / (this.h - this.m - 8)) * (this.y1 - this.y0); }

  // Clamp far-off values so a steep but unbroken curve still leaves the frame cleanly.
  cy(y) {
    const span = this.y1 - this.y0;
    return this.py(Math.max(this.y0 - 10 * span, Math.min(this.y1 + 10 * span, y)));
  }

  axes(xlabel = "x", ylabel = "y") {
    const g = this.axesLayer;
    for (const t of ticks(this.x0, this.x1)) {
      el("line", { x1: this.px(t), x2: this.px(t), y1: 8, y2: this.h - this.m, class: "grid" }, g);
      el("text", { x: this.px(t), y: this.h - this.m + 16, class: "tick", "text-anchor": "middle" }, g)
        .textContent = fmt(t, 4);
    }
    for (const t of ticks(this.y0, this.y1, 5)) {
      el("line", { x1: this.m, x2: this.w - 10, y1: this.py(t), y2: this.py(t), class: "grid" }, g);
      el("text", { x: this.m - 3, y: this.py(t) + 4, class: "tick", "text-anchor": "end" }, g)
        .textContent = fmt(t, 4);
    }
    if (this.y0 < 0 && this.y1 > 0) {
      el("line", { x1: this.m, x2: this.w - 10, y1: this.py(0), y2: this.py(0), class: "axis" }, g);
    }
    if (this.x0 < 0 && this.x1 > 0) {
      el("line", { x1: this.px(0), x2: this.px(0), y1: 8, y2: this.h - this.m, class: "axis" }, g);
    }
    el("text", { x: this.w - 12, y: this.h - this.m - 6, class: "label", "text-anchor": "end" }, g)
      .textContent = xlabel;
    const my = (8 + this.h - this.m) / 2;
    el("text", { x: 11, y: my, class: "label", "text-anchor": "middle", transform: `rotate(-90 11 ${my})` }, g)
      .textContent = ylabel;
  }

  // Path data for samples, a new "M" after every null (the curve's breaks).
  pathData(xs, ys) {
    let d = "";
    let pen = false;
    for (let i = 0; i < xs.length; i++) {
      if (xs[i] === null || ys[i] === null) { pen = false; continue; }
      d += `${pen ? "L" : "M"}${this.px(xs[i]).toFixed(2)},${this.cy(ys[i]).toFixed(2)}`;
      pen = true;
    }
    return d;
  }

  curve(xs, ys, cls, layer = this.layer) {
    return el("path", { d: this.pathData(xs, ys), class: `curve ${cls}` }, layer);
  }

  // The region between the curve and y = 0 for a <= x <= b, one polygon per unbroken run.
  area(xs, ys, a, b, cls) {
    const g = el("g", { class: cls }, this.layer);
    let run = [];
    const flush = () => {
      if (run.length > 1) {
        const pts = run.map(([x, y]) => `${this.px(x)},${this.cy(y)}`);
        const [xa] = run[0];
        const [xb] = run[run.length - 1];
        pts.push(`${this.px(xb)},${this.py(0)}`, `${this.px(xa)},${this.py(0)}`);
        el("polygon", { points: pts.join(" ") }, g);
      }
      run = [];
    };
    for (let i = 0; i < xs.length; i++) {
      if (xs[i] === null || ys[i] === null) { flush(); continue; }
      if (xs[i] >= a && xs[i] <= b) run.push([xs[i], ys[i]]);
    }
    flush();
    return g;
  }

  line(x1, y1, x2, y2, cls, layer = this.layer) {
    return el("line", { x1: this.px(x1), y1: this.cy(y1), x2: this.px(x2), y2: this.cy(y2), class: cls }, layer);
  }

  dot(x, y, cls, r = 5, layer = this.top) {
    return el("circle", { cx: this.px(x), cy: this.cy(y), r, class: cls }, layer);
  }

  text(x, y, content, cls = "note", layer = this.top) {
    const t = el("text", { x: this.px(x) + 6, y: this.cy(y) - 6, class: cls }, layer);
    t.textContent = content;
    return t;
  }
}

// Linear interpolation of sampled data at x, within one unbroken run (null when x sits in a
// break or outside the samples).
export function interpolate(xs, ys, x) {
  let lo = 0;
  let hi = xs.length - 1;
  while (lo < hi && xs[lo] === null) lo++;
  while (hi > lo && xs[hi] === null) hi--;
  if (x < xs[lo] || x > xs[hi]) return null;
  if (x === xs[lo]) return ys[lo];
  if (x === xs[hi]) return ys[hi];
  while (hi - lo > 1) {
    const mid = (lo + hi) >> 1;
    let m = mid;
    while (m < hi && xs[m] === null) m++;
    if (m === hi) { hi = mid; continue; }
    if (xs[m] <= x) lo = m; else hi = m;
  }
  if (xs[lo] === null || xs[hi] === null || ys[lo] === null || ys[hi] === null) return null;
  if (xs[hi] === xs[lo]) return ys[lo];
  const t = (x - xs[lo]) / (xs[hi] - xs[lo]);
  return ys[lo] + t * (ys[hi] - ys[lo]);
}

// A colour for a level in [0, 1]: dark blue (low) through teal to pale yellow (high).
function colour(t) {
  const stops = [[30, 40, 110], [40, 120, 160], [90, 180, 140], [250, 240, 170]];
  const s = Math.max(0, Math.min(1, t)) * (stops.length - 1);
  const i = Math.min(stops.length - 2, Math.floor(s));
  const f = s - i;
  return stops[i].map((c, k) => Math.round(c + f * (stops[i + 1][k] - c)));
}

// Levels for a contour map: log-spaced above the minimum (loss surfaces span decades).
function levelOf(z, zmin, zmax) {
  return Math.log1p(z - zmin) / Math.log1p(zmax - zmin || 1);
}

// A 2-D grid drawn on a canvas: colour by (log) level, iso-lines by marching squares.
export function drawContour(canvas, grid, plot) {
  const ctx = canvas.getContext("2d");
  const W = canvas.width;
  const H = canvas.height;
  ctx.clearRect(0, 0, W, H);
  const { x, y, z } = grid;
  const flat = z.flat().filter((v) => v !== null);
  if (!flat.length) return;
  const zmin = Math.min(...flat);
  const zmax = Math.max(...flat);
  const sx = W / plot.w;
  const sy = H / plot.h;
  const cw = (plot.px(x[1]) - plot.px(x[0])) * sx;
  const ch = (plot.py(y[0]) - plot.py(y[1])) * sy;
  for (let j = 0; j < y.length; j++) {
    for (let i = 0; i < x.length; i++) {
      const v = z[j][i];
      if (v === null) continue;
      const [r, g, b] = colour(levelOf(v, zmin, zmax));
      ctx.fillStyle = `rgb(${r},${g},${b})`;
      ctx.fillRect(plot.px(x[i]) * sx - cw / 2, plot.py(y[j]) * sy - ch / 2, cw + 1, ch + 1);
    }
  }
  ctx.strokeStyle = "rgba(255,255,255,0.55)";
  ctx.lineWidth = 1;
  for (let k = 1; k < 14; k++) {
    const t = k / 14;
    const level = zmin + Math.expm1(t * Math.log1p(zmax - zmin || 1));
    isoLine(ctx, grid, level, (i, j) => [plot.px(i) * sx, plot.py(j) * sy]);
  }
}

// Marching squares at one level: a segment through each cell the level crosses.
function isoLine(ctx, { x, y, z }, level, toPx) {
  ctx.beginPath();
  for (let j = 0; j + 1 < y.length; j++) {
    for (let i = 0; i + 1 < x.length; i++) {
      const c = [[i, j], [i + 1, j], [i + 1, j + 1], [i, j + 1]];
      const v = c.map(([a, b]) => z[b][a]);
      if (v.some((q) => q === null)) continue;
      const pts = [];
      for (let e = 0; e < 4; e++) {
        const [p, q] = [v[e], v[(e + 1) % 4]];
        if ((p < level) !== (q < level)) {
          const t = (level - p) / (q - p);
          const [a0, b0] = c[e];
          const [a1, b1] = c[(e + 1) % 4];
          const gx = x[a0] + t * (x[a1] - x[a0]);
          const gy = y[b0] + t * (y[b1] - y[b0]);
          pts.push(toPx(gx, gy));
        }
      }
      for (let s = 0; s + 1 < pts.length; s += 2) {
        ctx.moveTo(...pts[s]);
        ctx.lineTo(...pts[s + 1]);
      }
    }
  }
  ctx.stroke();
}
