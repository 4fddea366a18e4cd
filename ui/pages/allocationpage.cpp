// SPDX-License-Identifier: MIT
#include "allocationpage.h"

#include "jobs/backgroundjob.h"
#include "models/allocationmodel.h"
#include "models/summarymodel.h"
#include "textutil.h"
#include "widgets/viewsetup.h"

#include <heapscope/format.h>

#include <QHeaderView>
#include <QItemSelectionModel>
#include <QLabel>
#include <QSplitter>
#include <QTreeView>
#include <QVBoxLayout>

using namespace Qt::StringLiterals;

AllocationPage::AllocationPage(AllocationProfileSource* source, Navigator* navigator, QWidget* parent)
    : QWidget(parent), m_source(source), m_model(new AllocationModel(this)),
      m_objects(new SummaryModel(this)), m_objectsJob(new BackgroundJob(this)) {
    setObjectName(u"allocationPage"_s);
    m_status = new QLabel(tr("Building the allocation profile…"), this);
    m_status->setObjectName(u"allocationStatus"_s);
    m_status->setMargin(4);

    m_view = new QTreeView(this);
    m_view->setObjectName(u"allocationView"_s);
    m_view->setModel(m_model);
    m_view->setUniformRowHeights(true);
    m_view->setSortingEnabled(true);
    m_view->sortByColumn(AllocationModel::SizeColumn, Qt::DescendingOrder);
    m_view->setAlternatingRowColors(true);
    m_view->header()->setStretchLastSection(false);
    m_view->header()->setSectionResizeMode(AllocationModel::FunctionColumn, QHeaderView::Stretch);
    m_view->setColumnWidth(AllocationModel::LocationColumn, 220);
    for (int c = AllocationModel::LiveCountColumn; c < AllocationModel::ColumnCount; ++c)
        m_view->setColumnWidth(c, 80);

    m_objectsTitle = new QLabel(tr("Select a function to list the live objects it allocated."), this);
    m_objectsTitle->setObjectName(u"allocatedObjectsTitle"_s);
    m_objectsTitle->setMargin(4);
    m_objectsTitle->setWordWrap(true);
    m_objectsView = new QTreeView(this);
    m_objectsView->setObjectName(u"allocatedObjectsView"_s);
    ViewSetup::setupTreeView(m_objectsView, m_objects, navigator);
    m_objects->setSummary(m_source->analysis(), std::make_shared<const heapscope::Aggregates>());
    m_objectsView->sortByColumn(SummaryModel::RetainedColumn, Qt::DescendingOrder);

    auto* right = new QWidget(this);
    auto* rightLayout = new QVBoxLayout(right);
    rightLayout->setContentsMargins(0, 0, 0, 0);
    rightLayout->setSpacing(0);
    rightLayout->addWidget(m_objectsTitle);
    rightLayout->addWidget(m_objectsView, 1);

    auto* splitter = new QSplitter(Qt::Horizontal, this);
    splitter->addWidget(m_view);
    splitter->addWidget(right);
    splitter->setStretchFactor(0, 3);
    splitter->setStretchFactor(1, 2);

    auto* layout = new QVBoxLayout(this);
    layout->setContentsMargins(0, 0, 0, 0);
    layout->setSpacing(0);
    layout->addWidget(m_status);
    layout->addWidget(splitter, 1);

    connect(m_view->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) { showObjectsOf(current); });
    connect(m_objectsView->selectionModel(), &QItemSelectionModel::currentChanged, this,
            [this](const QModelIndex& current) {
                const ObjectRef object = m_objects->objectAt(current);
                if (object.isValid())
                    Q_EMIT objectSelected(object);
            });
    if (m_source->isReady())
        profileReady();
    else
        connect(m_source, &AllocationProfileSource::ready, this, &AllocationPage::profileReady);
}

void AllocationPage::profileReady() {
    const auto profile = m_source->profile();
    if (!profile) {
        m_status->setText(m_source->error());
        return;
    }
    m_model->setProfile(profile);
    std::uint64_t count = 0, size = 0, live = 0, liveSize = 0;
    for (const auto& t : profile->tops) {
        count += t.count;
        size += t.size;
        live += t.liveCount;
        liveSize += t.liveSize;
    }
    const auto& s = *profile->snapshot;
    QString text = (profile->tops.size() == 1
                        ? tr("1 function allocated")
                        : tr("%1 functions allocated")
                              .arg(TextUtil::toQString(heapscope::format::grouped(profile->tops.size())))) +
                   u' ' +
                   tr("%1 objects (%2) while allocations were tracked; %3 of them (%4) are live in this "
                      "snapshot. Expand a function for its callers.")
                       .arg(TextUtil::toQString(heapscope::format::grouped(count)),
                            TextUtil::toQString(heapscope::format::bytesAdaptive(size)),
                            TextUtil::toQString(heapscope::format::grouped(live)),
                            TextUtil::toQString(heapscope::format::bytesAdaptive(liveSize)));
    if (s.format.headerTraceFunctionCount < s.traceFunctionInfos.size())
        text += u' ' + tr("(The file's header undercounts its functions, %1 of %2; all were read.)")
                           .arg(s.format.headerTraceFunctionCount)
                           .arg(s.traceFunctionInfos.size());
    m_status->setText(text);
}

void AllocationPage::showObjectsOf(const QModelIndex& functionRow) {
    const auto profile = m_model->profile();
    const heapscope::AnalysisPtr analysis = m_source->analysis();
    const std::uint32_t node = m_model->nodeAt(functionRow);
    m_objectsJob->cancel();
    if (!profile || node == AllocationModel::kNoCallNode) {
        m_objects->setSummary(analysis, std::make_shared<const heapscope::Aggregates>());
        m_objectsTitle->setText(tr("Select a function to list the live objects it allocated."));
        return;
    }
    const QString function =
        m_model->index(functionRow.row(), AllocationModel::FunctionColumn, functionRow.parent())
            .data()
            .toString();
    m_objectsTitle->setText(tr("Finding the objects %1 allocated…").arg(function.toHtmlEscaped()));
    using Result = heapscope::Expected<std::shared_ptr<const heapscope::Aggregates>>;
    m_objectsJob->start(
        [analysis, profile, node](JobContext& job) -> Result {
            auto rows = heapscope::aggregateAllocatedBy(*analysis, *profile, node, job.work());
            if (!rows)
                return rows.error();
            return std::make_shared<const heapscope::Aggregates>(std::move(*rows));
        },
        [this, analysis, function](Result result) {
            if (!result) {
                m_objectsTitle->setText(TextUtil::toQString(result.error().message()));
                return;
            }
            const heapscope::Aggregates& rows = **result;
            m_objectsTitle->setText(
                rows.objectCount == 0
                    ? tr("No live object allocated by <b>%1</b> along this call path.")
                          .arg(function.toHtmlEscaped())
                    : tr("<b>%1</b> live objects (%2) allocated by <b>%3</b> along this call path, by "
                         "constructor")
                          .arg(TextUtil::toQString(heapscope::format::grouped(rows.objectCount)),
                               TextUtil::toQString(heapscope::format::bytesAdaptive(rows.selfSize)),
                               function.toHtmlEscaped()));
            m_objects->setSummary(analysis, *result);
        });
}
