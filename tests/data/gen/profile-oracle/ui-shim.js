// SPDX-License-Identifier: MIT
// Stands in for front_end/ui/legacy/legacy.js, which the profile grids import for one function
// (the grids' types aside): UIUtils.beautifyFunctionName, as DevTools defines it (the name, or
// "(anonymous)" for an empty one).
export const UIUtils = {
  beautifyFunctionName(name) {
    return name || '(anonymous)';
  },
};
