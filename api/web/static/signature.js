// A signature pad for the kit hand-over: draw with a finger, a pen or a mouse (pointer events);
// the drawing goes into the form as a PNG data URL. Without this script the page offers the
// witnessed verbal agreement instead, so the hand-over never depends on it.
(function () {
  "use strict";

  function setUp(pad) {
    var form = pad.closest("form");
    var canvas = pad.querySelector("[data-signature-canvas]");
    var field = form.querySelector("[data-signature-value]");
    var status = pad.querySelector("[data-signature-status]");
    var clear = pad.querySelector("[data-signature-clear]");
    var fallback = form.querySelector("[data-signature-fallback]");
    var context = canvas.getContext("2d");
    var drawing = null;
    var marked = false;

    pad.hidden = false;
    if (fallback) {
      fallback.hidden = true;
    }

    function size() {
      var ratio = window.devicePixelRatio || 1;
      var box = canvas.getBoundingClientRect();
      var kept = field.value;
      canvas.width = Math.max(1, Math.round(box.width * ratio));
      canvas.height = Math.max(1, Math.round(box.height * ratio));
      context.setTransform(ratio, 0, 0, ratio, 0, 0);
      context.lineWidth = 2.5;
      context.lineCap = "round";
      context.lineJoin = "round";
      context.strokeStyle = "#0b0c0c";
      if (kept) {
        redraw(kept);
      }
    }

    function redraw(value) {
      var image = new Image();
      image.onload = function () {
        var box = canvas.getBoundingClientRect();
        context.drawImage(image, 0, 0, box.width, box.height);
        marked = true;
      };
      image.src = value.indexOf("data:") === 0 ? value : "data:image/png;base64," + value;
    }

    function point(event) {
      var box = canvas.getBoundingClientRect();
      return { x: event.clientX - box.left, y: event.clientY - box.top };
    }

    function chooseSignature() {
      var radio = form.querySelector('input[name="agreement"][value="signature"]');
      if (radio) {
        radio.checked = true;
      }
    }

    canvas.addEventListener("pointerdown", function (event) {
      if (event.button !== undefined && event.button > 0) {
        return;
      }
      event.preventDefault();
      try {
        canvas.setPointerCapture(event.pointerId);
      } catch (error) {
        // a pointer that is no longer active cannot be captured; drawing goes on without it
      }
      drawing = point(event);
      context.beginPath();
      context.arc(drawing.x, drawing.y, context.lineWidth / 2, 0, Math.PI * 2);
      context.fillStyle = context.strokeStyle;
      context.fill();
      marked = true;
    });

    canvas.addEventListener("pointermove", function (event) {
      if (!drawing) {
        return;
      }
      event.preventDefault();
      var events = event.getCoalescedEvents ? event.getCoalescedEvents() : [event];
      if (!events.length) {
        events = [event];
      }
      context.beginPath();
      context.moveTo(drawing.x, drawing.y);
      for (var i = 0; i < events.length; i += 1) {
        drawing = point(events[i]);
        context.lineTo(drawing.x, drawing.y);
      }
      context.stroke();
    });

    function finish(event) {
      if (!drawing) {
        return;
      }
      drawing = null;
      if (canvas.hasPointerCapture && canvas.hasPointerCapture(event.pointerId)) {
        canvas.releasePointerCapture(event.pointerId);
      }
      if (marked) {
        field.value = canvas.toDataURL("image/png");
        status.textContent = "Signed. Clear the signature to sign again.";
        chooseSignature();
      }
    }

    canvas.addEventListener("pointerup", finish);
    canvas.addEventListener("pointercancel", finish);

    clear.addEventListener("click", function () {
      context.clearRect(0, 0, canvas.width, canvas.height);
      field.value = "";
      marked = false;
      status.textContent = "Signature cleared. Not signed yet.";
    });

    size();
    window.addEventListener("resize", function () {
      if (!drawing) {
        size();
      }
    });
  }

  var pads = document.querySelectorAll("[data-signature-pad]");
  for (var i = 0; i < pads.length; i += 1) {
    setUp(pads[i]);
  }
})();
