/* Progressive map: the list of places is the page; with Leaflet and tiles it also shows a map. */
(function () {
  "use strict";
  var box = document.getElementById("map");
  var items = document.querySelectorAll("#places .place");
  if (!box || !window.L || !items.length) { return; }
  box.hidden = false;
  var map = L.map(box, { scrollWheelZoom: false });
  var tiles = L.tileLayer("https://tile.openstreetmap.org/{z}/{x}/{y}.png", {
    maxZoom: 19,
    attribution: '&copy; <a href="https://www.openstreetmap.org/copyright">OpenStreetMap</a>'
  }).addTo(map);
  var warned = false;
  tiles.on("tileerror", function () {
    if (warned) { return; }
    warned = true;
    var note = document.createElement("p");
    note.className = "map-note";
    note.setAttribute("role", "status");
    note.textContent = box.getAttribute("data-tiles");
    box.parentNode.insertBefore(note, box.nextSibling);
  });
  var points = [];
  items.forEach(function (item) {
    var lat = parseFloat(item.getAttribute("data-lat"));
    var lon = parseFloat(item.getAttribute("data-lon"));
    if (isNaN(lat) || isNaN(lon)) { return; }
    var marker = L.marker([lat, lon], { title: item.getAttribute("data-name"), alt: item.getAttribute("data-name") }).addTo(map);
    var link = item.getAttribute("data-url");
    var label = document.createElement(link ? "a" : "strong");
    label.textContent = item.getAttribute("data-name");
    if (link) { label.href = link; }
    marker.bindPopup(label);
    points.push([lat, lon]);
  });
  var centre = box.getAttribute("data-centre");
  if (centre) {
    map.setView(centre.split(",").map(parseFloat), 15);
  } else if (points.length === 1) {
    map.setView(points[0], 16);
  } else {
    map.fitBounds(points, { padding: [20, 20], maxZoom: 16 });
  }
  box.setAttribute("data-markers", String(points.length));
})();
