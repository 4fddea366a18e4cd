// SPDX-License-Identifier: MIT
#include "summarypage.h"

#include "jobs/backgroundjob.h"
#include "models/summarymodel.h"
#include "navigator.h"
#include "realmssource.h"
#include "snapshotsession.h"
#include "textutil.h"
#include "widgets/timelinewidget.h"
#include "widgets/viewsetup.h"

#include <heapscope/facts.h>
#include <heapscope/format.h>

#include <QComboBox>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QKeyEvent>
#include <QLabel>
#include <QLineEdit>
#include <QProgressBar>
#include <QPushButton>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

namespace {
// What a filter-menu entry selects, stored in the combo's item data.
struct FilterChoice {
    int named = -1; // heapscope::NamedFilter, or -1
    quint32 minId = 0, maxId = 0;
    bool range = false;
    int realm = -1;                       // heapscope::RealmFilter::Kind, or -1
    heapscope::NodeOrdinal nativeContext; // for a native context's entry
};

// Marks the filter menu's entry of the timeline's selection.
constexpr int kIntervalRole = Qt::UserRole + 1;

} // namespace
Q_DECLARE_METATYPE(FilterChoice)

SummaryPage::SummaryPage(SnapshotSession* session, SnapshotDocument* document, Navigator* navigator,
                         QWidget* parent)
    : QWidget(parent), m_session(session), m_document(document), m_navigator(navigator),
      m_analysis(document->analysis()), m_model(new SummaryModel(this)),
      m_filterJob(new BackgroundJob(this)) {
    setObjectName(u"summaryPage"_s);
    m_classFilter = ViewSetup::createFilterEdit(this, tr("Class filter"), [this](const QString& text) {
        m_model->setClassFilter(text);
        updateTotals();
    });
    m_classFilter->setObjectName(u"classFilter"_s);
    m_filterCombo = new QComboBox(this);
    m_filterCombo->setObjectName(u"summaryFilter"_s);
    m_filterCombo->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_find = new QLineEdit(this);
    m_find->setObjectName(u"findById"_s);
    m_find->setPlaceholderText(tr("Find @id"));
    m_find->setClearButtonEnabled(true);
    m_find->setMaximumWidth(160);
    m_totals = new QLabel(this);
    m_totals->setObjectName(u"summaryTotals"_s);
    // While a filter's Summary is computed: a busy indicator (the core reports no steps) and Cancel.
    m_busyIndicator = new QProgressBar(this);
    m_busyIndicator->setObjectName(u"summaryFilterProgress"_s);
    m_busyIndicator->setRange(0, 0);
    m_busyIndicator->setTextVisible(false);
    m_busyIndicator->setMaximumWidth(120);
    m_busyIndicator->hide();
    m_cancelFilter = new QPushButton(tr("Cancel"), this);
    m_cancelFilter->setObjectName(u"summaryFilterCancel"_s);
    m_cancelFilter->setToolTip(tr("Stop computing this filter and show the previous rows again (Esc)"));
    m_cancelFilter->hide();
    connect(m_cancelFilter, &QPushButton::clicked, this, &SummaryPage::cancelFilter);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(4, 4, 4, 4);
    bar->addWidget(m_classFilter, 2);
    bar->addWidget(m_filterCombo, 3);
    bar->addWidget(m_totals);
    bar->addWidget(m_busyIndicator);
    bar->addWidget(m_cancelFilter);
    bar->addStretch(1);
    bar->addWidget(m_find);

    m_view = new QTreeView(this);
    m_view->setObjectName(u"summaryView"_s);
    m_model->setSummary(m_analysis);
    ViewSetup::setupTreeView(m_view, m_model, navigator);

    // Find @id never changes the filter by itself: it says when the filter hides the object.
    m_findNotice = new QWidget(this);
    m_findNotice->setObjectName(u"findHiddenNotice"_s);
    m_findNoticeText = new QLabel(m_findNotice);
    m_findNoticeText->setWordWrap(true);
    auto* showAll = new QPushButton(tr("Show All Objects"), m_findNotice);
    showAll->setObjectName(u"findShowAllObjects"_s);
    auto* dismiss = new QPushButton(tr("Dismiss"), m_findNotice);
    auto* notice = new QHBoxLayout(m_findNotice);
    notice->setContentsMargins(6, 2, 6, 2);
    notice->addWidget(m_findNoticeText, 1);
    notice->addWidget(showAll);
    notice->addWidget(dismiss);
    m_findNotice->hide();
    connect(dismiss, &QPushButton::clicked, m_findNotice, &QWidget::hide);
    connect(showAll, &QPushButton::clicked, this, [this] {
        m_findNotice->hide();
        if (revealNode(m_hiddenNode))
            m_view->setFocus();
    });

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    if (m_analysis->snapshot->facts().isTimeline) {
        // DevTools' overview of a heap timeline: a selection shows the objects allocated in it.
        m_timeline = new TimelineWidget(m_analysis, this);
        layout->addWidget(m_timeline);
        connect(m_timeline, &TimelineWidget::intervalSelected, this,
                [this](quint32 minId, quint32 maxId, const QString& title) {
                    showInterval(true, minId, maxId, title);
                });
        connect(m_timeline, &TimelineWidget::selectionCleared, this,
                [this] { showInterval(false, 0, 0, {}); });
    }
    layout->addLayout(bar);
    layout->addWidget(m_findNotice);
    layout->addWidget(m_view);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                const ObjectRef object = m_model->objectAt(current);
                if (object.isValid())
                    Q_EMIT objectSelected(object);
            });
    connect(m_find, &QLineEdit::returnPressed, this, [this] { findById(m_find->text()); });
    connect(m_filterCombo, &QComboBox::activated, this, &SummaryPage::applyFilter);
    connect(session, &SnapshotSession::documentChanged, this, [this](SnapshotDocument* doc) {
        if (doc->isReady())
            rebuildFilterMenu();
    });
    connect(session, &SnapshotSession::documentRemoved, this, &SummaryPage::rebuildFilterMenu);
    // Which other snapshots pair with this one is worked out in the background.
    connect(session, &SnapshotSession::sameProcessKnown, this, &SummaryPage::rebuildFilterMenu);
    rebuildFilterMenu();
    updateTotals();
    // DevTools' realm entries (one per native context, then shared and unattributed objects) come
    // when the realms are computed, in the background once this page is on screen.
    if (RealmsSource* realms = RealmsSource::of(document); realms && !realms->isReady())
        connect(realms, &RealmsSource::ready, this, &SummaryPage::rebuildFilterMenu);
}

void SummaryPage::rebuildFilterMenu() {
    const QVariant current = m_filterCombo->currentData();
    const QString currentText = m_filterCombo->currentText();
    const QString shownText = m_filterCombo->itemText(m_shownFilter);
    m_filterCombo->clear();
    m_filterCombo->addItem(tr("All objects"), QVariant::fromValue(FilterChoice{}));
    // DevTools: one entry per heap snapshot in the list, ranges of object ids between them.
    QList<SnapshotDocument*> snapshots;
    for (SnapshotDocument* doc : m_session->documents())
        if (doc->isReady() && !doc->isTimeline() &&
            (doc == m_document || m_session->sameProcess(doc, m_document) == heapscope::SameProcess::Yes))
            snapshots.append(doc); // ids of another process say nothing about this one's allocations
    if (snapshots.size() > 1) {
        for (int k = 0; k < snapshots.size(); ++k) {
            FilterChoice c;
            c.range = true;
            c.minId = k == 0 ? 0 : snapshots[k - 1]->maxJsObjectId();
            c.maxId = snapshots[k]->maxJsObjectId();
            const QString title =
                k == 0 ? tr("Objects allocated before %1").arg(snapshots[k]->displayName())
                       : tr("Objects allocated between %1 and %2")
                             .arg(snapshots[k - 1]->displayName(), snapshots[k]->displayName());
            m_filterCombo->addItem(title, QVariant::fromValue(c));
        }
    }
    m_filterCombo->insertSeparator(m_filterCombo->count());
    for (heapscope::NamedFilter f : heapscope::kAllNamedFilters) {
        FilterChoice c;
        c.named = int(f);
        m_filterCombo->addItem(QString::fromUtf8(heapscope::namedFilterTitle(f)), QVariant::fromValue(c));
    }
    if (RealmsSource* source = RealmsSource::of(m_document); source && source->realms()) {
        const heapscope::Realms& realms = *source->realms();
        m_filterCombo->insertSeparator(m_filterCombo->count());
        std::vector<heapscope::RealmFilter> entries;
        for (const heapscope::NativeContextSize* c : realms.bySize())
            entries.push_back({heapscope::RealmFilter::Kind::NativeContext, c->node});
        entries.push_back({heapscope::RealmFilter::Kind::Shared, heapscope::kNoNode});
        entries.push_back({heapscope::RealmFilter::Kind::Unattributed, heapscope::kNoNode});
        for (const heapscope::RealmFilter& f : entries) {
            FilterChoice c;
            c.realm = int(f.kind);
            c.nativeContext = f.nativeContext;
            m_filterCombo->addItem(TextUtil::toQString(heapscope::realmFilterTitle(realms, f)),
                                   QVariant::fromValue(c));
            m_filterCombo->setItemData(m_filterCombo->count() - 1,
                                       QString::fromStdString(heapscope::realmFilterKey(realms, f)),
                                       Qt::ToolTipRole);
        }
    }
    if (m_intervalActive) {
        FilterChoice c;
        c.range = true;
        c.minId = m_intervalMin;
        c.maxId = m_intervalMax;
        m_filterCombo->addItem(m_intervalTitle, QVariant::fromValue(c));
        m_filterCombo->setItemData(m_filterCombo->count() - 1, true, kIntervalRole);
    }
    const int idx = currentText.isEmpty() ? -1 : m_filterCombo->findText(currentText);
    m_filterCombo->setCurrentIndex(idx > 0 ? idx : 0);
    if (!m_busy) {
        m_shownFilter = m_filterCombo->currentIndex();
    } else {
        // Entries came or went while a filter is computed: the rows shown keep their entry (Cancel
        // goes back to it; -1 when it went), and a filter whose entry went is stopped.
        m_shownFilter = shownText.isEmpty() ? -1 : m_filterCombo->findText(shownText);
        if (idx < 0)
            cancelFilter();
    }
    Q_UNUSED(current);
}

int SummaryPage::intervalEntry() const {
    for (int i = m_filterCombo->count() - 1; i >= 0; --i)
        if (m_filterCombo->itemData(i, kIntervalRole).toBool())
            return i;
    return -1;
}

void SummaryPage::showInterval(bool active, quint32 minId, quint32 maxId, const QString& title) {
    const int old = intervalEntry();
    const bool wasShown = old >= 0 && (m_shownFilter == old || m_filterCombo->currentIndex() == old);
    if (old >= 0) {
        if (m_shownFilter == old)
            m_shownFilter = 0;
        m_filterCombo->removeItem(old); // the last entry: no other entry moves
    }
    m_intervalActive = active;
    m_intervalMin = minId;
    m_intervalMax = maxId;
    m_intervalTitle = title;
    if (!active) {
        if (wasShown) {
            m_filterCombo->setCurrentIndex(0);
            applyFilter(0);
        }
        return;
    }
    FilterChoice c;
    c.range = true;
    c.minId = minId;
    c.maxId = maxId;
    m_filterCombo->addItem(title, QVariant::fromValue(c));
    const int entry = m_filterCombo->count() - 1;
    m_filterCombo->setItemData(entry, true, kIntervalRole);
    m_filterCombo->setCurrentIndex(entry);
    applyFilter(entry);
}

void SummaryPage::setBusy(bool busy) {
    if (busy == m_busy)
        return;
    m_busy = busy;
    m_view->setEnabled(!busy);
    m_busyIndicator->setVisible(busy);
    m_cancelFilter->setVisible(busy);
    Q_EMIT busyChanged(busy);
}

void SummaryPage::applyFilter(int comboIndex) {
    const auto choice = m_filterCombo->itemData(comboIndex).value<FilterChoice>();
    if (choice.realm >= 0) {
        applyRealmFilter(comboIndex);
        return;
    }
    if (choice.named < 0 && !choice.range) {
        m_filterJob->cancel(); // the user picked another filter meanwhile
        m_model->setSummary(m_analysis);
        m_shownFilter = comboIndex;
        setBusy(false);
        updateTotals();
        return;
    }
    heapscope::NodeFilter filter;
    if (choice.named >= 0)
        filter.named = heapscope::NamedFilter(choice.named);
    if (choice.range)
        filter.idRange = std::make_pair(std::uint32_t(choice.minId), std::uint32_t(choice.maxId));
    startFilterJob([analysis = m_analysis, filter](const heapscope::WorkContext& work) {
        return analysis->aggregate(filter, work);
    });
}

void SummaryPage::applyRealmFilter(int comboIndex) {
    const auto choice = m_filterCombo->itemData(comboIndex).value<FilterChoice>();
    RealmsSource* source = RealmsSource::of(m_document);
    if (!source || !source->realms())
        return;
    const heapscope::RealmFilter filter{heapscope::RealmFilter::Kind(choice.realm), choice.nativeContext};
    startFilterJob(
        [analysis = m_analysis, realms = source->realms(), filter](const heapscope::WorkContext& work) {
            return heapscope::aggregateRealm(*analysis, *realms, filter, work);
        });
}

void SummaryPage::startFilterJob(AggregateWork aggregate) {
    setBusy(true);
    m_totals->setText(tr("Computing…"));
    using Result = heapscope::Expected<std::shared_ptr<const heapscope::Aggregates>>;
    m_filterJob->start(
        [aggregate = std::move(aggregate), hook = m_filterWorkHook](JobContext& job) -> Result {
            if (hook)
                hook(job);
            auto aggregates = aggregate(job.work());
            if (!aggregates)
                return aggregates.error();
            return std::make_shared<const heapscope::Aggregates>(std::move(*aggregates));
        },
        [this](Result result) {
            setBusy(false);
            if (!result) {
                m_totals->setText(result.error().cancelled ? QString()
                                                           : tr("This filter could not be computed."));
                return;
            }
            m_model->setSummary(m_analysis, *result);
            // The entry being computed: the menu keeps it current while the job runs (a new choice
            // starts a new job, a rebuilt menu finds it again by its title).
            m_shownFilter = m_filterCombo->currentIndex();
            updateTotals();
        });
}

void SummaryPage::cancelFilter() {
    if (!m_filterJob->isRunning())
        return;
    m_filterJob->cancel();
    if (m_shownFilter < 0) {
        // The entry of the rows shown went while the filter ran: back to all objects.
        m_filterCombo->setCurrentIndex(0);
        applyFilter(0);
        return;
    }
    // Back to the entry of the rows the model still shows.
    m_filterCombo->setCurrentIndex(m_shownFilter);
    setBusy(false);
    updateTotals();
}

void SummaryPage::keyPressEvent(QKeyEvent* event) {
    // Escape (from the filter menu, the class filter, anywhere on the page) stops a filter.
    if (event->key() == Qt::Key_Escape && m_busy) {
        cancelFilter();
        event->accept();
        return;
    }
    QWidget::keyPressEvent(event);
}

void SummaryPage::updateTotals() {
    const heapscope::Aggregates* a = m_model->aggregates();
    if (!a) {
        m_totals->clear();
        return;
    }
    // Not the status bar's count: that one is every node of the snapshot.
    m_totals->setText(tr("Listed: %1 objects (%2)")
                          .arg(TextUtil::grouped(a->objectCount), TextUtil::bytesAdaptive(a->selfSize)));
    m_totals->setToolTip(
        tr("The objects the Summary lists: those the filter lets through that have a size of their own "
           "(shallow size above 0). The status bar counts every node of the snapshot, the roots and "
           "zero-size nodes included."));
}

bool SummaryPage::revealNode(heapscope::NodeOrdinal node) {
    QModelIndex idx = m_model->revealNode(node);
    if (!idx.isValid() && (m_filterCombo->currentIndex() != 0 || !m_model->classFilter().isEmpty())) {
        // Hidden by a filter: go back to everything, as DevTools does when revealing.
        m_classFilter->clear();
        m_model->setClassFilter({});
        m_filterCombo->setCurrentIndex(0);
        applyFilter(0);
        idx = m_model->revealNode(node);
    }
    if (!idx.isValid())
        return false;
    m_view->expand(idx.parent());
    m_view->setCurrentIndex(idx);
    m_view->scrollTo(idx, QAbstractItemView::PositionAtCenter);
    return true;
}

void SummaryPage::focusFind() {
    m_find->setFocus(Qt::ShortcutFocusReason);
    m_find->selectAll();
}

bool SummaryPage::findById(const QString& text) {
    std::uint32_t id = 0;
    if (!TextUtil::parseObjectId(text, id)) {
        Q_EMIT m_navigator->statusMessage(tr("Type an object id such as @1234."));
        return false;
    }
    const auto node = m_analysis->snapshot->nodeWithId(id);
    if (!node) {
        Q_EMIT m_navigator->statusMessage(tr("No object @%1 in %2.").arg(id).arg(m_document->displayName()));
        return false;
    }
    m_findNotice->hide();
    const QModelIndex idx = m_model->revealNode(*node);
    if (!idx.isValid()) {
        const bool filtered = m_filterCombo->currentIndex() != 0 || !m_model->classFilter().isEmpty();
        if (m_analysis->selfSize[*node] == 0 || !filtered) {
            Q_EMIT m_navigator->statusMessage(
                tr("Object @%1 is not listed in the Summary (it has no size).").arg(id));
            return false;
        }
        m_hiddenNode = *node;
        const QString what = m_model->classFilter().isEmpty()
                                 ? tr("the filter “%1”").arg(m_filterCombo->currentText())
                                 : tr("the class filter “%1”").arg(m_model->classFilter());
        m_findNoticeText->setText(
            tr("%1 @%2 is hidden by %3.")
                .arg(TextUtil::toQString(heapscope::format::nodeLabel(*m_analysis, *node)).left(120),
                     QString::number(id), what));
        m_findNotice->show();
        Q_EMIT m_navigator->statusMessage(tr("Object @%1 is hidden by the filter.").arg(id));
        return false;
    }
    m_view->expand(idx.parent());
    m_view->setCurrentIndex(idx);
    m_view->scrollTo(idx, QAbstractItemView::PositionAtCenter);
    m_view->setFocus();
    return true;
}
