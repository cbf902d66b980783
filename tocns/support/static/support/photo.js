// The support request's photo, made smaller on the phone (as the field log's) so that at most
// 300 KB travels: the resized JPEG goes in the hidden "photo_data" field and the file input is emptied.
(function () {
  var form = document.getElementById("ask-form");
  if (!form || !form.elements.photo || !window.FileReader) return;
  var input = form.elements.photo, hidden = form.elements.photo_data, MAX_PHOTO = 300 * 1024;
  input.addEventListener("change", function () {
    hidden.value = "";
    var file = input.files && input.files[0];
    if (!file) return;
    var img = new Image(), url = URL.createObjectURL(file);
    img.onload = function () {
      URL.revokeObjectURL(url);
      var side = 1280, quality = 0.8, data, canvas = document.createElement("canvas");
      do {
        var scale = Math.min(1, side / Math.max(img.naturalWidth, img.naturalHeight));
        canvas.width = Math.round(img.naturalWidth * scale);
        canvas.height = Math.round(img.naturalHeight * scale);
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        data = canvas.toDataURL("image/jpeg", quality);
        if (quality > 0.5) quality -= 0.15; else side = Math.round(side * 0.75);
      } while ((data.length - data.indexOf(",") - 1) * 3 / 4 > MAX_PHOTO && side > 200);
      hidden.value = data;
    };
    img.onerror = function () { URL.revokeObjectURL(url); };
    img.src = url;
  });
  form.addEventListener("submit", function () {
    if (hidden.value) input.disabled = true;  // the resized copy travels, not the original
  });
})();
