// SPDX-License-Identifier: MIT
// The Allocation perspective of a snapshot with allocation traces: DevTools' bottom-up list of
// allocating functions, expandable into their callers, and the live objects the selected row
// allocated.
#pragma once

#include "objectref.h"

#include <QWidget>

class AllocatedObjectsModel;
class AllocationModel;
class AllocationProfileSource;
class Navigator;
class QLabel;
class QTreeView;

class AllocationPage : public QWidget {
    Q_OBJECT
public:
    AllocationPage(AllocationProfileSource* source, Navigator* navigator, QWidget* parent = nullptr);

    AllocationModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }
    AllocatedObjectsModel* objectsModel() const { return m_objects; }
    QTreeView* objectsView() const { return m_objectsView; }
    /// Shows the live objects of a row of the functions' tree.
    void showObjectsOf(const QModelIndex& functionRow);

Q_SIGNALS:
    void objectSelected(const ObjectRef& object);

private:
    void profileReady();

    AllocationProfileSource* m_source;
    AllocationModel* m_model;
    AllocatedObjectsModel* m_objects;
    QTreeView* m_view;
    QTreeView* m_objectsView;
    QLabel* m_status;
    QLabel* m_objectsTitle;
};
