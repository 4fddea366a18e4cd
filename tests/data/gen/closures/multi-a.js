// Script A: a store whose private cache is also captured by a dropped initialiser.
function createStore(name) {
  const cache = new Map();
  const config = {name, size: 3};
  const bootData = new Array(8000).fill('boot-' + name);
  function init() {
    for (const x of bootData.slice(0, 3)) {
      cache.set(x, 1);
    }
  }
  init();
  return {
    get(key) {
      return cache.get(key) ?? config.name;
    },
  };
}
window.storesA = [createStore('a1'), createStore('a2')];
