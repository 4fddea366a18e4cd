// SPDX-License-Identifier: MIT
// One test per perspective on real fixtures, comparing the first rows with the core (and, for the
// Comparison, with DevTools' own diff of the leak pair).
#include "testutil.h"

#include "mainwindow.h"
#include "models/comparisonmodel.h"
#include "models/containmentmodel.h"
#include "models/dominatorsmodel.h"
#include "models/modelroles.h"
#include "models/statisticsmodel.h"
#include "models/topobjectsmodel.h"
#include "pages/comparisonpage.h"
#include "pages/containmentpage.h"
#include "pages/dominatorspage.h"
#include "pages/retainerspane.h"
#include "pages/statisticspage.h"
#include "snapshotdocument.h"
#include "snapshotsession.h"
#include "snapshotview.h"

#include <QSignalSpy>
#include <QStandardPaths>
#include <QTest>
#include <QTreeView>

namespace {
// leak-A-node20_leak-B-node20.diff.json: DevTools' Comparison of B against base A.
constexpr std::uint64_t kNewCount = 54487, kDeletedCount = 13329, kAllocSize = 3464450, kFreedSize = 1585568;
struct OracleRow {
    const char* name;
    std::uint32_t newCount, deletedCount;
    std::uint64_t alloc, freed;
    std::int64_t sizeDelta;
};
// The first rows by Size Delta, descending.
constexpr OracleRow kTopRows[] = {
    {"(string)", 17822, 4, 539232, 152, 539080},       {"RequestRecord", 3000, 0, 312000, 0, 312000},
    {"Function", 3075, 17, 196456, 1144, 195312},      {"{sid, path}", 3000, 0, 144000, 0, 144000},
    {"system / Context", 3053, 1, 122184, 40, 122144},
};
} // namespace

class TestViews : public QObject {
    Q_OBJECT
    std::unique_ptr<MainWindow> m_window;

    SnapshotView* openOne(const char* name) {
        m_window = std::make_unique<MainWindow>();
        m_window->resize(1200, 800);
        m_window->show();
        m_window->openFiles({TestUtil::dataPath(name)});
        if (!QTest::qWaitFor([this] { return m_window->currentView() != nullptr; }, 60000))
            return nullptr;
        return m_window->currentView();
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("HeapscopeTests"));
    }
    void cleanup() { m_window.reset(); }

    void comparisonAgainstDevTools() {
        // Two files at once: both load, and the newer one shows the Comparison against the older.
        m_window = std::make_unique<MainWindow>();
        m_window->show();
        m_window->openFiles({TestUtil::dataPath("leak-A-node20.heapsnapshot.gz"),
                             TestUtil::dataPath("leak-B-node20.heapsnapshot.gz")});
        QTRY_VERIFY_WITH_TIMEOUT(m_window->session()->documents().size() == 2 &&
                                     m_window->session()->documents().at(0)->isReady() &&
                                     m_window->session()->documents().at(1)->isReady(),
                                 60000);
        // The window switches to the Comparison once both are ready (a queued step).
        QTRY_VERIFY_WITH_TIMEOUT(m_window->currentView() && m_window->currentView()->perspective() ==
                                                                SnapshotView::ComparisonPerspective,
                                 10000);
        SnapshotView* view = m_window->currentView();
        QCOMPARE(view->document()->displayName(), QStringLiteral("leak-B-node20.heapsnapshot.gz"));
        ComparisonPage* page = view->comparisonPage();
        QCOMPARE(page->base()->displayName(), QStringLiteral("leak-A-node20.heapsnapshot.gz"));
        ComparisonModel* model = page->model();
        QSignalSpy failed(m_window->session(), &SnapshotSession::comparisonFailed);
        if (!QTest::qWaitFor(
                [model, &failed] { return model->comparison() != nullptr || failed.count() > 0; }, 60000) ||
            !model->comparison())
            QSKIP("the core's comparison is not available");
        const auto& totals = model->comparison()->totals;
        QCOMPARE(totals.newCount, kNewCount);
        QCOMPARE(totals.deletedCount, kDeletedCount);
        QCOMPARE(totals.allocSize, kAllocSize);
        QCOMPARE(totals.freedSize, kFreedSize);
        QCOMPARE(model->sortColumn(), int(ComparisonModel::SizeDeltaColumn));
        for (int r = 0; r < int(std::size(kTopRows)); ++r) {
            const OracleRow& o = kTopRows[r];
            auto cell = [&](int column, int role = ModelRoles::SortRole) {
                return model->index(r, column).data(role);
            };
            QCOMPARE(cell(ComparisonModel::ConstructorColumn).toString(), QString::fromUtf8(o.name));
            QCOMPARE(cell(ComparisonModel::NewColumn).toLongLong(), qlonglong(o.newCount));
            QCOMPARE(cell(ComparisonModel::DeletedColumn).toLongLong(), qlonglong(o.deletedCount));
            QCOMPARE(cell(ComparisonModel::AllocColumn).toLongLong(), qlonglong(o.alloc));
            QCOMPARE(cell(ComparisonModel::FreedColumn).toLongLong(), qlonglong(o.freed));
            QCOMPARE(cell(ComparisonModel::SizeDeltaColumn).toLongLong(), qlonglong(o.sizeDelta));
        }
        // Expanding a class lists new then deleted instances; a deleted one's retainers come from the base.
        const QModelIndex strings = model->index(0, 0);
        page->view()->expand(strings);
        QCOMPARE(model->totalChildCount(strings), int(kTopRows[0].newCount + kTopRows[0].deletedCount));
        const QModelIndex firstNew = model->index(0, 0, strings);
        QCOMPARE(model->objectAt(firstNew).analysis, view->document()->analysis());
        page->view()->setCurrentIndex(firstNew);
        QCOMPARE(view->retainersPane()->object().node, model->objectAt(firstNew).node);
    }

    void containment() {
        SnapshotView* view = openOne("tiny-node20.heapsnapshot.gz");
        QVERIFY(view);
        view->showPerspective(SnapshotView::ContainmentPerspective);
        ContainmentPage* page = view->containmentPage();
        ContainmentModel* model = page->model();
        const auto analysis = view->document()->analysis();
        const auto& s = *analysis->snapshot;
        QCOMPARE(model->totalChildCount({}), int(s.edgesOf(s.root()).size()));
        QModelIndex gc;
        for (int r = 0; r < model->rowCount() && !gc.isValid(); ++r)
            if (model->index(r, 0).data().toString().startsWith(QStringLiteral("[1] :: (GC roots)")))
                gc = model->index(r, 0);
        QVERIFY(gc.isValid());
        QVERIFY(page->view()->isExpanded(gc));
        const heapscope::NodeOrdinal gcNode = model->objectAt(gc).node;
        QCOMPARE(model->totalChildCount(gc), int(s.edgesOf(gcNode).size()));
        // Children by retained size, descending, with the core's values.
        std::uint64_t previous = UINT64_MAX;
        for (int r = 0; r < model->rowCount(gc); ++r) {
            const QModelIndex idx = model->index(r, ContainmentModel::RetainedColumn, gc);
            const std::uint64_t v = idx.data(ModelRoles::BytesRole).toULongLong();
            QCOMPARE(v, analysis->retainedSize[model->objectAt(idx).node]);
            QVERIFY(v <= previous);
            previous = v;
        }
    }

    void dominators() {
        SnapshotView* view = openOne("leak-B-node20.heapsnapshot.gz");
        QVERIFY(view);
        view->showPerspective(SnapshotView::DominatorsPerspective);
        DominatorsPage* page = view->dominatorsPage();
        const auto analysis = view->document()->analysis();
        const QModelIndex root = page->model()->index(0, 0);
        QCOMPARE(page->model()->objectAt(root).node, analysis->snapshot->root());
        QVERIFY(page->view()->isExpanded(root));
        const heapscope::NodeOrdinal r0 = analysis->snapshot->root();
        std::uint64_t largest = 0;
        for (const heapscope::NodeOrdinal child : analysis->dominatedBy(r0))
            largest = std::max(largest, analysis->retainedSize[child]);
        QCOMPARE(page->model()->totalChildCount(root), int(analysis->dominatedBy(r0).size()));
        QCOMPARE(analysis->retainedSize[page->model()->objectAt(page->model()->index(0, 0, root)).node],
                 largest);
        // Biggest objects: activating one reveals it in the tree under its dominator.
        TopObjectsModel* top = page->topModel();
        QCOMPARE(top->rowCount(), 100);
        const ObjectRef biggest = top->objectAt(top->index(0, 0));
        QVERIFY(page->revealNode(biggest.node));
        const QModelIndex current = page->view()->currentIndex();
        QCOMPARE(page->model()->objectAt(current).node, biggest.node);
        QCOMPARE(page->model()->objectAt(current.parent()).node, analysis->dominator[biggest.node]);
        // The Retainers pane follows the selection.
        QCOMPARE(view->retainersPane()->object().node, biggest.node);
        // "Show in Dominators" from the Summary goes the same way.
        QVERIFY(view->showInDominators(biggest.node));
    }

    void statistics() {
        SnapshotView* view = openOne("tiny-node20.heapsnapshot.gz");
        QVERIFY(view);
        view->showPerspective(SnapshotView::StatisticsPerspective);
        StatisticsModel* model = view->statisticsPage()->model();
        QCOMPARE(model->rowCount(), 7);
        QCOMPARE(model->total(), std::uint64_t(2947541)); // DevTools: tiny-node20.summary.json
        QCOMPARE(model->index(0, StatisticsModel::CategoryColumn).data().toString(), QStringLiteral("Code"));
        QCOMPARE(model->index(0, StatisticsModel::SizeColumn).data(StatisticsModel::BytesRole).toULongLong(),
                 std::uint64_t(811272));
        QVERIFY(!view->retainersPane()->isVisible());
    }
};

QTEST_MAIN(TestViews)
#include "tst_views.moc"
