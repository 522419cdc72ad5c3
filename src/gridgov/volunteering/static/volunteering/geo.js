/* Check-in: fill the hidden latitude/longitude when the phone gives a position (never required). */
(function () {
  "use strict";
  if (!navigator.geolocation) return;
  document.querySelectorAll("form.gg-geo").forEach(function (form) {
    navigator.geolocation.getCurrentPosition(function (position) {
      form.elements.latitude.value = position.coords.latitude.toFixed(6);
      form.elements.longitude.value = position.coords.longitude.toFixed(6);
    }, function () {}, {timeout: 5000, maximumAge: 60000});
  });
})();
