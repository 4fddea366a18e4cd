// SPDX-License-Identifier: MIT
// Beside the Retainers pane, for a snapshot with allocation traces: the stack of the function that
// allocated the selected object (DevTools' "Allocation stack" tab).
#pragma once

#include "objectref.h"

#include <QWidget>

class AllocationProfileSource;
class QLabel;
class QTreeWidget;

class AllocationStackPane : public QWidget {
    Q_OBJECT
public:
    explicit AllocationStackPane(AllocationProfileSource* source, QWidget* parent = nullptr);
    void setObject(const ObjectRef& object);
    ObjectRef object() const { return m_object; }
    QTreeWidget* view() const { return m_view; }
    QLabel* emptyText() const { return m_empty; }
    /// The frames shown, one a line ("function  script:line"): what Copy Stack puts on the clipboard.
    QString stackText() const;

private:
    void refresh();

    AllocationProfileSource* m_source;
    ObjectRef m_object;
    QLabel* m_title;
    QLabel* m_empty;
    QTreeWidget* m_view;
};
