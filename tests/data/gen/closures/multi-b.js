// Script B: listeners whose contexts keep a buffer only the removed listener read.
window.listenersB = [];
function attach(i) {
  const buffer = new Uint8Array(16384 + i);
  const id = 'b-' + i;
  const onceOnly = () => buffer.byteLength;
  onceOnly();
  const live = () => id;
  window.listenersB.push(live);
}
for (let i = 0; i < 3; i++) {
  attach(i);
}
