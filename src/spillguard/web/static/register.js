// In-place hold edits: the form is sent in the background and its row updated, so that the
// filter, the search and the scroll position stay; without JavaScript the form posts as usual.
document.querySelectorAll("form.hold").forEach(form => {
  form.addEventListener("submit", async ev => {
    ev.preventDefault();
    const row = form.closest("tr"), saved = form.querySelector(".saved");
    saved.textContent = "saving…";
    try {
      const r = await fetch(form.action, {method: "POST", body: new FormData(form),
                                          headers: {"Accept": "application/json"}, credentials: "same-origin"});
      if (!r.ok) { saved.textContent = "not saved (" + r.status + ")"; return; }
      const data = await r.json();
      row.querySelector(".status").textContent = data.label;
      row.querySelector(".reason").textContent = data.reason;
      form.querySelector("input[name=reason]").value = "";
      saved.textContent = "saved";
    } catch (e) {
      saved.textContent = "not saved: " + e;
    }
  });
});
