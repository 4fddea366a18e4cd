// SPDX-License-Identifier: MIT
#include "snapshotview.h"

#include "models/allocationmodel.h"
#include "models/modelroles.h"
#include "pages/allocationpage.h"
#include "pages/allocationstackpane.h"
#include "pages/closurespage.h"
#include "pages/comparisonpage.h"
#include "pages/containmentpage.h"
#include "pages/dominatorspage.h"
#include "pages/retainerspane.h"
#include "pages/statisticspage.h"
#include "pages/summarypage.h"
#include "series/holdergroupspane.h"
#include "snapshotdocument.h"

#include <heapscope/allocation.h>

#include <QApplication>
#include <QSplitter>
#include <QStackedLayout>
#include <QTabWidget>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

SnapshotView::SnapshotView(SnapshotSession* session, SnapshotDocument* document, Navigator* navigator,
                           QWidget* parent)
    : QWidget(parent), m_session(session), m_document(document), m_navigator(navigator) {
    setObjectName(u"snapshotView"_s);
    m_tabs = new QTabWidget(this);
    m_tabs->setObjectName(u"perspectives"_s);
    m_tabs->setDocumentMode(true);
    m_summary = new SummaryPage(session, document, navigator, m_tabs);
    m_comparison = new ComparisonPage(session, document, navigator, m_tabs);
    m_tabs->addTab(m_summary, tr("Summary"));
    m_tabs->addTab(m_comparison, tr("Comparison"));
    // The other perspectives are built the first time they are shown (a Dominators page scans every
    // node for its biggest objects).
    for (const QString& title : {tr("Containment"), tr("Dominators"), tr("Statistics")}) {
        auto* holder = new QWidget(m_tabs);
        auto* l = new QVBoxLayout(holder);
        l->setContentsMargins(0, 0, 0, 0);
        m_placeholders[m_tabs->count()] = holder;
        m_tabs->addTab(holder, title);
    }
    if (heapscope::hasAllocationTraces(*document->analysis()->snapshot)) {
        // DevTools' Allocation perspective, for files recorded with allocation stacks.
        m_allocationSource = new AllocationProfileSource(document->analysis(), this);
        auto* holder = new QWidget(m_tabs);
        auto* l = new QVBoxLayout(holder);
        l->setContentsMargins(0, 0, 0, 0);
        m_placeholders[m_tabs->count()] = holder;
        m_tabs->addTab(holder, tr("Allocation"));
        m_tabs->setTabToolTip(AllocationPerspective,
                              tr("Which functions allocated the objects, and who called them"));
    }
    // Closure variables no live closure can read: computed in the background from now on.
    m_closures = new ClosuresPage(document->analysis(), navigator, m_tabs);
    m_closuresTab = m_tabs->addTab(m_closures, tr("Closures"));
    m_tabs->setTabToolTip(m_closuresTab,
                          tr("Closure variables that no live closure can read, kept alive only by "
                             "their context (the classic closure leak)"));
    m_tabs->setTabEnabled(ComparisonPerspective, m_comparison->isAvailable());
    m_tabs->setTabToolTip(ComparisonPerspective, tr("Needs a second snapshot of the same program"));
    m_tabs->setTabToolTip(DominatorsPerspective,
                          tr("The dominator tree: which object alone keeps which alive"));

    m_retainers = new RetainersPane(navigator, this);
    m_retainers->setSession(session);
    auto* bottomTabs = new QTabWidget(this);
    bottomTabs->setObjectName(u"bottomTabs"_s);
    bottomTabs->setDocumentMode(true);
    bottomTabs->addTab(m_retainers, tr("Retainers"));
    if (m_allocationSource) {
        m_allocationStack = new AllocationStackPane(m_allocationSource, bottomTabs);
        bottomTabs->addTab(m_allocationStack, tr("Allocation stack"));
        connect(m_retainers, &RetainersPane::objectChanged, m_allocationStack,
                &AllocationStackPane::setObject);
    }
    // The Comparison's class rows: their new objects grouped by how they are held.
    m_holderGroups = new HolderGroupsPane(navigator, bottomTabs);
    m_holderGroupsTab = bottomTabs->addTab(m_holderGroups, tr("New objects by holder"));
    bottomTabs->setTabToolTip(
        m_holderGroupsTab, tr("The new objects of the class selected in the Comparison, grouped by the path "
                              "that holds them"));
    bottomTabs->setTabVisible(m_holderGroupsTab, false);
    m_bottomTabs = bottomTabs;
    m_bottom = bottomTabs;
    m_splitter = new QSplitter(Qt::Vertical, this);
    m_splitter->addWidget(m_tabs);
    m_splitter->addWidget(m_bottom);
    m_splitter->setStretchFactor(0, 3);
    m_splitter->setStretchFactor(1, 2);
    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->addWidget(m_splitter);

    connect(m_summary, &SummaryPage::objectSelected, m_retainers, &RetainersPane::setObject);
    connect(m_closures, &ClosuresPage::objectSelected, m_retainers, &RetainersPane::setObject);
    connect(m_comparison, &ComparisonPage::objectSelected, m_retainers, &RetainersPane::setObject);
    connect(m_comparison, &ComparisonPage::objectSelected, this,
            [this] { m_bottomTabs->setCurrentWidget(m_retainers); });
    connect(m_comparison, &ComparisonPage::classSelected, this,
            [this](const heapscope::ComparisonPtr& comparison, int row) {
                m_holderGroups->setClass(comparison, row);
                m_bottomTabs->setCurrentWidget(m_holderGroups);
            });
    connect(m_comparison, &ComparisonPage::availabilityChanged, this,
            [this](bool available) { m_tabs->setTabEnabled(ComparisonPerspective, available); });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int tab) {
        ensurePage(tab);
        const bool comparison = tab == ComparisonPerspective;
        m_bottomTabs->setTabVisible(m_holderGroupsTab, comparison);
        if (!comparison && m_bottomTabs->currentWidget() == m_holderGroups)
            m_bottomTabs->setCurrentWidget(m_retainers);
        // Statistics has no objects; the pane would only take room.
        m_bottom->setVisible(tab != StatisticsPerspective);
        // The pane follows the perspective: the object selected there, or none (never the object
        // of the tab left behind).
        QList<QTreeView*> tables;
        if (tab == SummaryPerspective)
            tables = {m_summary->view()};
        else if (tab == ComparisonPerspective)
            tables = {m_comparison->view()};
        else if (tab == ContainmentPerspective && m_containment)
            tables = {m_containment->view()};
        else if (tab == DominatorsPerspective && m_dominators)
            tables = {m_dominators->view(), m_dominators->topView()};
        else if (tab == AllocationPerspective && m_allocation)
            tables = {m_allocation->objectsView()};
        ObjectRef object;
        for (QTreeView* table : std::as_const(tables))
            if (!object.isValid() && table->currentIndex().isValid())
                object = table->currentIndex().data(ModelRoles::ObjectRefRole).value<ObjectRef>();
        m_retainers->setObject(object);
    });
    connect(m_tabs, &QTabWidget::currentChanged, this, [this](int tab) {
        if (tab == m_closuresTab)
            m_retainers->setObject(m_closures->currentObject());
    });
}

void SnapshotView::showClosures() {
    m_tabs->setCurrentIndex(m_closuresTab);
}

bool SnapshotView::isClosuresShown() const {
    return m_tabs->currentIndex() == m_closuresTab;
}

void SnapshotView::ensurePage(int tab) {
    if (tab < ContainmentPerspective || tab > AllocationPerspective)
        return;
    QWidget* holder = m_placeholders[tab];
    if (!holder || !holder->layout()->isEmpty())
        return;
    QWidget* page = nullptr;
    switch (tab) {
    case ContainmentPerspective:
        m_containment = new ContainmentPage(m_document->analysis(), m_navigator, holder);
        connect(m_containment, &ContainmentPage::objectSelected, m_retainers, &RetainersPane::setObject);
        page = m_containment;
        break;
    case DominatorsPerspective:
        m_dominators = new DominatorsPage(m_document->analysis(), m_navigator, holder);
        connect(m_dominators, &DominatorsPage::objectSelected, m_retainers, &RetainersPane::setObject);
        page = m_dominators;
        break;
    case StatisticsPerspective:
        m_statistics = new StatisticsPage(m_document->analysis(), holder);
        page = m_statistics;
        break;
    case AllocationPerspective:
        m_allocation = new AllocationPage(m_allocationSource, m_navigator, holder);
        connect(m_allocation, &AllocationPage::objectSelected, m_retainers, &RetainersPane::setObject);
        page = m_allocation;
        break;
    }
    holder->layout()->addWidget(page);
}

ContainmentPage* SnapshotView::containmentPage() const {
    const_cast<SnapshotView*>(this)->ensurePage(ContainmentPerspective);
    return m_containment;
}

DominatorsPage* SnapshotView::dominatorsPage() const {
    const_cast<SnapshotView*>(this)->ensurePage(DominatorsPerspective);
    return m_dominators;
}

AllocationPage* SnapshotView::allocationPage() const {
    if (!m_allocationSource)
        return nullptr;
    const_cast<SnapshotView*>(this)->ensurePage(AllocationPerspective);
    return m_allocation;
}

StatisticsPage* SnapshotView::statisticsPage() const {
    const_cast<SnapshotView*>(this)->ensurePage(StatisticsPerspective);
    return m_statistics;
}

void SnapshotView::showPerspective(Perspective perspective) {
    if (!m_tabs->isTabEnabled(perspective))
        return;
    ensurePage(perspective);
    m_tabs->setCurrentIndex(perspective);
}

SnapshotView::Perspective SnapshotView::perspective() const {
    return Perspective(m_tabs->currentIndex());
}

bool SnapshotView::revealInSummary(heapscope::NodeOrdinal node) {
    showPerspective(SummaryPerspective);
    return m_summary->revealNode(node);
}

bool SnapshotView::showInDominators(heapscope::NodeOrdinal node) {
    showPerspective(DominatorsPerspective);
    return dominatorsPage()->revealNode(node);
}

QTreeView* SnapshotView::currentTable() const {
    auto* focused = qobject_cast<QTreeView*>(QApplication::focusWidget());
    if (focused && isAncestorOf(focused) && focused->isVisible())
        return focused;
    if (isClosuresShown())
        return m_closures->view();
    switch (perspective()) {
    case SummaryPerspective:
        return m_summary->view();
    case ComparisonPerspective:
        return m_comparison->view();
    case ContainmentPerspective:
        return containmentPage()->view();
    case DominatorsPerspective:
        return dominatorsPage()->view();
    case StatisticsPerspective:
        return statisticsPage()->findChild<QTreeView*>();
    case AllocationPerspective:
        return allocationPage() ? allocationPage()->view() : nullptr;
    }
    return nullptr;
}

QString SnapshotView::perspectiveKey() const {
    if (isClosuresShown())
        return u"closures"_s;
    static const char* const keys[] = {"summary",    "comparison", "containment",
                                       "dominators", "statistics", "allocation"};
    const int p = perspective();
    return QString::fromLatin1(p >= 0 && p < int(std::size(keys)) ? keys[p] : "table");
}

void SnapshotView::focusFind() {
    showPerspective(SummaryPerspective);
    m_summary->focusFind();
}
