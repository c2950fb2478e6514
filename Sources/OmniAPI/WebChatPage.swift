/// The web chat served at `GET /`: one self-contained page (inline CSS and JS, nothing fetched
/// from elsewhere) that chats with streaming, picks the model, shows time to first token and
/// tokens/s per reply, and draws the cluster from `/v1/topology` every few seconds.
///
/// Test hook: `/?prompt=TEXT` sends TEXT once the models are loaded (`&max_tokens=N` limits the
/// reply); the headless-browser test in Scripts/api/test_web_chat.py drives the page with it.
enum WebChatPage {
    static let html = #"""
<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>OMNI chat</title>
<style>
:root { --bg:#0f1115; --panel:#171a21; --line:#2a2f3a; --text:#e6e8ee; --dim:#9aa3b2; --accent:#6ea8fe; --user:#1f3b63; --bot:#1d222c; }
* { box-sizing: border-box; }
body { margin:0; font:15px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; background:var(--bg); color:var(--text); height:100vh; display:flex; flex-direction:column; }
header { display:flex; gap:14px; align-items:center; padding:10px 16px; border-bottom:1px solid var(--line); background:var(--panel); flex-wrap:wrap; }
header h1 { font-size:17px; margin:0 8px 0 0; letter-spacing:.08em; }
header label { color:var(--dim); font-size:13px; display:flex; gap:6px; align-items:center; }
select, input, textarea, button { font:inherit; color:var(--text); background:#0c0e12; border:1px solid var(--line); border-radius:6px; padding:5px 8px; }
button { cursor:pointer; background:var(--accent); color:#08111f; border:none; font-weight:600; }
button.secondary { background:#2a2f3a; color:var(--text); }
main { flex:1; display:flex; min-height:0; }
#chat { flex:1; display:flex; flex-direction:column; min-width:0; }
#log { flex:1; overflow-y:auto; padding:16px; display:flex; flex-direction:column; gap:10px; }
.msg { max-width:80%; padding:9px 12px; border-radius:10px; white-space:pre-wrap; word-wrap:break-word; }
.msg.user { align-self:flex-end; background:var(--user); }
.msg.assistant { align-self:flex-start; background:var(--bot); border:1px solid var(--line); }
.msg.error { align-self:flex-start; background:#4a1d1d; }
.stats { display:block; margin-top:6px; color:var(--dim); font-size:12px; }
form { display:flex; gap:8px; padding:12px 16px; border-top:1px solid var(--line); background:var(--panel); }
textarea { flex:1; resize:none; height:58px; }
aside { width:340px; border-left:1px solid var(--line); background:var(--panel); overflow-y:auto; padding:12px 14px; }
aside h2 { font-size:14px; margin:4px 0 8px; color:var(--dim); text-transform:uppercase; letter-spacing:.06em; }
.node { border:1px solid var(--line); border-radius:8px; padding:8px 10px; margin-bottom:8px; }
.node.self { border-color:var(--accent); }
.node .name { font-weight:600; }
.node .meta { color:var(--dim); font-size:12px; }
.bar { height:8px; background:#0c0e12; border-radius:4px; overflow:hidden; margin:4px 0; position:relative; }
.bar > span { position:absolute; top:0; bottom:0; background:var(--accent); }
.bar.layers > span { background:#7bd88f; }
.link { font-size:12px; color:var(--dim); }
#summary { font-size:12px; color:var(--dim); margin-bottom:8px; }
</style>
</head>
<body>
<header>
  <h1>OMNI</h1>
  <label>Model <select id="model"></select></label>
  <label>Temperature <input id="temperature" type="number" min="0" max="2" step="0.1" value="0.7" style="width:70px"></label>
  <label>Max tokens <input id="maxTokens" type="number" min="1" value="256" style="width:80px"></label>
  <label>API key <input id="apiKey" type="password" placeholder="if the server needs one" style="width:160px"></label>
  <span id="status" class="stats"></span>
</header>
<main>
  <section id="chat">
    <div id="log"></div>
    <form id="form">
      <textarea id="input" placeholder="Say something… (Enter sends, Shift+Enter for a new line)"></textarea>
      <button id="send" type="submit">Send</button>
      <button id="stop" type="button" class="secondary" disabled>Stop</button>
    </form>
  </section>
  <aside>
    <h2>Cluster</h2>
    <div id="summary">loading…</div>
    <div id="nodes"></div>
    <h2>Links</h2>
    <div id="links"></div>
  </aside>
</main>
<script>
"use strict";
const $ = (id) => document.getElementById(id);
const history = [];
let controller = null;
$("apiKey").value = localStorage.getItem("omni.apiKey") || "";
$("apiKey").addEventListener("change", () => { localStorage.setItem("omni.apiKey", $("apiKey").value); refreshModels(); refreshTopology(); });

function headers() {
  const h = { "Content-Type": "application/json" };
  const key = $("apiKey").value.trim();
  if (key) h["Authorization"] = "Bearer " + key;
  return h;
}

function gib(bytes) { return (bytes / 1073741824).toFixed(1) + " GiB"; }

function add(role, text) {
  const div = document.createElement("div");
  div.className = "msg " + role;
  div.textContent = text;
  $("log").appendChild(div);
  $("log").scrollTop = $("log").scrollHeight;
  return div;
}

async function errorText(response) {
  try { const body = await response.json(); return body.error ? body.error.message : response.statusText; }
  catch (e) { return response.status + " " + response.statusText; }
}

async function refreshModels() {
  try {
    const r = await fetch("/v1/models", { headers: headers() });
    if (!r.ok) { $("status").textContent = "models: " + await errorText(r); return false; }
    const data = (await r.json()).data;
    const select = $("model"), current = select.value;
    select.innerHTML = "";
    for (const m of data) { const o = document.createElement("option"); o.value = o.textContent = m.id; select.appendChild(o); }
    if (data.some((m) => m.id === current)) select.value = current;
    $("status").textContent = "";
    return data.length > 0;
  } catch (e) { $("status").textContent = "server unreachable"; return false; }
}

async function refreshTopology() {
  try {
    const r = await fetch("/v1/topology", { headers: headers() });
    if (!r.ok) { $("summary").textContent = await errorText(r); return; }
    const t = await r.json();
    $("summary").textContent = `${t.model} · ${t.num_layers} layers · ${t.strategy}` + (t.placement_epoch != null ? ` · epoch ${t.placement_epoch}` : "") + ` · ${t.nodes.length} node(s)`;
    const nodes = $("nodes");
    nodes.innerHTML = "";
    for (const n of t.nodes) {
      const div = document.createElement("div");
      div.className = "node" + (n.is_self ? " self" : "");
      const used = n.total_memory_bytes - n.available_memory_bytes;
      const layers = n.layer_start != null && n.layer_end != null;
      const left = layers ? 100 * n.layer_start / t.num_layers : 0, width = layers ? 100 * (n.layer_end - n.layer_start) / t.num_layers : 0;
      div.innerHTML = `<div class="name"></div><div class="meta mem"></div>
        <div class="bar"><span style="left:0;width:${(100 * used / Math.max(1, n.total_memory_bytes)).toFixed(1)}%"></span></div>
        <div class="meta layers-text"></div>
        <div class="bar layers"><span style="left:${left.toFixed(1)}%;width:${width.toFixed(1)}%"></span></div>`;
      div.querySelector(".name").textContent = n.name + (n.is_self ? " (this node)" : "") + " — " + n.id;
      div.querySelector(".mem").textContent = `memory ${gib(used)} used of ${gib(n.total_memory_bytes)} (${gib(n.available_memory_bytes)} free)`;
      div.querySelector(".layers-text").textContent = layers ? `layers [${n.layer_start}, ${n.layer_end})` : "no layers";
      nodes.appendChild(div);
    }
    const links = $("links");
    links.innerHTML = "";
    if (t.links.length === 0) links.textContent = "none";
    for (const l of t.links) {
      const div = document.createElement("div");
      div.className = "link";
      const lat = l.latency_seconds != null ? (l.latency_seconds * 1000).toFixed(2) + " ms" : "? ms";
      const bw = l.bandwidth_bytes_per_second != null ? (l.bandwidth_bytes_per_second / 1e6).toFixed(0) + " MB/s" : "? MB/s";
      div.textContent = `${l.from} → ${l.to}: ${lat}, ${bw}`;
      links.appendChild(div);
    }
  } catch (e) { $("summary").textContent = "topology unavailable"; }
}

async function send(text) {
  if (!text.trim() || controller) return;
  history.push({ role: "user", content: text });
  add("user", text);
  const bubble = add("assistant", "");
  const stats = document.createElement("span");
  stats.className = "stats";
  let reply = "", tokens = 0, usage = null;
  controller = new AbortController();
  $("send").disabled = true; $("stop").disabled = false;
  const start = performance.now();
  let first = null;
  try {
    const body = { model: $("model").value, messages: history, stream: true, stream_options: { include_usage: true },
                   temperature: Number($("temperature").value), max_tokens: Number($("maxTokens").value) };
    const r = await fetch("/v1/chat/completions", { method: "POST", headers: headers(), body: JSON.stringify(body), signal: controller.signal });
    if (!r.ok) throw new Error(await errorText(r));
    const reader = r.body.getReader();
    const decoder = new TextDecoder();
    let buffer = "", done = false;
    while (!done) {
      const part = await reader.read();
      if (part.done) break;
      buffer += decoder.decode(part.value, { stream: true });
      let cut;
      while ((cut = buffer.indexOf("\n\n")) >= 0) {
        const event = buffer.slice(0, cut); buffer = buffer.slice(cut + 2);
        for (const line of event.split("\n")) {
          if (!line.startsWith("data:")) continue;
          const data = line.slice(5).trim();
          if (data === "[DONE]") { done = true; break; }
          const chunk = JSON.parse(data);
          if (chunk.error) throw new Error(chunk.error.message);
          if (chunk.usage) usage = chunk.usage;
          const delta = chunk.choices && chunk.choices[0] && chunk.choices[0].delta;
          if (delta && delta.content) {
            if (first === null) first = performance.now();
            tokens += 1; reply += delta.content;
            bubble.textContent = reply;
            $("log").scrollTop = $("log").scrollHeight;
          }
        }
      }
    }
    const end = performance.now();
    const generated = usage ? usage.completion_tokens : tokens;
    const ttft = first === null ? end - start : first - start;
    const decodeSeconds = first === null ? 0 : (end - first) / 1000;
    const rate = decodeSeconds > 0 && generated > 1 ? ((generated - 1) / decodeSeconds).toFixed(1) : "–";
    stats.textContent = `TTFT ${ttft.toFixed(0)} ms · ${rate} tokens/s · ${generated} tokens`;
    stats.dataset.ttftMs = ttft.toFixed(1);
    bubble.appendChild(stats);
    bubble.classList.add("done");
    history.push({ role: "assistant", content: reply });
  } catch (e) {
    bubble.className = "msg error done";
    bubble.textContent = e.name === "AbortError" ? (reply + " [stopped]") : ("Error: " + e.message);
    if (reply) history.push({ role: "assistant", content: reply });
  } finally {
    controller = null;
    $("send").disabled = false; $("stop").disabled = true;
  }
}

$("form").addEventListener("submit", (e) => { e.preventDefault(); const t = $("input").value; $("input").value = ""; send(t); });
$("input").addEventListener("keydown", (e) => { if (e.key === "Enter" && !e.shiftKey) { e.preventDefault(); $("form").requestSubmit(); } });
$("stop").addEventListener("click", () => { if (controller) controller.abort(); });

(async () => {
  const ok = await refreshModels();
  await refreshTopology();
  setInterval(refreshTopology, 3000);
  const params = new URLSearchParams(location.search);
  if (params.has("max_tokens")) $("maxTokens").value = params.get("max_tokens");
  if (params.has("temperature")) $("temperature").value = params.get("temperature");
  if (ok && params.has("prompt")) send(params.get("prompt"));
})();
</script>
</body>
</html>
"""#
}
