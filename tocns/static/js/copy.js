// "Chép nội dung" copies a text area for pasting into Zalo; "Chia sẻ" opens the phone's share sheet
// (Web Share API) so the leader picks his Zalo group, and copies instead when the sheet fails.
// Words come from the template's data attributes (translated there), never from this file.
(function () {
  // Resolves true when the text is on the clipboard: clipboard API, or select-and-copy on old phones.
  function copy(field) {
    var old = function () { field.select(); return document.execCommand("copy"); };
    if (navigator.clipboard && window.isSecureContext) {
      return navigator.clipboard.writeText(field.value).then(function () { return true; }, old);
    }
    return Promise.resolve(old());
  }

  function say(button, words) {
    var place = document.querySelector(button.getAttribute("data-said"));
    place.textContent = words;
    place.hidden = false;
  }

  // The share button sits in a hidden wrapper (the stylesheet's button display would beat [hidden]
  // on the button itself); shown only where the phone can share this text.
  document.querySelectorAll("[data-share]").forEach(function (button) {
    var field = document.querySelector(button.getAttribute("data-share"));
    if (navigator.share && navigator.canShare && navigator.canShare({text: field.value})) {
      button.closest("[hidden]").hidden = false;
    }
  });

  document.addEventListener("click", function (event) {
    var button = event.target.closest("[data-copy], [data-share]");
    if (!button) return;
    if (button.hasAttribute("data-copy")) {
      copy(document.querySelector(button.getAttribute("data-copy"))).then(function (copied) {
        if (copied) button.textContent = button.getAttribute("data-copied");
      });
      return;
    }
    var field = document.querySelector(button.getAttribute("data-share"));
    navigator.share({text: field.value}).catch(function (error) {
      if (error && error.name === "AbortError") return;  // the leader closed the sheet: nothing to say
      copy(field).then(function (copied) {
        say(button, button.getAttribute(copied ? "data-failed-copied" : "data-failed"));
      });
    });
  });
})();
