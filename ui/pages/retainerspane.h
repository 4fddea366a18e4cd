// SPDX-License-Identifier: MIT
// Below every perspective: what keeps the selected object alive.
#pragma once

#include "ignoredretainers.h"
#include "objectref.h"

#include <QWidget>

#include <set>

class BackgroundJob;
class Navigator;
class QCheckBox;
class QLabel;
class QPushButton;
class QTreeView;
class RetainersModel;
class SnapshotSession;

class RetainersPane : public QWidget {
    Q_OBJECT
public:
    explicit RetainersPane(Navigator* navigator, QWidget* parent = nullptr);
    /// The session keeps the ignored retainers of each snapshot (shared by every pane that shows
    /// its objects, and by retainer path searches); without one the pane keeps them itself.
    void setSession(SnapshotSession* session);

    void setObject(const ObjectRef& object);
    ObjectRef object() const;
    /// The selected retainer (or the root row's object): what context actions apply to.
    ObjectRef currentObject() const;
    RetainersModel* model() const { return m_model; }
    QTreeView* view() const { return m_view; }
    /// What the pane says while no object is selected.
    QLabel* emptyText() const { return m_empty; }

    /// DevTools' auto-expansion: the first retainer chain, up to 20 levels, while the distance is > 1.
    void expandFirstChain();
    void ignoreRetainer(heapscope::NodeOrdinal node);
    void stopIgnoring(heapscope::NodeOrdinal node);
    void restoreIgnored();

Q_SIGNALS:
    /// Distances after an ignore change are ready and shown.
    void ignoredChanged();
    /// setObject() changed the object (panes beside this one follow it).
    void objectChanged(const ObjectRef& object);

private:
    void applyIgnored(std::set<heapscope::NodeOrdinal> nodes);
    /// Stores the ignored retainers of a snapshot (in the session when there is one).
    void storeIgnored(const heapscope::AnalysisPtr& analysis, IgnoredRetainers ignored);
    void showIgnored(const IgnoredRetainers& ignored);

    Navigator* m_navigator;
    RetainersModel* m_model;
    QTreeView* m_view;
    QLabel* m_title;
    QLabel* m_empty;
    QCheckBox* m_weak;
    QPushButton* m_restore;
    SnapshotSession* m_session = nullptr;
    BackgroundJob* m_ignoreJob;
};
