// SPDX-License-Identifier: MIT
// The wiring every heap view shares: tree settings, delegates, "more" rows, filter box, context menu.
#pragma once

#include "objectref.h"

#include <QModelIndex>
#include <QString>

#include <functional>

class HeapTreeModel;
class Navigator;
class QLabel;
class QLineEdit;
class QMenu;
class QTreeView;
class QWidget;

namespace ViewSetup {

/// Uniform row heights, sorting by the model's current column, DevTools-like delegates, the trailing
/// "N more…" row loading on double-click/Enter, and the object context menu.
/// `extraActions` may add entries (e.g. "Ignore this retainer") to the menu of a row.
void setupTreeView(QTreeView* view, HeapTreeModel* model, Navigator* navigator,
                   std::function<void(QMenu*, const QModelIndex&)> extraActions = {});

/// A filter box that calls `apply` 300 ms after the last keystroke.
QLineEdit* createFilterEdit(QWidget* parent, const QString& placeholder,
                            std::function<void(const QString&)> apply);

/// The object actions: Reveal in Summary, Show in Dominators, Copy name, Copy @id, Copy retainer
/// path, Export retainer paths….
void addObjectActions(QMenu* menu, const ObjectRef& object, Navigator* navigator);

/// A hidden, word-wrapped warning strip (pale yellow, readable in dark themes too) for what the user
/// must know before reading a view: "these snapshots come from different processes".
QLabel* createBanner(QWidget* parent, const QString& objectName);

/// Sets the column widths DevTools uses for its numeric columns (object column stretches).
void setDefaultColumnWidths(QTreeView* view);

} // namespace ViewSetup
