// cardfarm studio: the gallery, the stats editor and the 1:1 view. Plain JS, no build step.
"use strict";

const $ = (id) => document.getElementById(id);
const studio = {
  state: null, // /api/state
  who: null, // "fixture/typical" or "user/demo"
  cards: [], // /api/cards/{who}
  zoomed: null, // "template/format" of the card in the 1:1 view
  generation: 0,
};

function label(path) {
  const [kind, id] = path.split("/");
  return kind === "fixture" ? `${id} (fixture)` : id;
}

async function fetchJson(url, options) {
  const response = await fetch(url, options);
  const body = await response.json().catch(() => ({}));
  return { ok: response.ok, status: response.status, body };
}

async function loadState() {
  const { body } = await fetchJson("/api/state");
  studio.state = body;
  const list = $("people");
  list.replaceChildren(
    ...body.people.map((p) => {
      const option = document.createElement("option");
      option.value = `${p.kind}/${p.id}`;
      option.label = label(option.value);
      return option;
    }),
  );
  const formats = [...new Set(body.slots.map((s) => s.format))].sort();
  const templates = [...new Set(body.slots.map((s) => s.template))].sort();
  fillSelect($("format"), formats);
  fillSelect($("template"), templates);
  const problems = $("problems");
  problems.replaceChildren(
    ...body.problems.map((p) => {
      const li = document.createElement("li");
      li.textContent = p;
      return li;
    }),
  );
  problems.hidden = body.problems.length === 0;
  if (!studio.who) {
    const wanted = new URLSearchParams(location.search).get("who");
    const d = body.default;
    studio.who = wanted || (d ? `${d.kind}/${d.id}` : null);
    $("person").value = studio.who || "";
  }
}

function fillSelect(select, values) {
  const current = select.value;
  select.replaceChildren(new Option("all", ""), ...values.map((v) => new Option(v, v)));
  select.value = values.includes(current) ? current : "";
}

async function loadCards() {
  if (!studio.who) return;
  const { ok, body } = await fetchJson(`/api/cards/${studio.who}`);
  if (!ok) {
    $("live").textContent = body.error || "no such person";
    return;
  }
  studio.cards = body.cards;
  studio.generation = body.generation;
  renderGallery();
  if (studio.zoomed) showZoom(studio.zoomed);
}

function cardKey(card) {
  return `${card.template}/${card.format}`;
}

function renderGallery() {
  const gallery = $("gallery");
  const keep = new Set();
  for (const card of studio.cards) {
    const key = cardKey(card);
    keep.add(key);
    let figure = gallery.querySelector(`figure[data-key="${CSS.escape(key)}"]`);
    if (!figure) figure = makeFigure(card);
    gallery.appendChild(figure); // keeps the server's order
    updateFigure(figure, card);
  }
  for (const figure of [...gallery.children]) {
    if (!keep.has(figure.dataset.key)) figure.remove();
  }
  applyFilters();
}

function makeFigure(card) {
  const figure = document.createElement("figure");
  figure.className = "card";
  figure.dataset.key = cardKey(card);
  figure.dataset.template = card.template;
  figure.dataset.format = card.format;
  const button = document.createElement("button");
  button.type = "button";
  button.className = "open";
  button.title = "Open at 1:1";
  const img = document.createElement("img");
  img.decoding = "async";
  img.addEventListener("load", () => showError(figure, null));
  img.addEventListener("error", async () => {
    // The card route answers 422 with the error as text: show it in place of the card.
    const url = img.getAttribute("src");
    const text = await fetch(url).then((r) => r.text()).catch((e) => String(e));
    if (img.getAttribute("src") === url) showError(figure, text);
  });
  button.appendChild(img);
  button.addEventListener("click", () => showZoom(figure.dataset.key));
  const error = document.createElement("pre");
  error.className = "card-error";
  error.setAttribute("role", "alert");
  error.hidden = true;
  const caption = document.createElement("figcaption");
  const name = document.createElement("span");
  name.className = "name";
  name.textContent = `${card.template} · ${card.format}`;
  const badge = document.createElement("span");
  badge.className = "badge";
  caption.append(name, badge);
  const findings = document.createElement("ul");
  findings.className = "findings";
  findings.hidden = true;
  figure.append(button, error, caption, findings);
  return figure;
}

function updateFigure(figure, card) {
  const img = figure.querySelector("img");
  img.alt = `${card.template} ${card.format} card of ${label(studio.who)}`;
  img.width = card.width;
  img.height = card.height;
  if (card.error) {
    img.removeAttribute("src");
    showError(figure, card.error);
  } else if (img.getAttribute("src") !== card.src) {
    img.src = card.src;
  }
  const badge = figure.querySelector(".badge");
  badge.textContent = card.golden ? (card.golden.exists ? "golden" : "golden missing") : "";
  showFindings(figure, card);
}

// The lint's findings on the card, listed under it.
async function showFindings(figure, card) {
  const list = figure.querySelector(".findings");
  if (card.error) {
    // A card that does not render shows its error instead.
    list.replaceChildren();
    list.hidden = true;
    delete list.dataset.src;
    return;
  }
  if (list.dataset.src === card.findings) return;
  list.dataset.src = card.findings;
  const { ok, body } = await fetchJson(card.findings);
  if (list.dataset.src !== card.findings) return;
  list.replaceChildren(
    ...(ok ? body : []).map((f) => {
      const item = document.createElement("li");
      item.dataset.rule = f.rule;
      item.textContent = `${f.rule}: ${f.message}`;
      return item;
    }),
  );
  list.hidden = list.children.length === 0;
}

function showError(figure, text) {
  const error = figure.querySelector(".card-error");
  const button = figure.querySelector("button.open");
  error.textContent = text || "";
  error.hidden = !text;
  button.hidden = !!text;
  figure.classList.toggle("broken", !!text);
}

function applyFilters() {
  const format = $("format").value;
  const template = $("template").value;
  for (const figure of $("gallery").children) {
    figure.hidden =
      (format && figure.dataset.format !== format) || (template && figure.dataset.template !== template);
  }
}

// ── The stats editor ───────────────────────────────────────────────────────────────────────

let editTimer = null;

async function loadEditor() {
  if (!studio.who) return;
  $("editor-who").textContent = label(studio.who);
  const text = await fetch(`/api/stats/${studio.who}`).then((r) => r.text());
  if (document.activeElement !== $("stats")) $("stats").value = text;
}

async function sendEdit() {
  const { ok, body } = await fetchJson(`/api/stats/${studio.who}`, {
    method: "PUT",
    headers: { "content-type": "application/json" },
    body: $("stats").value,
  });
  $("stats-error").textContent = ok ? "" : body.error;
}

$("stats").addEventListener("input", () => {
  clearTimeout(editTimer);
  editTimer = setTimeout(sendEdit, 200);
});

$("revert").addEventListener("click", async () => {
  await fetch(`/api/stats/${studio.who}`, { method: "DELETE" });
  $("stats-error").textContent = "";
  $("stats").value = await fetch(`/api/stats/${studio.who}`).then((r) => r.text());
});

$("toggle-editor").addEventListener("click", () => {
  const editor = $("editor");
  editor.hidden = !editor.hidden;
  $("toggle-editor").setAttribute("aria-expanded", String(!editor.hidden));
  if (!editor.hidden) loadEditor().then(() => $("stats").focus());
});

// ── The 1:1 view ───────────────────────────────────────────────────────────────────────────

function isStory(card) {
  return Math.abs(card.height / card.width - 16 / 9) < 0.01;
}

async function showZoom(key) {
  const card = studio.cards.find((c) => cardKey(c) === key);
  if (!card) return;
  studio.zoomed = key;
  const dialog = $("zoom");
  $("zoom-title").textContent = `${card.template} · ${card.format} · ${label(studio.who)} (${card.width}×${card.height})`;
  const img = $("zoom-card");
  img.alt = `${card.template} ${card.format} card of ${label(studio.who)}, full size`;
  img.width = card.width;
  img.height = card.height;
  if (!card.error && img.getAttribute("src") !== card.src) img.src = card.src;
  const zone = studio.state.safe_zone;
  const story = isStory(card);
  const top = (zone.top / zone.height) * card.height;
  const bottom = (zone.bottom / zone.height) * card.height;
  $("safe-top").style.height = `${top}px`;
  $("safe-bottom").style.height = `${bottom}px`;
  $("safe-toggle").disabled = !story;
  $("safe-note").textContent = story
    ? `Safe zones: top ${Math.round(top)} px, bottom ${Math.round(bottom)} px; keep key text in y = ${Math.round(top)}…${Math.round(card.height - bottom)}. Source: ${zone.source}.`
    : "No story safe zones for this format.";
  syncOverlays();
  const golden = card.golden;
  $("golden-stage").hidden = !(golden && golden.exists);
  $("diff-toggle").disabled = !(golden && golden.exists);
  $("bless").hidden = !(golden && golden.case);
  if (golden && golden.exists) {
    $("zoom-golden").src = golden.src;
    $("zoom-golden").alt = `golden of ${card.template} ${card.format} for ${label(studio.who)}`;
    if ($("diff-toggle").checked) $("zoom-diff").src = golden.diff;
  }
  $("golden-status").textContent = "";
  if (golden) {
    fetchJson(golden.status).then(({ body }) => {
      if (studio.zoomed !== key) return;
      const parts = [];
      if (body.exists && body.differing != null) {
        parts.push(body.matches
          ? `Matches its golden (${body.differing} pixels differ, ${body.tolerance} allowed).`
          : `Differs from its golden: ${body.differing} pixels (${body.tolerance} allowed).`);
      } else if (body.problem) parts.push(body.problem);
      if (!body.blessable && body.refusal) parts.push(body.refusal);
      $("golden-status").textContent = parts.join(" ");
      $("bless").disabled = !body.blessable;
    });
  }
  if (!dialog.open) dialog.showModal();
}

function syncOverlays() {
  const safe = $("safe-toggle").checked && !$("safe-toggle").disabled;
  $("safe-top").hidden = !safe;
  $("safe-bottom").hidden = !safe;
  const diff = $("diff-toggle").checked && !$("diff-toggle").disabled;
  $("zoom-diff").hidden = !diff;
  const card = studio.cards.find((c) => cardKey(c) === studio.zoomed);
  if (diff && card && card.golden) $("zoom-diff").src = card.golden.diff;
}

$("safe-toggle").addEventListener("change", syncOverlays);
$("diff-toggle").addEventListener("change", syncOverlays);
$("zoom-close").addEventListener("click", () => $("zoom").close());
$("zoom").addEventListener("close", () => (studio.zoomed = null));
$("zoom").addEventListener("keydown", (e) => {
  if (e.target.tagName === "INPUT" && e.target.type !== "checkbox") return;
  const key = e.key.toLowerCase();
  const toggle = key === "s" ? $("safe-toggle") : key === "d" ? $("diff-toggle") : null;
  if (toggle && !toggle.disabled) {
    toggle.checked = !toggle.checked;
    syncOverlays();
    e.preventDefault();
  }
});
$("bless").addEventListener("click", async () => {
  const card = studio.cards.find((c) => cardKey(c) === studio.zoomed);
  if (!card) return;
  const [, fixture] = studio.who.split("/");
  const { ok, body } = await fetchJson(`/api/bless/${fixture}/${card.template}/${card.format}`, { method: "POST" });
  $("golden-status").textContent = ok ? `Blessed: wrote ${body.written}` : body.error;
});

// ── Controls and live updates ──────────────────────────────────────────────────────────────

$("person").addEventListener("change", () => {
  const value = $("person").value.trim();
  const known = studio.state.people.some((p) => `${p.kind}/${p.id}` === value);
  const match = known
    ? value
    : studio.state.people.map((p) => `${p.kind}/${p.id}`).find((p) => p.split("/")[1] === value);
  if (!match) {
    $("live").textContent = `no person ${value}`;
    return;
  }
  studio.who = match;
  $("person").value = match;
  history.replaceState(null, "", `?who=${encodeURIComponent(match)}`);
  $("gallery").replaceChildren();
  loadCards();
  if (!$("editor").hidden) loadEditor();
});
$("format").addEventListener("change", applyFilters);
$("template").addEventListener("change", applyFilters);

function follow() {
  const events = new EventSource("/events");
  events.addEventListener("hello", () => ($("live").textContent = "live: following saves"));
  events.addEventListener("change", async (e) => {
    const change = JSON.parse(e.data);
    $("live").textContent = `live: ${change.what} (#${change.generation})`;
    await loadState();
    await loadCards();
    if (!$("editor").hidden) loadEditor();
  });
  events.onerror = () => ($("live").textContent = "reconnecting…");
}

(async function start() {
  await loadState();
  await loadCards();
  follow();
})();
