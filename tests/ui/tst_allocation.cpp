// SPDX-License-Identifier: MIT
// The Allocation perspective: its model under QAbstractItemModelTester (Fatal) against the core's
// profile, the live objects of a row, the Allocation stack pane, and the tab in the window.
#include "testutil.h"

#include "jobs/backgroundjob.h"
#include "mainwindow.h"
#include "models/allocationmodel.h"
#include "models/modelroles.h"
#include "models/summarymodel.h"
#include "pages/allocationpage.h"
#include "pages/allocationstackpane.h"
#include "pages/retainerspane.h"
#include "pages/summarypage.h"
#include "snapshotview.h"
#include "tableexport.h"
#include "widgets/timelinewidget.h"

#ifndef Q_MOC_RUN
#include <heapscope/allocation.h>
#endif

#include <QAbstractItemModelTester>
#include <QComboBox>
#include <QLabel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>
#include <QTreeView>
#include <QTreeWidget>

#include <functional>
#include <set>

using Tester = QAbstractItemModelTester;

namespace {

heapscope::AllocationProfilePtr profileOf(const heapscope::AnalysisPtr& analysis) {
    auto p = heapscope::buildAllocationProfile(*analysis);
    return p ? *p : nullptr;
}

quint64 cell(const QModelIndex& i, int column) {
    return i.siblingAtColumn(column).data(ModelRoles::SortRole).toULongLong();
}

} // namespace

class TestAllocation : public QObject {
    Q_OBJECT
    std::unique_ptr<MainWindow> m_window;

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("HeapscopeTests"));
    }
    void cleanup() { m_window.reset(); }

    // Every row of the tree against the profile: the tops in DevTools' order (size descending), and
    // under each row exactly the callers of its bottom-up node, with their numbers.
    void modelMatchesProfile() {
        const auto analysis = TestUtil::analysisOf("alloc-timeline-node20.heaptimeline.gz");
        QVERIFY(analysis);
        const auto profile = profileOf(analysis);
        QVERIFY(profile);
        AllocationModel model;
        new Tester(&model, Tester::FailureReportingMode::Fatal, &model);
        model.setProfile(profile);
        QCOMPARE(model.rowCount(), int(profile->tops.size()));
        for (int r = 0; r < model.rowCount(); ++r) {
            const QModelIndex i = model.index(r, 0);
            const auto& top = profile->tops[std::size_t(r)];
            QCOMPARE(model.nodeAt(i), top.node);
            QCOMPARE(cell(i, AllocationModel::SizeColumn), top.size);
            QCOMPARE(cell(i, AllocationModel::CountColumn), top.count);
            QCOMPARE(cell(i, AllocationModel::LiveCountColumn), top.liveCount);
            QCOMPARE(cell(i, AllocationModel::LiveSizeColumn), top.liveSize);
            QCOMPARE(i.data().toString().isEmpty(), false);
        }
        // The whole tree, depth first: children are the node's callers, parent() leads back.
        std::size_t rows = 0;
        std::function<void(const QModelIndex&)> walk = [&](const QModelIndex& parent) {
            const std::uint32_t n = model.nodeAt(parent);
            const int count = model.rowCount(parent);
            QCOMPARE(std::uint32_t(count), profile->buFirstCaller[n + 1] - profile->buFirstCaller[n]);
            QCOMPARE(model.hasChildren(parent), count > 0);
            std::set<std::uint32_t> expected(profile->buCallers.begin() + profile->buFirstCaller[n],
                                             profile->buCallers.begin() + profile->buFirstCaller[n + 1]);
            quint64 previous = UINT64_MAX;
            for (int r = 0; r < count; ++r) {
                const QModelIndex child = model.index(r, 0, parent);
                QCOMPARE(child.parent(), parent);
                const std::uint32_t c = model.nodeAt(child);
                QVERIFY(expected.erase(c) == 1);
                QCOMPARE(cell(child, AllocationModel::CountColumn), profile->buCount[c]);
                QCOMPARE(cell(child, AllocationModel::LiveSizeColumn), profile->buLiveSize[c]);
                QVERIFY(cell(child, AllocationModel::SizeColumn) <= previous);
                previous = cell(child, AllocationModel::SizeColumn);
                ++rows;
                walk(child);
            }
        };
        for (int r = 0; r < model.rowCount(); ++r)
            walk(model.index(r, 0));
        QCOMPARE(rows + profile->tops.size(), profile->buFunction.size());

        // DevTools' callers of the biggest top: the chain of single callers, then the branching ones.
        const auto callers = profile->callers(profile->tops[0].node);
        QModelIndex at = model.index(0, 0);
        for (const auto& nested : callers.nestedCallers) {
            QCOMPARE(model.rowCount(at), 1);
            at = model.index(0, 0, at);
            QCOMPARE(model.nodeAt(at), nested.node);
        }
        QCOMPARE(model.rowCount(at), int(callers.branchingCallers.size()));
    }

    // Sorting keeps expanded rows (persistent indexes) on their nodes.
    void sortingKeepsRows() {
        const auto analysis = TestUtil::analysisOf("alloc-timeline-node20.heaptimeline.gz");
        const auto profile = profileOf(analysis);
        QVERIFY(profile);
        AllocationModel model;
        new Tester(&model, Tester::FailureReportingMode::Fatal, &model);
        model.setProfile(profile);
        QModelIndex deep = model.index(0, 0);
        while (model.rowCount(deep) > 0)
            deep = model.index(model.rowCount(deep) - 1, 0, deep);
        const std::uint32_t node = model.nodeAt(deep);
        const QPersistentModelIndex kept(deep);
        for (int column = 0; column < AllocationModel::ColumnCount; ++column)
            for (auto order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                model.sort(column, order);
                QCOMPARE(model.nodeAt(kept), node);
                if (column < AllocationModel::LiveCountColumn)
                    continue;
                for (int r = 1; r < model.rowCount(); ++r) {
                    const quint64 a = cell(model.index(r - 1, 0), column),
                                  b = cell(model.index(r, 0), column);
                    QVERIFY(order == Qt::AscendingOrder ? a <= b : a >= b);
                }
            }
    }

    // The live objects of a top: those whose trace node id is one of the top's trace ids.
    void allocatedObjects() {
        const auto analysis = TestUtil::analysisOf("alloc-timeline-node20.heaptimeline.gz");
        const auto profile = profileOf(analysis);
        QVERIFY(profile);
        std::size_t checked = 0;
        for (const auto& top : profile->tops) {
            const auto nodes = profile->objectsOf(top.node);
            QCOMPARE(nodes.size(), std::size_t(top.liveCount));
            const auto ids = profile->traceIds(top.node);
            const std::set<std::uint32_t> idSet(ids.begin(), ids.end());
            std::size_t expected = 0;
            for (const heapscope::NodeOrdinal n : analysis->snapshot->nodes())
                expected += idSet.count(analysis->snapshot->traceNodeId(n));
            QCOMPARE(nodes.size(), expected);
            checked += nodes.size();
        }
        QVERIFY(checked > 0);
    }

    // In the window: the Allocation tab, its rows, the objects of a row, and the stack of an object
    // in the tab beside Retainers.
    void perspectiveAndStackPane() {
        m_window = std::make_unique<MainWindow>();
        m_window->resize(1200, 800);
        m_window->show();
        m_window->openFiles({TestUtil::dataPath("alloc-timeline-node20.heaptimeline.gz")});
        QVERIFY(QTest::qWaitFor([this] { return m_window->currentView() != nullptr; }, 60000));
        SnapshotView* view = m_window->currentView();
        view->showPerspective(SnapshotView::AllocationPerspective);
        QCOMPARE(view->perspective(), SnapshotView::AllocationPerspective);
        AllocationPage* page = view->allocationPage();
        QVERIFY(page);
        QTRY_VERIFY_WITH_TIMEOUT(page->model()->rowCount() > 0, 30000);
        const auto profile = page->model()->profile();
        // Select the top with the most live objects.
        int best = 0;
        for (int r = 0; r < page->model()->rowCount(); ++r)
            if (cell(page->model()->index(r, 0), AllocationModel::LiveCountColumn) >
                cell(page->model()->index(best, 0), AllocationModel::LiveCountColumn))
                best = r;
        const QModelIndex row = page->model()->index(best, 0);
        page->view()->setCurrentIndex(row);
        const quint64 live = cell(row, AllocationModel::LiveCountColumn);
        QVERIFY(live > 0);
        // The objects by constructor: DevTools' Summary with the allocation-node filter.
        QTRY_VERIFY_WITH_TIMEOUT(!page->objectsJob()->isRunning() && page->objectsModel()->aggregates() &&
                                     page->objectsModel()->aggregates()->objectCount > 0,
                                 30000);
        const auto expected = heapscope::aggregateAllocatedBy(*page->objectsModel()->analysis(), *profile,
                                                              page->model()->nodeAt(row));
        QVERIFY(expected);
        QCOMPARE(page->objectsModel()->aggregates()->objectCount, expected->objectCount);
        QCOMPARE(page->objectsModel()->aggregates()->selfSize, expected->selfSize);
        QVERIFY(expected->objectCount <= live); // the Summary leaves out objects of size 0
        const QModelIndex cls = page->objectsModel()->index(0, 0);
        page->objectsView()->expand(cls);
        QTRY_VERIFY_WITH_TIMEOUT(
            page->objectsModel()->rowCount(cls) > 0 &&
                page->objectsModel()->objectAt(page->objectsModel()->index(0, 0, cls)).isValid(),
            30000);
        const QModelIndex first = page->objectsModel()->index(0, 0, cls);
        page->objectsView()->setCurrentIndex(first);
        const ObjectRef object = page->objectsModel()->objectAt(first);
        QVERIFY(object.isValid());
        QCOMPARE(view->retainersPane()->object(), object);
        AllocationStackPane* stack = view->allocationStackPane();
        QVERIFY(stack);
        QCOMPARE(stack->object(), object);
        const auto frames = profile->allocationStack(object.node);
        QVERIFY(frames && !frames->empty());
        QCOMPARE(stack->view()->topLevelItemCount(), int(frames->size()));
        // The first frame is the function of the selected row.
        QCOMPARE(stack->view()->topLevelItem(0)->text(0), row.data().toString());
        const QStringList stackLines = stack->stackText().split(u'\n');
        QCOMPARE(stackLines.size(), int(frames->size()));
        QVERIFY(stackLines[0].startsWith(row.data().toString()));

        // File > Export Table on the functions: exact numbers, the view's order.
        QCOMPARE(view->currentTable(), page->view());
        const QString csv =
            QString::fromUtf8(TableExport::exportView(page->view(), TableExport::Format::Csv));
        const QStringList lines = csv.split(u'\n', Qt::SkipEmptyParts);
        QCOMPARE(lines.size(), page->model()->rowCount() + 1);
        QVERIFY2(lines[0].contains(QStringLiteral("Live Count")), qPrintable(lines[0]));
        const auto& biggest = profile->tops[0];
        QVERIFY2(lines[1].contains(QStringLiteral(",%1,%2").arg(biggest.liveSize).arg(biggest.size)),
                 qPrintable(lines[1]));
    }

    // The timeline above the Summary: a selection becomes DevTools' object id range, and the Summary
    // shows exactly the aggregates of that range; a drag selects, a double-click shows all again.
    void timelineSelectsSummary() {
        m_window = std::make_unique<MainWindow>();
        m_window->resize(1200, 800);
        m_window->show();
        m_window->openFiles({TestUtil::dataPath("alloc-timeline-node20.heaptimeline.gz")});
        QVERIFY(QTest::qWaitFor([this] { return m_window->currentView() != nullptr; }, 60000));
        SummaryPage* summary = m_window->currentView()->summaryPage();
        TimelineWidget* timeline = summary->timeline();
        QVERIFY(timeline);
        QTRY_VERIFY_WITH_TIMEOUT(timeline->samples() != nullptr, 30000);
        const auto& samples = *timeline->samples();
        QVERIFY(samples.timestampsMs.size() > 30);
        const double t0 = samples.timestampsMs.front();
        // Samples 10 to 20: DevTools' lower and upper bounds on the window's times.
        timeline->selectInterval(samples.timestampsMs[10] - t0 - 0.5, samples.timestampsMs[20] - t0 + 0.5);
        const auto sel = timeline->selection();
        QCOMPARE(sel.minIndex, std::size_t(10));
        QCOMPARE(sel.maxIndex, std::size_t(21));
        QCOMPARE(sel.minId, samples.lastAssignedIds[9]);
        QCOMPARE(sel.maxId, samples.lastAssignedIds[21]);
        QCOMPARE(summary->filterCombo()->currentIndex(), summary->filterCombo()->count() - 1);
        QTRY_VERIFY_WITH_TIMEOUT(!summary->isBusy(), 30000);
        const auto analysis = m_window->currentView()->summaryPage()->model()->aggregates();
        QVERIFY(analysis);
        heapscope::NodeFilter filter;
        filter.idRange = std::make_pair(sel.minId, sel.maxId);
        const auto expected =
            TestUtil::analysisOf("alloc-timeline-node20.heaptimeline.gz")->aggregate(filter);
        QVERIFY(expected);
        QCOMPARE(analysis->objectCount, expected->objectCount);
        QCOMPARE(analysis->selfSize, expected->selfSize);
        QVERIFY(expected->objectCount > 0);

        // A window past the last sample has no upper bound.
        timeline->selectInterval(samples.timestampsMs[30] - t0, samples.totalTimeMs());
        QCOMPARE(timeline->selection().maxId, heapscope::kNoIdLimit);
        QTRY_VERIFY_WITH_TIMEOUT(!summary->isBusy(), 30000);

        // With the mouse: a drag selects, a double-click clears and shows all objects again.
        const QRect r = timeline->rect();
        const int y = r.height() / 2;
        QTest::mousePress(timeline, Qt::LeftButton, {}, QPoint(r.width() / 5, y));
        QTest::mouseMove(timeline, QPoint(r.width() / 2, y));
        QTest::mouseRelease(timeline, Qt::LeftButton, {}, QPoint(r.width() / 2, y));
        QVERIFY(timeline->hasSelection());
        QVERIFY(timeline->selection().maxIndex > timeline->selection().minIndex);
        QTRY_VERIFY_WITH_TIMEOUT(!summary->isBusy(), 30000);
        QTest::mouseDClick(timeline, Qt::LeftButton, {}, QPoint(r.width() / 3, y));
        QVERIFY(!timeline->hasSelection());
        QCOMPARE(summary->filterCombo()->currentIndex(), 0);
        QTRY_VERIFY_WITH_TIMEOUT(!summary->isBusy(), 30000);
        QCOMPARE(summary->model()->aggregates()->objectCount,
                 TestUtil::analysisOf("alloc-timeline-node20.heaptimeline.gz")->allObjects.objectCount);
    }

    // Thousands of samples: the widget aggregates per pixel column and paints quickly.
    void timelineWithManySamples() {
        auto samples = std::make_shared<heapscope::TimelineSamples>();
        for (std::uint32_t i = 0; i < 20000; ++i) {
            samples->timestampsMs.push_back(i * 50.0);
            samples->lastAssignedIds.push_back(1 + 2 * 100 * (i + 1));
            samples->sizes.push_back((i * 7919) % 100000);
            samples->liveCounts.push_back(i % 100);
        }
        TimelineWidget widget(nullptr);
        widget.resize(1000, 110);
        widget.setSamples(samples);
        QImage image(widget.size(), QImage::Format_ARGB32);
        widget.render(&image);
        widget.selectInterval(1000, 500000);
        QCOMPARE(widget.selection().minIndex, std::size_t(20));
        QCOMPARE(widget.selection().maxIndex, std::size_t(10001));
        widget.render(&image);
    }

    // A snapshot without traces has no Allocation tab and no stack pane.
    void noTracesNoPerspective() {
        m_window = std::make_unique<MainWindow>();
        m_window->show();
        m_window->openFiles({TestUtil::dataPath("tiny-node20.heapsnapshot.gz")});
        QVERIFY(QTest::qWaitFor([this] { return m_window->currentView() != nullptr; }, 60000));
        SnapshotView* view = m_window->currentView();
        QVERIFY(view->allocationPage() == nullptr);
        QVERIFY(view->allocationStackPane() == nullptr);
        QVERIFY(!view->findChild<AllocationStackPane*>());
        QVERIFY(!view->findChild<AllocationPage*>());
    }
};

QTEST_MAIN(TestAllocation)
#include "tst_allocation.moc"
