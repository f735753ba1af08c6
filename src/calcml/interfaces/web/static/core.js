// Shared by every view: requests to /api/NAME, errors, MathML, steps, the page state in the URL.

const MATHML = "http://www.w3.org/1998/Math/MathML";

// ---- requests --------------------------------------------------------------------------

export class ApiError extends Error {}

// A busy server (503) says in Retry-After when to ask again; the page asks again at most this
// many times, waiting as told (capped), before it shows the 503's message.
const RETRIES = 2;
const MAX_WAIT_S = 5;

// GET /api/NAME?params; resolves to the report's JSON, or throws its one-line error.
export async function api(name, params) {
  const query = new URLSearchParams();
  for (const [k, v] of Object.entries(params)) {
    if (v !== undefined && v !== null && v !== "") query.set(k, String(v));
  }
  let response;
  for (let attempt = 0; ; attempt++) {
    try {
      response = await fetch(`/api/${name}?${query}`, { headers: { Accept: "application/json" } });
    } catch {
      throw new ApiError("the calcml server did not answer (is `calcml serve` still running?)");
    }
    if (response.status !== 503 || attempt >= RETRIES) break;
    const wait = Math.min(MAX_WAIT_S, Number(response.headers.get("Retry-After")) || 1);
    await new Promise((resolve) => setTimeout(resolve, wait * 1000));
  }
  let body = null;
  try { body = await response.json(); } catch { body = null; }
  if (!response.ok) {
    const msg = body && body.error ? body.error : `the server answered ${response.status}`;
    const col = body && body.column ? ` (column ${body.column})` : "";
    throw new ApiError(msg + col);
  }
  return body;
}

// Run an async view step, showing its error (or clearing it) in the view's error line.
export async function guarded(view, work) {
  const err = view.querySelector(".error");
  const busy = view.querySelector(".busy");
  if (busy) busy.hidden = false;
  try {
    await work();
    if (err) { err.textContent = ""; err.hidden = true; }
    view.classList.remove("stale");
    return true;
  } catch (e) {
    if (!(e instanceof ApiError)) console.warn(e);
    if (err) { err.textContent = e.message; err.hidden = false; }
    view.classList.add("stale");  // what is still shown belongs to the last good input
    return false;
  } finally {
    if (busy) busy.hidden = true;
  }
}

// ---- MathML ----------------------------------------------------------------------------

const TAGS = new Set(["math", "mi", "mn", "mo", "ms", "mtext", "mspace", "mrow", "mfrac", "msqrt",
  "mroot", "msub", "msup", "msubsup", "munder", "mover", "munderover", "mtable", "mtr", "mtd",
  "mstyle", "mpadded", "mphantom", "menclose", "semantics", "annotation", "mfenced"]);
const ATTRS = new Set(["display", "mathvariant", "stretchy", "fence", "form", "separator",
  "lspace", "rspace", "accent", "accentunder", "movablelimits", "largeop", "symmetric", "minsize",
  "maxsize", "linethickness", "displaystyle", "scriptlevel", "columnalign", "rowalign", "width",
  "height", "depth", "notation", "open", "close", "separators"]);

// Put server MathML into `target`, keeping only MathML elements and harmless attributes (no
// scripts, links, event handlers or style: the page's CSP allows no inline style).
export function setMath(target, markup) {
  target.replaceChildren();
  if (!markup) return;
  const doc = new DOMParser().parseFromString(markup, "application/xml");
  const root = doc.documentElement;
  if (root.namespaceURI !== MATHML || root.localName !== "math") return;
  target.appendChild(cleanMath(root));
}

function cleanMath(root) {
  const out = document.createElementNS(MATHML, "math");
  const stack = [[root, out]];
  while (stack.length) {
    const [src, dst] = stack.pop();
    for (const a of src.attributes) {
      if (ATTRS.has(a.localName) && !a.namespaceURI) dst.setAttribute(a.localName, a.value);
    }
    for (const child of src.childNodes) {
      if (child.nodeType === Node.TEXT_NODE) dst.appendChild(document.createTextNode(child.data));
      else if (child.nodeType === Node.ELEMENT_NODE && child.namespaceURI === MATHML
               && TAGS.has(child.localName)) {
        const copy = document.createElementNS(MATHML, child.localName);
        dst.appendChild(copy);
        stack.push([child, copy]);
      }
    }
  }
  return out;
}

// A steps tree as nested <details>: rule name, then the step's maths; sub-steps inside.
export function renderSteps(target, tree) {
  target.replaceChildren();
  if (!tree) return;
  const stack = [[tree, target, true]];
  while (stack.length) {
    const [step, parent, open] = stack.pop();
    const details = document.createElement("details");
    details.className = "step";
    details.open = open;
    const summary = document.createElement("summary");
    const rule = document.createElement("span");
    rule.className = "rule";
    rule.textContent = step.rule;
    const maths = document.createElement("span");
    maths.className = "maths";
    setMath(maths, step.mathml);
    if (!step.mathml) maths.textContent = `${step.expr} → ${step.result}`;
    summary.append(rule, " ", maths);
    // the named quantities (u, du, dv, v, A, B…) and the rule in its general form
    const named = Object.entries(step.quantities || {});
    if (named.length) {
      const where = document.createElement("span");
      where.className = "quantities";
      where.textContent = named.map(([k, v]) => `${k} = ${v}`).join(", ");
      summary.append(" ", where);
    }
    if (step.hint) {
      const hint = document.createElement("span");
      hint.className = "hint";
      hint.textContent = step.hint;
      summary.append(" ", hint);
    }
    details.appendChild(summary);
    parent.appendChild(details);
    const subs = step.substeps || [];
    if (!subs.length) details.classList.add("leaf");
    for (let i = subs.length - 1; i >= 0; i--) stack.push([subs[i], details, false]);
  }
}

// ---- page state in the URL ---------------------------------------------------------------

export function readState() {
  const raw = location.hash.replace(/^#/, "");
  return Object.fromEntries(new URLSearchParams(raw));
}

export function writeState(view, values) {
  const params = new URLSearchParams({ view, ...values });
  history.replaceState(null, "", `#${params}`);
}

// The inputs of a view (by name) <-> a plain object.
export function formValues(view) {
  const out = {};
  for (const input of view.querySelectorAll("[name]")) out[input.name] = input.value;
  return out;
}

export function fillForm(view, state) {
  for (const input of view.querySelectorAll("[name]")) {
    if (state[input.name] === undefined) continue;
    if (input.type === "range") {
      // a linked slider value may lie outside the default range: the view narrows it later
      input.min = "-1e12";
      input.max = "1e12";
      input.step = "any";
    }
    input.value = state[input.name];
  }
}

