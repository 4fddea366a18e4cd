// SPDX-License-Identifier: MIT
// The Allocation perspective of a snapshot with allocation traces: DevTools' bottom-up list of
// allocating functions, expandable into their callers, and the live objects the selected row
// allocated, by constructor.
#pragma once

#include "objectref.h"

#include <QWidget>

class AllocationModel;
class BackgroundJob;
class AllocationProfileSource;
class Navigator;
class QLabel;
class QTreeView;
class SummaryModel;

class AllocationPage : public QWidget {
    Q_OBJECT
public:
    AllocationPage(AllocationProfileSource* source, Navigator* navigator, QWidget* parent = nullptr);

    AllocationModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }
    /// The live objects of the selected row, by constructor (DevTools' Summary with its
    /// allocation-node filter), computed on the job pool.
    SummaryModel* objectsModel() const { return m_objects; }
    QTreeView* objectsView() const { return m_objectsView; }
    BackgroundJob* objectsJob() const { return m_objectsJob; }
    /// Shows the live objects of a row of the functions' tree.
    void showObjectsOf(const QModelIndex& functionRow);

Q_SIGNALS:
    void objectSelected(const ObjectRef& object);

private:
    void profileReady();

    AllocationProfileSource* m_source;
    AllocationModel* m_model;
    SummaryModel* m_objects;
    BackgroundJob* m_objectsJob;
    QTreeView* m_view;
    QTreeView* m_objectsView;
    QLabel* m_status;
    QLabel* m_objectsTitle;
};
