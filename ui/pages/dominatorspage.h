// SPDX-License-Identifier: MIT
// The Dominators perspective: the dominator tree and the biggest objects beside it.
#pragma once

#include "objectref.h"

#include <QWidget>

class DominatorsModel;
class Navigator;
class QTreeView;
class TopObjectsModel;

class DominatorsPage : public QWidget {
    Q_OBJECT
public:
    DominatorsPage(heapscope::AnalysisPtr analysis, Navigator* navigator, QWidget* parent = nullptr);
    DominatorsModel* model() const { return m_model; }
    TopObjectsModel* topModel() const { return m_top; }
    QTreeView* view() const { return m_view; }
    QTreeView* topView() const { return m_topView; }

    /// Expands the dominator chain down to `node` and selects it.
    bool revealNode(heapscope::NodeOrdinal node);

Q_SIGNALS:
    void objectSelected(const ObjectRef& object);

private:
    DominatorsModel* m_model;
    TopObjectsModel* m_top;
    QTreeView* m_view;
    QTreeView* m_topView;
};
