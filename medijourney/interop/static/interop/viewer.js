// The home doctor's viewer: fetches the link's ciphertext and decrypts it in the browser with
// WebCrypto (AES-256-GCM; the key is the link's fragment, which browsers never send to the server;
// the link's token is the associated data). Shows the summary with textContent only and offers the
// IPS Bundle (and, when the patient added it, the discharge summary PDF) as a download. No inline script: served as a static file under the CSP.
(function () {
  "use strict";
  var root = document.getElementById("doctor-viewer");
  if (!root) return;
  var strings = document.getElementById("viewer-strings").dataset;
  var statusEl = document.getElementById("viewer-status");
  var errorEl = document.getElementById("viewer-error");
  var form = document.getElementById("passcode-form");
  var passInput = document.getElementById("viewer-passcode");
  var csrf = root.querySelector("input[name=csrfmiddlewaretoken]").value;
  var key = window.location.hash.slice(1);
  var bundle = null;
  var pdf = null;

  function bytes(b64url) {
    var b64 = b64url.replace(/-/g, "+").replace(/_/g, "/");
    while (b64.length % 4) b64 += "=";
    var raw = atob(b64);
    var out = new Uint8Array(raw.length);
    for (var i = 0; i < raw.length; i++) out[i] = raw.charCodeAt(i);
    return out;
  }

  function fail(message) {
    statusEl.textContent = "";
    errorEl.textContent = message;
    errorEl.hidden = false;
  }

  function fillList(id, items) {
    var ul = document.getElementById(id);
    ul.replaceChildren();
    (items && items.length ? items : [strings.none]).forEach(function (text) {
      var li = document.createElement("li");
      li.textContent = text;
      ul.appendChild(li);
    });
  }

  function setText(id, label, value) {
    document.getElementById(id).textContent = value ? label + ": " + value : "";
  }

  function show(payload) {
    var r = payload.readable || {};
    var s = r.summary;
    bundle = payload.ips;
    pdf = payload.pdf ? { data: payload.pdf, name: payload.pdf_name || "discharge-summary.pdf" } : null;
    document.getElementById("viewer-download-pdf").hidden = !pdf;
    document.getElementById("viewer-title").textContent = s
      ? payload.label + " · " + (r.hospital || "") + " · " + strings.title + " " + s.version
      : strings.nosummary;
    s = s || {};
    fillList("viewer-medications", s.medications);
    fillList("viewer-devices", s.devices);
    fillList("viewer-allergies", s.allergies);
    fillList("viewer-problems", s.problems);
    setText("viewer-procedure", strings.procedure, s.procedure && s.procedure + (s.surgeon ? ", " + s.surgeon : ""));
    setText("viewer-complications", strings.complications, s.complications);
    setText("viewer-instructions", strings.instructions, s.instructions);
    setText("viewer-follow-up", strings.followup, s.follow_up);
    setText("viewer-fit", strings.fit, s.fit_to_fly);
    var hidden = document.querySelector("#reply-form input[name=passcode]");
    if (hidden) hidden.value = passInput.value;
    statusEl.textContent = "";
    errorEl.hidden = true;
    form.hidden = true;
    document.getElementById("viewer-summary").hidden = false;
  }

  async function open() {
    if (!key) return fail(strings.nokey);
    statusEl.textContent = strings.loading;
    errorEl.hidden = true;
    var response = await fetch(root.dataset.contentUrl, {
      method: "POST",
      headers: { "Content-Type": "application/json", "X-CSRFToken": csrf },
      credentials: "same-origin",
      body: JSON.stringify({ passcode: passInput.value }),
    });
    var body = await response.json();
    if (!response.ok) return fail(body.detail || strings.wrong);
    try {
      var cryptoKey = await crypto.subtle.importKey("raw", bytes(key), "AES-GCM", false, ["decrypt"]);
      var plain = await crypto.subtle.decrypt(
        { name: "AES-GCM", iv: bytes(body.nonce), additionalData: new TextEncoder().encode(root.dataset.token) },
        cryptoKey,
        bytes(body.ciphertext)
      );
      show(JSON.parse(new TextDecoder().decode(plain)));
    } catch (e) {
      fail(strings.tampered);
    }
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    open();
  });
  function save(blob, name) {
    var a = document.createElement("a");
    a.href = URL.createObjectURL(blob);
    a.download = name;
    document.body.appendChild(a);
    a.click();
    a.remove();
  }

  document.getElementById("viewer-download").addEventListener("click", function () {
    if (!bundle) return;
    save(new Blob([JSON.stringify(bundle, null, 2)], { type: "application/fhir+json" }), "patient-summary.json");
  });
  document.getElementById("viewer-download-pdf").addEventListener("click", function () {
    if (!pdf) return;
    save(new Blob([bytes(pdf.data)], { type: "application/pdf" }), pdf.name);
  });
  if (root.dataset.needsPasscode !== "1") open();
})();
