// SPDX-License-Identifier: MIT
// What the oracle takes from DevTools: the profile tree model (totals) and the Bottom-up and
// Top-down grids, unchanged.
export * as ProfileTreeModel from 'chrome-devtools-frontend/front_end/models/cpu_profile/ProfileTreeModel.ts';
export * as BottomUp from 'chrome-devtools-frontend/front_end/panels/profiler/BottomUpProfileDataGrid.ts';
export * as TopDown from 'chrome-devtools-frontend/front_end/panels/profiler/TopDownProfileDataGrid.ts';
