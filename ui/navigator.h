// SPDX-License-Identifier: MIT
// Cross-view navigation requests ("Reveal in Summary", "Show in Dominators") and the selection.
#pragma once

#include "objectref.h"

#include <QObject>

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
    /// A row was selected in a page (the Retainers pane follows).
    void objectSelected(const ObjectRef& object);
    void statusMessage(const QString& text);
};
