// A point on the city's own map for the form of ideas and complaints. The tiles come from the
// one tile server the city configured (DIALOG_MAP_TILES; the page's CSP allows images from it
// and nobody else). Without this script the two coordinate fields below the map still work.
//
// Mouse and touch: drag to move, click or tap to mark. Keyboard: arrows move, + and - zoom,
// Enter or Space marks the middle (a cross shows it). Each mark is announced in the status line
// without moving the focus.

const TILE = 256;
const MIN_ZOOM = 10;
const MAX_ZOOM = 19;
const STEP = 64; // pixels per arrow key

function toPixels(lat, lon, zoom) {
  const size = TILE * 2 ** zoom;
  const sin = Math.sin((lat * Math.PI) / 180);
  return {
    x: ((lon + 180) / 360) * size,
    y: (0.5 - Math.log((1 + sin) / (1 - sin)) / (4 * Math.PI)) * size,
  };
}

function toDegrees(x, y, zoom) {
  const size = TILE * 2 ** zoom;
  const m = Math.PI - (2 * Math.PI * y) / size;
  return {
    lat: (180 / Math.PI) * Math.atan(Math.sinh(m)),
    lon: (x / size) * 360 - 180,
  };
}

function readNumber(input, low, high) {
  const value = Number.parseFloat(String(input.value).replace(",", "."));
  return Number.isFinite(value) && value >= low && value <= high ? value : null;
}

class MapPoint {
  constructor(element, lat, lon, status) {
    this.element = element;
    this.lat = lat;
    this.lon = lon;
    this.status = status;
    this.template = element.dataset.tiles;
    this.zoom = 15;
    const marked = this.marked();
    this.centre = toPixels(
      marked ? marked.lat : Number(element.dataset.lat),
      marked ? marked.lon : Number(element.dataset.lon),
      this.zoom,
    );
    this.layer = document.createElement("div");
    this.layer.className = "map-tiles";
    this.marker = document.createElement("div");
    this.marker.className = "map-marker";
    this.marker.hidden = true;
    element.append(this.layer, this.marker);
    element.hidden = false;
    this.listen();
    this.render();
  }

  marked() {
    const lat = readNumber(this.lat, -85, 85);
    const lon = readNumber(this.lon, -180, 180);
    return lat === null || lon === null ? null : { lat, lon };
  }

  size() {
    return { width: this.element.clientWidth, height: this.element.clientHeight };
  }

  render() {
    const { width, height } = this.size();
    const left = this.centre.x - width / 2;
    const top = this.centre.y - height / 2;
    const count = 2 ** this.zoom;
    const tiles = [];
    for (let ty = Math.floor(top / TILE); ty <= Math.floor((top + height) / TILE); ty += 1) {
      if (ty < 0 || ty >= count) continue;
      for (let tx = Math.floor(left / TILE); tx <= Math.floor((left + width) / TILE); tx += 1) {
        const img = document.createElement("img");
        const wrapped = ((tx % count) + count) % count;
        img.src = this.template
          .replace("{z}", String(this.zoom))
          .replace("{x}", String(wrapped))
          .replace("{y}", String(ty));
        img.alt = "";
        img.draggable = false;
        img.style.left = `${Math.round(tx * TILE - left)}px`;
        img.style.top = `${Math.round(ty * TILE - top)}px`;
        tiles.push(img);
      }
    }
    this.layer.replaceChildren(...tiles);
    const point = this.marked();
    this.marker.hidden = point === null;
    if (point) {
      const at = toPixels(point.lat, point.lon, this.zoom);
      this.marker.style.left = `${Math.round(at.x - left)}px`;
      this.marker.style.top = `${Math.round(at.y - top)}px`;
    }
  }

  move(dx, dy) {
    this.centre = { x: this.centre.x + dx, y: this.centre.y + dy };
    this.render();
  }

  zoomBy(delta) {
    const zoom = Math.min(MAX_ZOOM, Math.max(MIN_ZOOM, this.zoom + delta));
    if (zoom === this.zoom) return;
    const middle = toDegrees(this.centre.x, this.centre.y, this.zoom);
    this.zoom = zoom;
    this.centre = toPixels(middle.lat, middle.lon, zoom);
    this.render();
  }

  markAt(offsetX, offsetY) {
    const { width, height } = this.size();
    const point = toDegrees(
      this.centre.x - width / 2 + offsetX,
      this.centre.y - height / 2 + offsetY,
      this.zoom,
    );
    this.lat.value = point.lat.toFixed(6);
    this.lon.value = point.lon.toFixed(6);
    this.lat.dispatchEvent(new Event("change", { bubbles: true }));
    this.status.textContent = this.element.dataset.marked
      .replace("{lat}", this.lat.value)
      .replace("{lon}", this.lon.value);
    this.render();
  }

  listen() {
    let start = null;
    let moved = false;
    this.element.addEventListener("pointerdown", (event) => {
      start = { x: event.clientX, y: event.clientY };
      moved = false;
      this.element.setPointerCapture(event.pointerId);
    });
    this.element.addEventListener("pointermove", (event) => {
      if (!start) return;
      const dx = event.clientX - start.x;
      const dy = event.clientY - start.y;
      if (!moved && Math.hypot(dx, dy) < 5) return;
      moved = true;
      start = { x: event.clientX, y: event.clientY };
      this.move(-dx, -dy);
    });
    this.element.addEventListener("pointerup", (event) => {
      if (start && !moved) {
        const box = this.element.getBoundingClientRect();
        this.markAt(event.clientX - box.left, event.clientY - box.top);
      }
      start = null;
    });
    this.element.addEventListener("keydown", (event) => {
      const { width, height } = this.size();
      const keys = {
        ArrowLeft: () => this.move(-STEP, 0),
        ArrowRight: () => this.move(STEP, 0),
        ArrowUp: () => this.move(0, -STEP),
        ArrowDown: () => this.move(0, STEP),
        "+": () => this.zoomBy(1),
        "=": () => this.zoomBy(1),
        "-": () => this.zoomBy(-1),
        Enter: () => this.markAt(width / 2, height / 2),
        " ": () => this.markAt(width / 2, height / 2),
      };
      const action = keys[event.key];
      if (!action) return;
      event.preventDefault();
      action();
    });
    for (const input of [this.lat, this.lon]) {
      input.addEventListener("input", () => {
        const point = this.marked();
        if (point) this.centre = toPixels(point.lat, point.lon, this.zoom);
        this.render();
      });
    }
  }
}

const element = document.getElementById("map");
const lat = document.getElementById("lat");
const lon = document.getElementById("lon");
const status = document.getElementById("map-status");
if (element && lat && lon && status && element.dataset.tiles) {
  new MapPoint(element, lat, lon, status);
}
