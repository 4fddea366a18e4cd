// SPDX-License-Identifier: MIT
#include "summarypage.h"

#include "models/summarymodel.h"
#include "navigator.h"
#include "snapshotsession.h"
#include "textutil.h"
#include "widgets/viewsetup.h"

#include <QComboBox>
#include <QFutureWatcher>
#include <QHBoxLayout>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QTreeView>
#include <QVBoxLayout>
#include <QtConcurrent/QtConcurrentRun>

using namespace Qt::StringLiterals;

namespace {
// What a filter-menu entry selects, stored in the combo's item data.
struct FilterChoice {
    int named = -1; // heapscope::NamedFilter, or -1
    quint32 minId = 0, maxId = 0;
    bool range = false;
};
} // namespace
Q_DECLARE_METATYPE(FilterChoice)

SummaryPage::SummaryPage(SnapshotSession* session, SnapshotDocument* document, Navigator* navigator,
                         QWidget* parent)
    : QWidget(parent), m_session(session), m_document(document), m_navigator(navigator),
      m_analysis(document->analysis()), m_model(new SummaryModel(this)) {
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

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(4, 4, 4, 4);
    bar->addWidget(m_classFilter, 2);
    bar->addWidget(m_filterCombo, 3);
    bar->addWidget(m_totals);
    bar->addStretch(1);
    bar->addWidget(m_find);

    m_view = new QTreeView(this);
    m_view->setObjectName(u"summaryView"_s);
    m_model->setSummary(m_analysis);
    ViewSetup::setupTreeView(m_view, m_model, navigator);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addLayout(bar);
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
    rebuildFilterMenu();
    updateTotals();
}

void SummaryPage::rebuildFilterMenu() {
    const QVariant current = m_filterCombo->currentData();
    const QString currentText = m_filterCombo->currentText();
    m_filterCombo->clear();
    m_filterCombo->addItem(tr("All objects"), QVariant::fromValue(FilterChoice{}));
    // DevTools: one entry per heap snapshot in the list, ranges of object ids between them.
    QList<SnapshotDocument*> snapshots;
    for (SnapshotDocument* doc : m_session->documents())
        if (doc->isReady() && !doc->isTimeline())
            snapshots.append(doc);
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
    const int idx = currentText.isEmpty() ? -1 : m_filterCombo->findText(currentText);
    m_filterCombo->setCurrentIndex(idx > 0 ? idx : 0);
    Q_UNUSED(current);
}

void SummaryPage::setBusy(bool busy) {
    if (busy == m_busy)
        return;
    m_busy = busy;
    m_view->setEnabled(!busy);
    Q_EMIT busyChanged(busy);
}

void SummaryPage::applyFilter(int comboIndex) {
    const auto choice = m_filterCombo->itemData(comboIndex).value<FilterChoice>();
    const quint64 generation = ++m_filterGeneration;
    if (choice.named < 0 && !choice.range) {
        m_model->setSummary(m_analysis);
        setBusy(false);
        updateTotals();
        return;
    }
    heapscope::NodeFilter filter;
    if (choice.named >= 0)
        filter.named = heapscope::NamedFilter(choice.named);
    if (choice.range)
        filter.idRange = std::make_pair(std::uint32_t(choice.minId), std::uint32_t(choice.maxId));
    setBusy(true);
    m_totals->setText(tr("Computing…"));
    const heapscope::AnalysisPtr analysis = m_analysis;
    using Result = std::shared_ptr<const heapscope::Aggregates>;
    auto* watcher = new QFutureWatcher<Result>(this);
    connect(watcher, &QFutureWatcherBase::finished, this, [this, watcher, generation] {
        watcher->deleteLater();
        if (generation != m_filterGeneration)
            return; // the user picked another filter meanwhile
        setBusy(false);
        const Result result = watcher->result();
        if (!result) {
            m_totals->setText(tr("This filter could not be computed."));
            return;
        }
        m_model->setSummary(m_analysis, result);
        updateTotals();
    });
    watcher->setFuture(QtConcurrent::run([analysis, filter]() -> Result {
        auto aggregates = analysis->aggregate(filter);
        if (!aggregates)
            return nullptr;
        return std::make_shared<const heapscope::Aggregates>(std::move(*aggregates));
    }));
}

void SummaryPage::updateTotals() {
    const heapscope::Aggregates* a = m_model->aggregates();
    if (!a) {
        m_totals->clear();
        return;
    }
    m_totals->setText(
        tr("%1 objects (%2)").arg(TextUtil::grouped(a->objectCount), TextUtil::bytesAdaptive(a->selfSize)));
}

bool SummaryPage::revealNode(std::uint32_t node) {
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
    const auto node = m_analysis->snapshot->findNodeById(id);
    if (!node) {
        Q_EMIT m_navigator->statusMessage(tr("No object @%1 in %2.").arg(id).arg(m_document->displayName()));
        return false;
    }
    if (!revealNode(*node)) {
        Q_EMIT m_navigator->statusMessage(
            tr("Object @%1 is not listed in the Summary (it has no size).").arg(id));
        return false;
    }
    m_view->setFocus();
    return true;
}
