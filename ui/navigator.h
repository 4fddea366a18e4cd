// SPDX-License-Identifier: MIT
// Cross-view navigation requests ("Reveal in Summary", "Show in Dominators") and the selection.
#pragma once

#include "objectref.h"

#include <QObject>

#include <vector>

/// One per main window, handed to every page. Pages emit requests; the main window routes each to
/// the view of the snapshot the object belongs to (a deleted object of a Comparison lives in the
/// base snapshot).
class Navigator : public QObject {
    Q_OBJECT
public:
    using QObject::QObject;

Q_SIGNALS:
    void revealInSummary(const ObjectRef& object);
    void showInDominators(const ObjectRef& object);
    /// Puts the shortest retaining path of the object on the clipboard.
    void copyRetainerPath(const ObjectRef& object);
    /// Opens the export dialog for the retaining paths of `targets` (nodes of `analysis`);
    /// `what` names them ("Foo @123", "412 new Foo objects").
    void exportRetainerPaths(const heapscope::AnalysisPtr& analysis,
                             const std::vector<heapscope::NodeOrdinal>& targets, const QString& what);
    /// A row was selected in a page (the Retainers pane follows).
    void objectSelected(const ObjectRef& object);
    void statusMessage(const QString& text);
};
