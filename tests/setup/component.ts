// Component tests run the screens in jsdom on a real (in-memory) IndexedDB: fake-indexeddb, as the Node
// tests do. What jsdom lacks and the screens touch is filled in here.
import 'fake-indexeddb/auto';

// jsdom has no <dialog> methods; the app's dialogs only need them to open and close.
if (typeof HTMLDialogElement !== 'undefined' && !HTMLDialogElement.prototype.showModal) {
  HTMLDialogElement.prototype.showModal = function (this: HTMLDialogElement) {
    this.setAttribute('open', '');
  };
  HTMLDialogElement.prototype.close = function (this: HTMLDialogElement) {
    this.removeAttribute('open');
    this.dispatchEvent(new Event('close'));
  };
}
