// The edit form says it is open (a heartbeat), shows who else has the entry open, warns when
// someone saved a newer revision meanwhile, and says goodbye when it closes.

const HEARTBEAT_MS = 10_000;

export function announceEditing(form) {
  const url = form.dataset.editing;
  const others = document.querySelector("[data-others-editing]");
  const token = form.querySelector("input[name=csrfmiddlewaretoken]").value;
  const revision = Number(form.querySelector("input[name=revision]").value);
  let closed = false;

  const beat = async () => {
    if (closed) return;
    const data = new FormData();
    data.append("state", "open");
    data.append("csrfmiddlewaretoken", token);
    try {
      const response = await fetch(url, { method: "POST", body: data, credentials: "same-origin" });
      if (!response.ok) return;
      const body = await response.json();
      const parts = [];
      if (body.others.length) parts.push(`${body.others.join(", ")} ${body.others.length > 1 ? "are" : "is"} editing this entry too.`);
      if (body.revision > revision) parts.push(`Revision ${body.revision} was saved while you were editing: saving will show both versions first.`);
      others.textContent = parts.join(" ");
      others.hidden = parts.length === 0;
    } catch { /* offline: try again at the next beat */ }
  };

  const close = () => {
    if (closed) return;
    closed = true;
    const data = new FormData();
    data.append("state", "closed");
    data.append("csrfmiddlewaretoken", token);
    navigator.sendBeacon(url, data);
  };

  beat();
  const timer = setInterval(beat, HEARTBEAT_MS);
  window.addEventListener("pagehide", () => { clearInterval(timer); close(); });
}
