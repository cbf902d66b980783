// A task's photo, made smaller on the phone before it is sent (as the field log does), so that a
// camera picture of several MB travels as at most 300 KB. Without this script the form still posts
// the file as it is, and the server checks it the same way.
(function () {
  "use strict";
  var form = document.querySelector("form[data-shrink-photo]");
  if (!form || !window.URL || !document.createElement("canvas").getContext) return;
  var input = form.querySelector("input[type=file][name=photo]");
  var carried = form.querySelector("input[name=photo_data]");
  if (!input || !carried) return;
  var MAX_PHOTO = 300 * 1024, sending = false;

  function shrink(file, done) {
    var img = new Image();
    var url = URL.createObjectURL(file);
    img.onerror = function () { URL.revokeObjectURL(url); done(null); };
    img.onload = function () {
      URL.revokeObjectURL(url);
      var side = 1280, quality = 0.8, data;
      var canvas = document.createElement("canvas");
      do {
        var scale = Math.min(1, side / Math.max(img.naturalWidth, img.naturalHeight));
        canvas.width = Math.round(img.naturalWidth * scale);
        canvas.height = Math.round(img.naturalHeight * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        data = canvas.toDataURL("image/jpeg", quality);
        if (quality > 0.5) quality -= 0.15; else side = Math.round(side * 0.75);
      } while ((data.length - data.indexOf(",") - 1) * 3 / 4 > MAX_PHOTO && side > 200);
      done(data);
    };
    img.src = url;
  }

  form.addEventListener("submit", function (event) {
    var file = input.files && input.files[0];
    if (sending || !file) return;
    event.preventDefault();
    shrink(file, function (data) {
      if (data) {
        carried.value = data;
        input.value = "";  // the small copy travels instead of the original
      }
      sending = true;
      form.submit();
    });
  });
})();
