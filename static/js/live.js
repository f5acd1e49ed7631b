// live.js — the browser side of /api/v1/live (see README, "Live events"). No UI here.
//
//   import { connect } from "/static/js/live.js";
//   const live = connect({
//     topics: ["thread:12"],        // topics to listen to
//     since: 431,                   // last event id the page already shows (0: all kept events)
//     onEvent(frame) {},            // {id, topic, type, data}, in id order, each exactly once
//     onReset() {},                 // the server cannot replay that far back: reload the data,
//                                   // then call live.resume(newestId)
//     onStatus(status) {},          // "connecting" | "open" | "waiting" | "closed" | "ended"
//   });
//   live.close();                   // stop for good
//
// The socket resumes with the last id seen after every reconnect; reconnects wait with capped,
// jittered exponential backoff (0.5 s doubling to 30 s, each wait 50–100 % of the step).
// Close code 4001 (the login session ended) and 1008 (refused) end the connection ("ended");
// 1013 (too many sockets from this address) is tried again with the same backoff.

const BASE_DELAY = 500;
const MAX_DELAY = 30000;

export function backoff(attempt, random = Math.random) {
  const step = Math.min(MAX_DELAY, BASE_DELAY * 2 ** attempt);
  return Math.round(step * (0.5 + random() / 2));
}

export function liveUrl(location = window.location) {
  const scheme = location.protocol === "https:" ? "wss:" : "ws:";
  return `${scheme}//${location.host}/api/v1/live`;
}

export function connect({ topics, since = 0, onEvent, onReset, onStatus, url = liveUrl() }) {
  let lastId = since;
  let attempt = 0;
  let socket = null;
  let timer = null;
  let stopped = false;
  const status = (value) => onStatus && onStatus(value);

  function open() {
    status("connecting");
    socket = new WebSocket(url);
    socket.addEventListener("open", () => {
      attempt = 0;
      status("open");
      socket.send(JSON.stringify({ type: "subscribe", topics, since: lastId }));
    });
    socket.addEventListener("message", (message) => {
      let frame;
      try {
        frame = JSON.parse(message.data);
      } catch {
        return;
      }
      if (frame.type === "reset") {
        if (onReset) onReset();
        return;
      }
      if (typeof frame.id !== "number" || frame.id <= lastId) return; // pings, repeats
      lastId = frame.id;
      if (onEvent) onEvent(frame);
    });
    socket.addEventListener("close", (event) => {
      socket = null;
      if (stopped) return;
      if (event.code === 4001 || event.code === 1008) {
        stopped = true;
        status("ended");
        return;
      }
      status("waiting");
      timer = setTimeout(open, backoff(attempt));
      attempt += 1;
    });
  }

  open();
  return {
    get lastId() {
      return lastId;
    },
    resume(newestId) {
      // After a reload following onReset: continue from the data the page now shows.
      lastId = newestId;
      if (socket) socket.close(1000);
    },
    close() {
      stopped = true;
      clearTimeout(timer);
      if (socket) socket.close(1000);
      status("closed");
    },
  };
}
