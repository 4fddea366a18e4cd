// The classic closure leak: `unused` captures a large object and is dropped, `alive` captures a small
// string of the same context and lives on, so the large object stays alive with the context although
// no live closure can read it any more.
window.keep = [];
function makeHandler(i) {
  const bigData = {payload: new Array(20000).fill(i), label: 'big-' + i};
  const tag = 'tag-' + i;
  function unused() {
    return bigData.payload.length;
  }
  unused();
  return function alive() {
    return tag;
  };
}
for (let i = 0; i < 4; i++) {
  window.keep.push(makeHandler(i));
}

// The same leak through a chain of replaced objects (each context keeps the previous object).
let theThing = null;
function replaceThing() {
  const originalThing = theThing;
  const unusedToo = function() {
    if (originalThing) {
      return 'hi';
    }
  };
  unusedToo();
  theThing = {
    longStr: new Array(5000).join('*') + Math.random(),
    someMethod: function() {
      return 'method';
    },
  };
}
for (let i = 0; i < 5; i++) {
  replaceThing();
}
window.getThing = () => theThing;

// A nested closure that is not instantiated yet still reads the outer variable: not dead.
function outer() {
  const shared = {n: 42};
  const dropped = new Array(3000).fill('dropped');
  function useDropped() {
    return dropped.length;
  }
  useDropped();
  return function middle() {
    return function inner() {
      return shared.n;
    };
  };
}
window.middle = outer();
window.__ready = Promise.resolve('ready');
