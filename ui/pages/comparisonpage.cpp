// SPDX-License-Identifier: MIT
#include "comparisonpage.h"

#include "models/comparisonmodel.h"
#include "navigator.h"
#include "snapshotsession.h"
#include "textutil.h"
#include "widgets/deltabardelegate.h"
#include "widgets/viewsetup.h"

#include <heapscope/format.h>

#include <QCheckBox>
#include <QComboBox>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QLineEdit>
#include <QMenu>
#include <QPointer>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

ComparisonPage::ComparisonPage(SnapshotSession* session, SnapshotDocument* document, Navigator* navigator,
                               QWidget* parent)
    : QWidget(parent), m_session(session), m_document(document), m_model(new ComparisonModel(this)) {
    setObjectName(u"comparisonPage"_s);
    m_base = new QComboBox(this);
    m_base->setObjectName(u"comparisonBase"_s);
    m_base->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_magnitude = new QCheckBox(tr("Order deltas by magnitude"), this);
    m_magnitude->setObjectName(u"orderByMagnitude"_s);
    m_filter = ViewSetup::createFilterEdit(this, tr("Class filter"),
                                           [this](const QString& text) { m_model->setClassFilter(text); });
    m_filter->setObjectName(u"comparisonClassFilter"_s);
    m_status = new QLabel(this);
    m_status->setObjectName(u"comparisonStatus"_s);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(4, 4, 4, 4);
    bar->addWidget(m_filter, 2);
    bar->addWidget(new QLabel(tr("Base:"), this));
    bar->addWidget(m_base, 2);
    bar->addWidget(m_magnitude);
    bar->addWidget(m_status, 3);

    m_view = new QTreeView(this);
    m_view->setObjectName(u"comparisonView"_s);
    ViewSetup::setupTreeView(
        m_view, m_model, navigator, [this, navigator](QMenu* menu, const QModelIndex& index) {
            const heapscope::ClassDiff* diff = m_model->classDiffAt(index);
            const heapscope::ComparisonPtr comparison = m_model->comparison();
            if (!diff || !comparison || !navigator)
                return;
            const QString what =
                tr("the %1 new %2 objects")
                    .arg(TextUtil::grouped(diff->newNodes.size()), TextUtil::toQString(diff->name));
            menu->addSeparator();
            menu->addAction(tr("Export Retainer Paths of the New Objects…"), this,
                            [navigator, comparison, row = diff - comparison->classes.data(), what] {
                                Q_EMIT navigator->exportRetainerPaths(
                                    comparison->current, comparison->classes[std::size_t(row)].newNodes,
                                    what);
                            })
                ->setEnabled(!diff->newNodes.empty());
        });
    auto* bars = new DeltaBarDelegate(m_view);
    for (int c : {int(ComparisonModel::DeltaColumn), int(ComparisonModel::SizeDeltaColumn),
                  int(ComparisonModel::RetainedDeltaColumn)})
        m_view->setItemDelegateForColumn(c, bars);

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
    connect(m_magnitude, &QCheckBox::toggled, m_model, &ComparisonModel::setOrderByMagnitude);
    connect(m_base, &QComboBox::activated, this, [this] { request(); });
    connect(session, &SnapshotSession::documentChanged, this, [this](SnapshotDocument* doc) {
        if (doc != m_document && doc->isReady())
            rebuildBaseMenu();
    });
    connect(session, &SnapshotSession::documentRemoved, this, &ComparisonPage::rebuildBaseMenu);
    connect(session, &SnapshotSession::comparisonReady, this,
            [this](SnapshotDocument* base, SnapshotDocument* current,
                   const heapscope::ComparisonPtr& comparison) {
                if (current == m_document && base == this->base())
                    show(comparison);
            });
    connect(session, &SnapshotSession::comparisonFailed, this,
            [this](SnapshotDocument* base, SnapshotDocument* current, const QString& message) {
                if (current == m_document && base == this->base())
                    m_status->setText(message);
            });
    connect(session, &SnapshotSession::comparisonCanceled, this,
            [this](SnapshotDocument* base, SnapshotDocument* current) {
                if (current == m_document && base == this->base())
                    m_status->setText(tr("The comparison with %1 was canceled.").arg(base->displayName()));
            });
    rebuildBaseMenu();
}

SnapshotDocument* ComparisonPage::base() const {
    return qobject_cast<SnapshotDocument*>(m_base->currentData().value<QObject*>());
}

bool ComparisonPage::isAvailable() const {
    return m_base->count() > 0;
}

void ComparisonPage::setBase(SnapshotDocument* base) {
    const int idx = m_base->findData(QVariant::fromValue<QObject*>(base));
    if (idx < 0)
        return;
    m_base->setCurrentIndex(idx);
    request();
}

void ComparisonPage::rebuildBaseMenu() {
    SnapshotDocument* previous = base();
    const bool wasAvailable = isAvailable();
    m_base->clear();
    for (SnapshotDocument* doc : m_session->comparableWith(m_document))
        m_base->addItem(doc->displayName(), QVariant::fromValue<QObject*>(doc));
    int idx = m_base->findData(QVariant::fromValue<QObject*>(previous));
    if (idx < 0)
        idx = m_base->findData(QVariant::fromValue<QObject*>(m_session->defaultBase(m_document)));
    if (idx >= 0)
        m_base->setCurrentIndex(idx);
    setEnabled(isAvailable());
    if (!isAvailable()) {
        m_model->setComparison(nullptr);
        m_status->setText(tr("Open another snapshot of the same program to compare with."));
    } else if (base() != previous || !m_model->comparison()) {
        request();
    }
    if (wasAvailable != isAvailable())
        Q_EMIT availabilityChanged(isAvailable());
}

void ComparisonPage::request() {
    SnapshotDocument* b = base();
    if (!b || m_document->isTimeline())
        return;
    if (auto cached = m_session->comparison(b, m_document)) {
        show(cached);
        return;
    }
    m_status->setText(tr("Comparing with %1…").arg(b->displayName()));
    m_session->requestComparison(b, m_document);
}

void ComparisonPage::show(const heapscope::ComparisonPtr& comparison) {
    if (comparison == m_model->comparison())
        return;
    m_model->setComparison(comparison);
    const heapscope::ComparisonTotals& t = comparison->totals;
    QString text = tr("%1 new, %2 deleted (%3), size %4")
                       .arg(TextUtil::grouped(t.newCount), TextUtil::grouped(t.deletedCount),
                            QString::fromStdString(heapscope::format::signedCount(t.countDelta())),
                            QString::fromStdString(heapscope::format::signedBytes(t.sizeDelta())));
    if (!comparison->idsShared)
        text += u"  "_s + tr("⚠ These snapshots do not seem to come from the same process.");
    m_status->setText(text);
    Q_EMIT comparisonShown();
}
