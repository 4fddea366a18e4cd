// SPDX-License-Identifier: MIT
#include "comparisonpage.h"

#include "jobs/backgroundjob.h"
#include "models/comparisonmodel.h"
#include "navigator.h"
#include "realmssource.h"
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
    m_realm = new QComboBox(this);
    m_realm->setObjectName(u"comparisonRealm"_s);
    m_realm->setSizeAdjustPolicy(QComboBox::AdjustToContents);
    m_realm->setToolTip(
        tr("Compare only the objects of one realm (a page, an iframe, a worker) in both snapshots"));
    m_realmJob = new BackgroundJob(this);

    auto* bar = new QHBoxLayout;
    bar->setContentsMargins(4, 4, 4, 4);
    bar->addWidget(m_filter, 2);
    bar->addWidget(new QLabel(tr("Base:"), this));
    bar->addWidget(m_base, 2);
    bar->addWidget(m_realm, 2);
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
    // Said where it is seen: new and deleted objects mean nothing when ids do not carry over.
    m_processBanner = ViewSetup::createBanner(this, u"processBanner"_s);
    m_processBanner->setText(
        tr("⚠ These snapshots do not share object ids: they come from different processes (separate runs, a "
           "restart) or from a runtime that numbers its objects anew in every snapshot (Bun). The new and "
           "deleted objects below are not meaningful; the changes of count and size per class still hold. To "
           "follow leaks across such snapshots, open them together and use View › Trend, which matches "
           "objects by class and holder path."));
    layout->addWidget(m_processBanner);
    layout->addWidget(m_view);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                const ObjectRef object = m_model->objectAt(current);
                if (object.isValid())
                    Q_EMIT objectSelected(object);
                else if (const heapscope::ClassDiff* diff = m_model->classDiffAt(current))
                    Q_EMIT classSelected(m_model->comparison(),
                                         int(diff - m_model->comparison()->classes.data()));
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
    connect(m_realm, &QComboBox::activated, this, [this] { applyRealm(); });
    rebuildRealmMenu();
    if (RealmsSource* realms = RealmsSource::of(document); realms && !realms->isReady())
        connect(realms, &RealmsSource::ready, this, &ComparisonPage::rebuildRealmMenu);
    rebuildBaseMenu();
}

void ComparisonPage::rebuildRealmMenu() {
    const QVariant previous = m_realm->currentData();
    m_realm->clear();
    m_realm->addItem(tr("All realms"), QVariant());
    RealmsSource* source = RealmsSource::of(m_document);
    if (!source || !source->realms()) {
        m_realm->setVisible(false);
        return;
    }
    const heapscope::Realms& realms = *source->realms();
    // A realm is named by its native context's object id, which the base snapshot shares.
    for (const heapscope::NativeContextSize* c : realms.bySize())
        m_realm->addItem(TextUtil::toQString(heapscope::realmFilterTitle(
                             realms, {heapscope::RealmFilter::Kind::NativeContext, c->node})),
                         QVariantList{int(heapscope::RealmFilter::Kind::NativeContext), c->nodeId});
    for (const auto kind : {heapscope::RealmFilter::Kind::Shared, heapscope::RealmFilter::Kind::Unattributed})
        m_realm->addItem(TextUtil::toQString(heapscope::realmFilterTitle(realms, {kind, heapscope::kNoNode})),
                         QVariantList{int(kind), 0u});
    m_realm->setVisible(true);
    const int idx = previous.isValid() ? m_realm->findData(previous) : 0;
    m_realm->setCurrentIndex(idx > 0 ? idx : 0);
}

void ComparisonPage::applyRealm() {
    if (!m_full)
        return;
    const QVariantList choice = m_realm->currentData().toList();
    if (choice.size() != 2) {
        m_realmJob->cancel();
        m_model->setComparison(m_full);
        return;
    }
    RealmsSource* baseRealms = RealmsSource::of(base());
    RealmsSource* currentRealms = RealmsSource::of(m_document);
    if (!baseRealms || !currentRealms)
        return;
    for (RealmsSource* source : {baseRealms, currentRealms})
        if (!source->isReady()) {
            m_status->setText(tr("Finding the realms…"));
            connect(source, &RealmsSource::ready, this, &ComparisonPage::applyRealm, Qt::UniqueConnection);
            return;
        }
    if (!baseRealms->realms() || !currentRealms->realms()) {
        m_status->setText(tr("The realms of these snapshots could not be computed."));
        return;
    }
    const auto kind = heapscope::RealmFilter::Kind(choice[0].toInt());
    const std::uint32_t nativeContextId = choice[1].toUInt();
    const QString realm = m_realm->currentText();
    m_status->setText(tr("Comparing %1…").arg(realm));
    using Result = heapscope::Expected<heapscope::ComparisonPtr>;
    m_realmJob->start(
        [full = m_full, b = baseRealms->realms(), c = currentRealms->realms(), kind,
         nativeContextId](JobContext& job) -> Result {
            return heapscope::compareInRealm(*full, *b, *c, kind, nativeContextId, job.work());
        },
        [this, realm](Result result) {
            if (!result) {
                if (!result.error().cancelled)
                    m_status->setText(tr("This realm could not be compared: %1")
                                          .arg(QString::fromStdString(result.error().reason)));
                return;
            }
            m_model->setComparison(*result);
            const heapscope::ComparisonTotals& t = (*result)->totals;
            m_status->setText(
                tr("%1: %2 new, %3 deleted, size %4")
                    .arg(realm, TextUtil::grouped(t.newCount), TextUtil::grouped(t.deletedCount),
                         QString::fromStdString(heapscope::format::signedBytes(t.sizeDelta()))));
        });
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
    if (comparison == m_full && m_model->comparison() && m_realm->currentIndex() > 0)
        return; // shown restricted to a realm
    m_full = comparison;
    m_model->setComparison(comparison);
    const heapscope::ComparisonTotals& t = comparison->totals;
    QString text = tr("%1 new, %2 deleted (%3), size %4")
                       .arg(TextUtil::grouped(t.newCount), TextUtil::grouped(t.deletedCount),
                            QString::fromStdString(heapscope::format::signedCount(t.countDelta())),
                            QString::fromStdString(heapscope::format::signedBytes(t.sizeDelta())));
    m_status->setText(text);
    m_processBanner->setVisible(!comparison->idsShared);
    Q_EMIT comparisonShown();
    if (m_realm->currentIndex() > 0)
        applyRealm(); // the realm chosen before applies to the new base too
}
