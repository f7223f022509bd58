/* The signature box of a support plan's signature page (templates/clients/plan_signature.html).
 * The person signs in the canvas with a finger, a pen or the mouse (Pointer Events; the canvas takes the
 * touches, so the page does not scroll while signing).  Saving turns the drawing into a PNG, puts it in the
 * form's file field and sends the form: the server checks it like any upload (clients/signatures.py).
 * Loaded as a file (no inline script) for the Content-Security-Policy; nothing is fetched from elsewhere.
 */
(function () {
  "use strict";
  var form = document.querySelector("[data-signature-form]");
  if (!form) { return; }
  var canvas = form.querySelector("[data-signature-canvas]");
  var file = form.querySelector("[data-signature-file]");
  var save = form.querySelector("[data-signature-save]");
  var clear = form.querySelector("[data-signature-clear]");
  var note = form.querySelector("[data-signature-needs-script]");
  if (!canvas || !file || !save || typeof DataTransfer === "undefined") { return; }
  if (note) { note.hidden = true; }

  var context = canvas.getContext("2d");
  var strokes = []; // each stroke: a list of [x, y] in CSS pixels, kept to redraw after a resize
  var current = null;

  function size() {
    var ratio = window.devicePixelRatio || 1;
    var box = canvas.getBoundingClientRect();
    canvas.width = Math.round(box.width * ratio);
    canvas.height = Math.round(box.height * ratio);
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.lineWidth = 2.6;
    context.lineCap = "round";
    context.lineJoin = "round";
    context.strokeStyle = "#111";
    strokes.forEach(draw);
  }

  function draw(stroke) {
    context.beginPath();
    context.moveTo(stroke[0][0], stroke[0][1]);
    if (stroke.length === 1) { context.lineTo(stroke[0][0] + 0.1, stroke[0][1] + 0.1); }
    for (var i = 1; i < stroke.length; i++) { context.lineTo(stroke[i][0], stroke[i][1]); }
    context.stroke();
  }

  function point(event) {
    var box = canvas.getBoundingClientRect();
    return [event.clientX - box.left, event.clientY - box.top];
  }

  canvas.addEventListener("pointerdown", function (event) {
    event.preventDefault();
    canvas.setPointerCapture(event.pointerId);
    current = [point(event)];
    strokes.push(current);
    draw(current);
  });
  canvas.addEventListener("pointermove", function (event) {
    if (!current) { return; }
    event.preventDefault();
    var last = current[current.length - 1];
    var next = point(event);
    current.push(next);
    context.beginPath();
    context.moveTo(last[0], last[1]);
    context.lineTo(next[0], next[1]);
    context.stroke();
  });
  function end() {
    if (current) { save.disabled = false; }
    current = null;
  }
  canvas.addEventListener("pointerup", end);
  canvas.addEventListener("pointercancel", end);

  if (clear) {
    clear.addEventListener("click", function () {
      strokes = [];
      current = null;
      context.clearRect(0, 0, canvas.width, canvas.height);
      save.disabled = true;
    });
  }

  form.addEventListener("submit", function (event) {
    event.preventDefault();
    if (!strokes.length) { return; }
    save.disabled = true;
    canvas.toBlob(function (blob) {
      var transfer = new DataTransfer();
      transfer.items.add(new File([blob], "signature.png", { type: "image/png" }));
      file.files = transfer.files;
      form.submit();
    }, "image/png");
  });

  window.addEventListener("resize", size);
  size();
})();
