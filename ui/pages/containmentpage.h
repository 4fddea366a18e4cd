// SPDX-License-Identifier: MIT
// The Containment perspective: the heap graph from the root.
#pragma once

#include "objectref.h"

#include <QWidget>

class ContainmentModel;
class Navigator;
class QTreeView;

class ContainmentPage : public QWidget {
    Q_OBJECT
public:
    ContainmentPage(heapscope::AnalysisPtr analysis, Navigator* navigator, QWidget* parent = nullptr);
    ContainmentModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }

Q_SIGNALS:
    void objectSelected(const ObjectRef& object);

private:
    ContainmentModel* m_model;
    QTreeView* m_view;
};
