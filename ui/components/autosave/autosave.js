// Motive's answer field: a <textarea> that saves while the interviewer types.
//
// Loaded by Streamlit's components v2 as an ES module; no build step, nothing fetched.
// Streamlit calls the default export on the first render and again whenever the data
// from Python changes; the DOM (and so what is being typed) stays in place between calls.
//
// - The text goes to Python about 1.5 s after the last keystroke (never once per key),
//   at least every 10 s during non-stop typing, and at once on blur, Ctrl+Enter and
//   when the tab is hidden or left.
// - Every keystroke is also kept in localStorage under data.draft ("motive.draft.<user>.
//   <interview>.<question>.<field>") with the server revision it started from, and removed
//   once the server holds that text. A later page that finds a draft the server never got
//   saves it at once when the server's copy has not changed since, and otherwise offers it.
// - A send the server has not confirmed within a few seconds is marked "Not saved" and
//   sent again; leaving the page with such text asks first.
//
// Nothing here parses text as HTML: every text goes through .value or .textContent.

const QUIET_MS = 1500; // pause after the last keystroke before the text is sent
const MAX_WAIT_MS = 10000; // during non-stop typing, send at least this often
const CONFIRM_MS = 4000; // a send not confirmed by then is shown as not saved and sent again
const RETRY_MAX_MS = 30000;
const DRAFT_PREFIX = "motive.draft.";
const DRAFT_MAX_AGE_MS = 14 * 24 * 3600 * 1000;

const shared = (globalThis[Symbol.for("motive.autosave")] ??= { boxes: new Set(), listening: false });

// A 53-bit hash of a text (cyrb53): a draft remembers the field's server text it started from this way.
function textHash(text) {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507) ^ Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507) ^ Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return (4294967296 * (2097151 & h2) + (h1 >>> 0)).toString(36) + ":" + text.length;
}

function readDraft(key) {
  try {
    const draft = JSON.parse(localStorage.getItem(key) || "null");
    return draft && typeof draft.text === "string" ? draft : null;
  } catch {
    return null;
  }
}

function writeDraft(key, draft) {
  try {
    localStorage.setItem(key, JSON.stringify(draft));
  } catch {
    // Storage full or blocked (a private window): the server copy is still saved as usual.
  }
}

function dropDraft(key) {
  try {
    localStorage.removeItem(key);
  } catch {
    // Nothing to remove from storage the browser does not give us.
  }
}

function sweepOldDrafts() {
  try {
    const cutoff = Date.now() - DRAFT_MAX_AGE_MS;
    for (let i = localStorage.length - 1; i >= 0; i--) {
      const key = localStorage.key(i);
      if (key && key.startsWith(DRAFT_PREFIX)) {
        const draft = readDraft(key);
        if (!draft || !(draft.at > cutoff)) localStorage.removeItem(key);
      }
    }
  } catch {
    // Storage blocked: there are no drafts to sweep.
  }
}

function formatCount(n) {
  return n.toLocaleString("en");
}

class Box {
  constructor(root) {
    this.root = root;
    this.label = root.querySelector(".label");
    this.area = root.querySelector(".box");
    this.status = root.querySelector(".status");
    this.alert = root.querySelector(".alert");
    this.count = root.querySelector(".count");
    this.offerBox = root.querySelector(".offer");
    this.offerTitle = root.querySelector(".offer-title");
    this.offerText = root.querySelector(".offer-text");
    this.restoreButton = root.querySelector(".restore");
    this.discardButton = root.querySelector(".discard");
    this.data = null;
    this.api = null;
    this.sent = null; // the last text sent: {text, n, since: when the first unanswered send went}
    this.n = 0;
    this.base = null; // the server copy the unsaved text started from: {revision, hash}
    this.offered = null; // a draft on offer
    this.restored = false;
    this.saved = null; // when this page saw its own text stored: {text, at}
    this.quiet = null;
    this.maxWait = null;
    this.confirm = null;
    this.retryMs = CONFIRM_MS;

    this.area.addEventListener("input", () => this.onInput());
    this.area.addEventListener("blur", () => this.sendNow());
    this.area.addEventListener("keydown", (event) => {
      if (event.key === "Enter" && (event.ctrlKey || event.metaKey)) {
        event.preventDefault();
        this.sendNow();
      }
    });
    this.restoreButton.addEventListener("click", () => this.restore());
    this.discardButton.addEventListener("click", () => this.discard());
    this.onStorage = (event) => {
      // Another tab saved or discarded the draft on offer here: there is nothing left to offer.
      if (this.offered && this.data && event.key === this.data.draft && event.newValue === null) this.hideOffer();
    };
    this.onOnline = () => this.sendNow(true);
    window.addEventListener("storage", this.onStorage);
    window.addEventListener("online", this.onOnline);
    shared.boxes.add(this);
  }

  dispose() {
    clearTimeout(this.quiet);
    clearTimeout(this.maxWait);
    clearTimeout(this.confirm);
    window.removeEventListener("storage", this.onStorage);
    window.removeEventListener("online", this.onOnline);
    shared.boxes.delete(this);
  }

  // Whether the server has answered the last send: it echoes the number of the send it processed, or it
  // holds the text sent (a save cut short by a newer send can land without its number coming back).
  answered() {
    return !this.sent || this.data.n === this.sent.n || this.data.text === this.sent.text;
  }

  // Text on screen that the server does not hold.
  unsaved() {
    return !!this.data && !this.data.disabled && this.area.value !== this.data.text;
  }

  update(api) {
    const data = api.data;
    const previous = this.data;
    this.api = api;
    this.data = data;
    this.label.textContent = data.label;
    this.area.maxLength = data.limit;
    this.area.style.height = `${data.height}px`;
    this.area.disabled = !!data.disabled;
    if (!previous) {
      this.area.value = data.text;
      this.checkDraft();
    } else {
      const focused = this.area.matches(":focus");
      if (data.text !== previous.text && this.area.value === previous.text && !focused && this.answered()) {
        this.area.value = data.text; // saved from another tab, and nothing typed here since
      }
      if (data.session !== previous.session) {
        // A new server session (the server restarted): what it holds is all that counts, and it never
        // saw what was sent to the old one.
        this.sent = null;
        if (this.unsaved()) this.sendNow();
      }
    }
    if (data.replace && data.replace.n !== this.replaced) {
      // The page decided this field's text (a conflict resolved): it replaces what was typed here, and
      // nothing sent or kept before it is pending any more.
      this.replaced = data.replace.n;
      this.area.value = data.replace.text;
      this.sent = null;
      this.base = null;
      dropDraft(data.draft);
      if (this.offered) this.hideOffer();
    }
    if (this.sent && this.sent.text === data.text) {
      // This page's own text is stored: its mark says when this page learned so (the server's own mark can be
      // missing when a newer send cut the saving callback short).
      if (!this.saved || this.saved.text !== data.text) this.saved = { text: data.text, at: Date.now() };
      this.retryMs = CONFIRM_MS;
      clearTimeout(this.confirm);
      if (this.area.value === data.text) {
        this.sent = null;
        this.base = null;
      } else {
        // Saved, and the interviewer has typed on: the rest of the draft now starts from this revision.
        this.base = { revision: data.revision, hash: textHash(data.text) };
        this.keepDraft();
      }
    }
    const draft = readDraft(data.draft);
    if (draft && draft.text === data.text) {
      dropDraft(data.draft); // the server holds it
      if (this.offered) this.hideOffer();
    }
    if (this.unsaved() && !this.quiet && this.answered() && !this.refused()) this.schedule();
    this.refresh();
  }

  // The server answered the last send but does not hold its text: the store refused it or failed.
  refused() {
    return !!this.sent && this.answered() && this.sent.text !== this.data.text;
  }

  checkDraft() {
    const data = this.data;
    const draft = readDraft(data.draft);
    if (!draft) return;
    if (draft.text === data.text) {
      dropDraft(data.draft);
      return;
    }
    const unchanged = draft.base === data.revision || draft.baseHash === textHash(data.text);
    if (!data.disabled && unchanged && draft.text.length <= data.limit) {
      // The server's copy is the one this text was typed over: nothing anyone saved is replaced.
      this.area.value = draft.text;
      this.base = { revision: data.revision, hash: textHash(data.text) };
      this.restored = true;
      this.keepDraft();
      this.sendNow();
      return;
    }
    this.offer(draft);
  }

  offer(draft) {
    this.offered = draft;
    const readOnly = !!this.data.disabled;
    this.offerTitle.textContent = readOnly
      ? "Unsaved text from this browser (the interview is read-only now, so it cannot be saved):"
      : "Unsaved text from this browser:";
    this.offerText.textContent = draft.text;
    this.restoreButton.hidden = readOnly;
    this.offerBox.hidden = false;
  }

  hideOffer() {
    this.offered = null;
    this.offerBox.hidden = true;
    this.offerTitle.textContent = "";
    this.offerText.textContent = "";
  }

  restore() {
    const draft = this.offered;
    if (!draft || this.data.disabled) return;
    this.hideOffer();
    this.area.value = draft.text.slice(0, this.data.limit);
    // The interviewer has seen both and chose this text over the server's current copy.
    this.base = { revision: this.data.revision, hash: textHash(this.data.text) };
    this.restored = true;
    this.keepDraft();
    this.sendNow();
    this.area.focus();
  }

  discard() {
    const draft = this.offered;
    if (!draft) return;
    const stored = readDraft(this.data.draft);
    if (stored && stored.text === draft.text) dropDraft(this.data.draft); // not what was typed here since
    this.hideOffer();
    this.area.focus();
  }

  keepDraft() {
    const text = this.area.value;
    if (!this.base) this.base = { revision: this.data.revision, hash: textHash(this.data.text) };
    writeDraft(this.data.draft, { text, base: this.base.revision, baseHash: this.base.hash, at: Date.now() });
  }

  onInput() {
    if (!this.data || this.data.disabled) return;
    this.restored = false;
    if (this.area.value === this.data.text && this.answered()) {
      dropDraft(this.data.draft); // typed back to exactly what the server holds
      this.base = null;
    } else {
      this.keepDraft();
    }
    this.schedule();
    this.refresh();
  }

  schedule() {
    clearTimeout(this.quiet);
    this.quiet = setTimeout(() => this.sendNow(), QUIET_MS);
    if (!this.maxWait) this.maxWait = setTimeout(() => this.sendNow(), MAX_WAIT_MS);
  }

  // Send the text now unless the server holds it or already has it on the way; `again` resends a send
  // nobody answered (after the connection comes back).
  sendNow(again = false) {
    clearTimeout(this.quiet);
    clearTimeout(this.maxWait);
    this.quiet = null;
    this.maxWait = null;
    if (!this.data || !this.api || this.data.disabled) return;
    const text = this.area.value;
    const waiting = this.sent && !this.answered();
    if (text === (waiting && !again ? this.sent.text : this.data.text)) return;
    this.n = Math.max(this.n + 1, Date.now());
    this.sent = { text, n: this.n, since: waiting ? this.sent.since : Date.now() };
    const base = this.base ? this.base.revision : this.data.revision;
    this.api.setStateValue("sent", { text, base, n: this.n });
    clearTimeout(this.confirm);
    this.confirm = setTimeout(() => this.unconfirmed(), this.retryMs);
    this.refresh();
  }

  unconfirmed() {
    this.confirm = null;
    if (!this.sent || this.answered()) return;
    this.refresh();
    // Send it again, less and less often, until a server answers.
    this.retryMs = Math.min(this.retryMs * 2, RETRY_MAX_MS);
    this.sendNow(true);
  }

  refresh() {
    const data = this.data;
    const text = this.area.value;
    this.count.textContent = `${formatCount(text.length)}/${formatCount(data.limit)}`;
    let status = "";
    let alert = "";
    if (data.disabled || text === data.text) {
      if (this.saved && this.saved.text === data.text) {
        status = `✓ Saved ${new Date(this.saved.at).toISOString().slice(11, 19)} UTC`;
      } else {
        status = data.mark || (data.text ? "✓ Saved" : "");
      }
    } else if (this.refused()) {
      alert = "✗ Not saved";
    } else if (this.sent && !this.answered() && Date.now() - this.sent.since >= CONFIRM_MS) {
      alert = "✗ Not saved: no answer from the server. Kept in this browser; sending again.";
    } else {
      status = this.restored ? "Saving the text this browser kept…" : "Saving…";
    }
    if (this.status.textContent !== status) this.status.textContent = this.status.title = status;
    if (this.alert.textContent !== alert) this.alert.textContent = this.alert.title = alert;
  }
}

if (!shared.listening) {
  shared.listening = true;
  sweepOldDrafts();
  window.addEventListener("beforeunload", (event) => {
    let unsaved = false;
    for (const box of shared.boxes) {
      if (box.root.isConnected && box.unsaved()) {
        box.sendNow();
        unsaved = true;
      }
    }
    if (unsaved) {
      event.preventDefault();
      event.returnValue = ""; // older browsers show the dialog only when this is set
    }
  });
  document.addEventListener("visibilitychange", () => {
    if (document.visibilityState === "hidden") {
      for (const box of shared.boxes) if (box.root.isConnected && box.unsaved()) box.sendNow();
    }
  });
}

const boxes = new WeakMap();

export default function mount(component) {
  const root = component.parentElement.querySelector(".motive-autosave");
  if (!root) return undefined;
  let box = boxes.get(root);
  if (!box) {
    box = new Box(root);
    boxes.set(root, box);
  }
  box.update(component);
  return () => {
    // Streamlit calls this before each new render and when the field goes away; only the latter ends it.
    setTimeout(() => {
      if (!root.isConnected) {
        box.dispose();
        boxes.delete(root);
      }
    }, 0);
  };
}
