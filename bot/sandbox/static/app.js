// Piaskownica kisbota: Telegram-like chats and SMS phones for demo people. No frameworks.
"use strict";

const panes = [];
let people = [];
let version = "";

async function api(path, body) {
  const options = body === undefined ? {} : {
    method: "POST", headers: {"Content-Type": "application/json"}, body: JSON.stringify(body)};
  const response = await fetch(path, options);
  if (!response.ok) throw new Error(`${response.status} ${await response.text()}`);
  return response.json();
}

function el(tag, attrs, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs || {})) {
    if (name === "class") node.className = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value);
  }
  for (const child of children) {
    if (child !== null && child !== undefined) node.append(child);
  }
  return node;
}

function personByKey(key) {
  return people.find((p) => p.key === key);
}

function kindOf(person) {
  return person.telegram ? "Telegram" : "tylko SMS";
}

function fillSelect(select, chosen) {
  select.replaceChildren();
  const groups = [["Pracownicy", (p) => p.key.startsWith("s")],
                  ["Uczestnicy", (p) => p.key.startsWith("p")]];
  for (const [label, test] of groups) {
    const group = el("optgroup", {label});
    for (const p of people.filter(test)) {
      const option = el("option", {value: p.key}, `${p.name} — ${kindOf(p)}`);
      option.selected = p.key === chosen;
      group.append(option);
    }
    select.append(group);
  }
}

function sizeText(bytes) {
  return bytes < 1024 ? `${bytes} B` : `${Math.round(bytes / 1024)} kB`;
}

function botBubble(pane, m) {
  const bubble = el("div", {class: "bubble bot", "data-id": m.id});
  if (m.photo) {
    bubble.append(el("img", {src: `/api/file/${encodeURIComponent(m.photo.id)}`,
                             alt: m.text || "Obrazek od bota", class: "photo"}));
  }
  if (m.document) {
    bubble.append(el("a", {class: "document", href: `/api/file/${encodeURIComponent(m.document.id)}`,
                           download: m.document.name},
                     el("span", {class: "doc-icon", "aria-hidden": "true"}, "📄"),
                     el("span", {}, m.document.name, el("br"), el("small", {}, sizeText(m.document.size)))));
  }
  if (m.text) bubble.append(el("div", {class: "text"}, m.text));
  if (m.edited) bubble.append(el("small", {class: "edited"}, "edytowano"));
  const wrap = el("div", {class: "row left"}, bubble);
  if (m.buttons.length) {
    const keyboard = el("div", {class: "keyboard", role: "group", "aria-label": "Przyciski"});
    for (const row of m.buttons) {
      const line = el("div", {class: "key-row"});
      for (const b of row) {
        if (b.url) {
          line.append(el("a", {class: "key", href: b.url, target: "_blank", rel: "noopener"}, b.text));
        } else {
          line.append(el("button", {type: "button", class: "key",
                                    onclick: () => pressButton(pane, m.id, b.data)}, b.text));
        }
      }
      keyboard.append(line);
    }
    wrap.append(keyboard);
  }
  return wrap;
}

function myBubble(text, extraClass) {
  return el("div", {class: "row right"}, el("div", {class: `bubble me ${extraClass || ""}`},
                                             el("div", {class: "text"}, text)));
}

function smsNote(m) {
  // What the provider was given: its segments (and encoding), whether it had to be cut.
  if (m.incoming) return "";
  let note = m.segments ? ` · ${m.segments} SMS (${m.encoding})` : "";
  if (m.cut) note += " · ucięty";
  if (m.status === "pending" || m.status === "sending") note += " · w kolejce";
  return note;
}

function smsBubble(m) {
  const bubble = el("div", {class: `bubble ${m.incoming ? "me" : "bot"} sms`},
                    el("div", {class: "text"}, m.text),
                    el("small", {class: "when"}, m.at + smsNote(m)));
  return el("div", {class: `row ${m.incoming ? "right" : "left"}`}, bubble);
}

function renderPane(pane, data) {
  const serial = JSON.stringify(data);
  if (serial === pane.rendered) return;
  pane.rendered = serial;
  const chat = pane.chat;
  const atBottom = chat.scrollHeight - chat.scrollTop - chat.clientHeight < 40;
  const rows = data.messages.map((m) => pane.person.telegram
    ? (m.from === "me" ? myBubble(m.text) : botBubble(pane, m))
    : smsBubble(m));
  if (!rows.length) {
    rows.push(el("p", {class: "empty"}, pane.person.telegram
      ? "Brak wiadomości. Napisz /start albo naciśnij przycisk poniżej."
      : "Brak SMS-ów. Napisz np. POMOC."));
  }
  chat.replaceChildren(...rows);
  if (atBottom || pane.scrollDown) chat.scrollTop = chat.scrollHeight;
  pane.scrollDown = false;
  showToast(pane, data.toast);
}

function showToast(pane, toast) {
  // Telegram's short pop-up after a button press: shown once, for a few seconds.
  if (!toast || toast.id === pane.lastToast) return;
  pane.lastToast = toast.id;
  pane.toast.textContent = toast.text;
  pane.toast.hidden = false;
  clearTimeout(pane.toastTimer);
  pane.toastTimer = setTimeout(() => { pane.toast.hidden = true; }, 5000);
}

async function refreshPane(pane) {
  if (!pane.person) return;
  const base = pane.person.telegram ? "/api/chat/" : "/api/sms/";
  try {
    renderPane(pane, await api(base + encodeURIComponent(pane.person.key)));
  } catch (error) {
    showToast(pane, {id: `error-${Date.now()}`, text: `Błąd odświeżania: ${error.message}`});
  }
}

async function pressButton(pane, messageId, data) {
  pane.scrollDown = true;
  await api(`/api/chat/${encodeURIComponent(pane.person.key)}/press`, {message_id: messageId, data});
}

async function sendText(pane, text) {
  pane.scrollDown = true;
  const kind = pane.person.telegram ? "chat" : "sms";
  await api(`/api/${kind}/${encodeURIComponent(pane.person.key)}/send`, {text});
}

function choose(pane, key) {
  pane.person = personByKey(key);
  pane.rendered = "";
  pane.section.classList.toggle("phone", !pane.person.telegram);
  pane.label.textContent = `${pane.person.label} · ${kindOf(pane.person)}`;
  pane.input.placeholder = pane.person.telegram ? "Napisz wiadomość…" : "Napisz SMS…";
  pane.sendButton.textContent = pane.person.telegram ? "Wyślij" : "Wyślij SMS";
  pane.quick.hidden = !pane.person.telegram;
  saveLayout();
  refreshPane(pane);
}

function addPane(key) {
  const section = document.getElementById("pane-template").content.firstElementChild.cloneNode(true);
  const pane = {section, chat: section.querySelector(".chat"), toast: section.querySelector(".toast"),
                label: section.querySelector(".who-label"), input: section.querySelector(".text"),
                sendButton: section.querySelector(".send"), rendered: "", scrollDown: true};
  const select = section.querySelector(".who");
  const id = `who-${Math.random().toString(36).slice(2)}`;
  select.id = id;
  pane.input.id = `${id}-text`;
  section.querySelector(".compose label").htmlFor = pane.input.id;
  fillSelect(select, key);
  select.addEventListener("change", () => choose(pane, select.value));
  pane.quick = el("div", {class: "quick", role: "group", "aria-label": "Szybkie polecenia"});
  for (const command of ["/start", "/pomoc"]) {
    pane.quick.append(el("button", {type: "button", onclick: () => sendText(pane, command)}, command));
  }
  section.querySelector(".compose").before(pane.quick);
  section.querySelector(".compose").addEventListener("submit", async (event) => {
    event.preventDefault();
    const text = pane.input.value.trim();
    if (!text) return;
    pane.input.value = "";
    await sendText(pane, text);
  });
  section.querySelector(".close").addEventListener("click", () => {
    panes.splice(panes.indexOf(pane), 1);
    section.remove();
    saveLayout();
  });
  panes.push(pane);
  document.getElementById("panes").append(section);
  choose(pane, key);
  return pane;
}

function saveLayout() {
  history.replaceState(null, "", "#" + panes.map((p) => p.person.key).join(","));
}

function defaultKeys() {
  const fromHash = location.hash.slice(1).split(",").filter(personByKey);
  if (fromHash.length) return fromHash;
  const participant = people.find((p) => p.key.startsWith("p") && p.telegram);
  const staff = people.find((p) => p.key.startsWith("s"));
  const sms = people.find((p) => p.sms);
  return [participant, staff, sms].filter(Boolean).map((p) => p.key);
}

async function watch() {
  for (;;) {
    try {
      const state = await api(`/api/state?version=${encodeURIComponent(version)}`);
      document.getElementById("clock").textContent = state.clock;
      if (state.version !== version) {
        version = state.version;
        await Promise.all(panes.map(refreshPane));
      }
    } catch (error) {
      document.getElementById("clock").textContent = "brak połączenia z piaskownicą";
      await new Promise((resolve) => setTimeout(resolve, 2000));
    }
  }
}

async function main() {
  people = await api("/api/people");
  for (const key of defaultKeys()) addPane(key);
  document.getElementById("add-pane").addEventListener("click", () => {
    const used = new Set(panes.map((p) => p.person.key));
    addPane((people.find((p) => !used.has(p.key)) || people[0]).key);
  });
  for (const button of document.querySelectorAll("[data-minutes]")) {
    // The clock lives through the time (the scheduler runs at every step): the buttons wait
    // until it has, and say so, so that nobody acts in the middle of the jump.
    button.addEventListener("click", async () => {
      const all = document.querySelectorAll("[data-minutes]");
      all.forEach((b) => { b.disabled = true; });
      document.body.classList.add("moving");
      try {
        await api("/api/clock/advance", {minutes: Number(button.dataset.minutes)});
      } finally {
        all.forEach((b) => { b.disabled = false; });
        document.body.classList.remove("moving");
      }
    });
  }
  watch();
}

main();
