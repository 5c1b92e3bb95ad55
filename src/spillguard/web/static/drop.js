// Drag-and-drop onto the file input's zone; the plain input and button work without it.
const zone = document.getElementById("drop"), input = document.getElementById("files");
if (zone && input) {
  ["dragenter", "dragover"].forEach(e => zone.addEventListener(e, ev => { ev.preventDefault(); zone.classList.add("over"); }));
  ["dragleave", "drop"].forEach(e => zone.addEventListener(e, ev => { ev.preventDefault(); zone.classList.remove("over"); }));
  zone.addEventListener("drop", ev => { input.files = ev.dataTransfer.files; });
  document.getElementById("upload").addEventListener("submit", () => {
    document.getElementById("progress").hidden = false;
  });
}
