// calcml's page: tabs, and the page state in the URL (so a teacher can link a problem).
// Every number shown comes from a report computed by calcml on the server; what follows the
// mouse (tangent lines, Riemann rectangles, thresholds) is computed here from those numbers.

import { fillForm, formValues, readState, writeState } from "./core.js";
import { calculusViews } from "./views-calculus.js";
import { learningViews } from "./views-learning.js";

const VIEWS = { ...calculusViews, ...learningViews };

// ---- tabs --------------------------------------------------------------------------------

function show(name, state = {}) {
  if (!VIEWS[name]) name = "derivative";
  for (const tab of document.querySelectorAll("nav button")) {
    tab.setAttribute("aria-selected", String(tab.dataset.view === name));
  }
  for (const section of document.querySelectorAll("main > section")) {
    section.hidden = section.id !== name;
  }
  const section = document.getElementById(name);
  fillForm(section, state);
  const view = VIEWS[name];
  if (!view.ready) {
    view.setup(section);
    view.ready = true;
  }
  writeState(name, formValues(section));
  view.run(section);
}

function main() {
  for (const tab of document.querySelectorAll("nav button")) {
    tab.addEventListener("click", () => show(tab.dataset.view));
  }
  for (const [name, view] of Object.entries(VIEWS)) {
    const section = document.getElementById(name);
    section.querySelector("form").addEventListener("submit", (event) => {
      event.preventDefault();
      writeState(name, formValues(section));
      view.run(section);
    });
  }
  const state = readState();
  show(state.view || "derivative", state);
  window.addEventListener("hashchange", () => {
    const next = readState();
    show(next.view || "derivative", next);
  });
}

main();
