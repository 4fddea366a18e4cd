// Closures that read everything their context holds: nothing is kept for nobody.
window.counters = [];
function makeCounter(start) {
  let count = start;
  const step = {by: 1};
  const history = [];
  return {
    next() {
      count += step.by;
      history.push(count);
      return count;
    },
    reset() {
      count = start;
      history.length = 0;
    },
  };
}
for (let i = 0; i < 5; i++) {
  const c = makeCounter(i * 10);
  c.next();
  window.counters.push(c);
}
window.__ready = Promise.resolve('ready');
