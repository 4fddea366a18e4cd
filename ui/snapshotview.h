// SPDX-License-Identifier: MIT
// Everything shown for one ready snapshot: the perspectives and the Retainers pane below them.
#pragma once

#include "objectref.h"

#include <QWidget>

class AllocationPage;
class AllocationProfileSource;
class AllocationStackPane;
class ClosuresPage;
class ComparisonPage;
class ContainmentPage;
class DominatorsPage;
class HolderGroupsPane;
class Navigator;
class QSplitter;
class QTabWidget;
class QTreeView;
class RetainersPane;
class SnapshotDocument;
class SnapshotSession;
class StatisticsPage;
class SummaryPage;

class SnapshotView : public QWidget {
    Q_OBJECT
public:
    /// DevTools' perspective selector, in its order (plus Dominators).
    enum Perspective {
        SummaryPerspective,
        ComparisonPerspective,
        ContainmentPerspective,
        DominatorsPerspective,
        StatisticsPerspective,
        AllocationPerspective ///< only for snapshots with allocation traces
    };

    SnapshotView(SnapshotSession* session, SnapshotDocument* document, Navigator* navigator,
                 QWidget* parent = nullptr);

    SnapshotDocument* document() const { return m_document; }
    void showPerspective(Perspective perspective);
    Perspective perspective() const;

    SummaryPage* summaryPage() const { return m_summary; }
    ComparisonPage* comparisonPage() const { return m_comparison; }
    ContainmentPage* containmentPage() const;
    DominatorsPage* dominatorsPage() const;
    StatisticsPage* statisticsPage() const;
    RetainersPane* retainersPane() const { return m_retainers; }
    /// The Comparison's "New objects by holder" tab.
    HolderGroupsPane* holderGroupsPane() const { return m_holderGroups; }
    /// The Closures perspective (closure variables no live closure can read); its tab is the last.
    ClosuresPage* closuresPage() const { return m_closures; }
    void showClosures();
    bool isClosuresShown() const;
    /// Null for a snapshot without allocation traces.
    AllocationPage* allocationPage() const;
    AllocationStackPane* allocationStackPane() const { return m_allocationStack; }

    bool revealInSummary(heapscope::NodeOrdinal node);
    bool showInDominators(heapscope::NodeOrdinal node);
    void focusFind();

    /// The table File › Export Table exports: the one with the keyboard focus, else the
    /// perspective's main table.
    QTreeView* currentTable() const;
    /// A short name of the current perspective for file names ("summary", "comparison", ...).
    QString perspectiveKey() const;

private:
    void ensurePage(int tab);

    SnapshotSession* m_session;
    SnapshotDocument* m_document;
    Navigator* m_navigator;
    QTabWidget* m_tabs;
    QSplitter* m_splitter;
    SummaryPage* m_summary;
    ComparisonPage* m_comparison;
    mutable ContainmentPage* m_containment = nullptr;
    mutable DominatorsPage* m_dominators = nullptr;
    mutable StatisticsPage* m_statistics = nullptr;
    RetainersPane* m_retainers;
    ClosuresPage* m_closures = nullptr;
    int m_closuresTab = -1; ///< not a Perspective value: the tab after every perspective
    QWidget* m_bottom;      ///< the tabs of the Retainers pane, the Allocation stack, the holder groups
    QTabWidget* m_bottomTabs = nullptr;
    HolderGroupsPane* m_holderGroups = nullptr;
    int m_holderGroupsTab = -1;
    AllocationProfileSource* m_allocationSource = nullptr;
    mutable AllocationPage* m_allocation = nullptr;
    AllocationStackPane* m_allocationStack = nullptr;
    QWidget* m_placeholders[6] = {};
};
