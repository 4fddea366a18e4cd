// SPDX-License-Identifier: MIT
// Every heap model under QAbstractItemModelTester (Fatal), checked against the core's arrays.
#include "miniature.h"
#include "testutil.h"

#include "models/comparisonmodel.h"
#include "models/containmentmodel.h"
#include "models/dominatorsmodel.h"
#include "models/modelroles.h"
#include "models/retainersmodel.h"
#include "models/statisticsmodel.h"
#include "models/summarymodel.h"
#include "models/topobjectsmodel.h"

#ifndef Q_MOC_RUN
#include <heapscope/comparison.h>
#include <heapscope/format.h>
#endif

#include <QAbstractItemModelTester>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

#include <set>

using Tester = QAbstractItemModelTester;

namespace {

Tester* watch(QAbstractItemModel* model) {
    auto* tester = new Tester(model, Tester::FailureReportingMode::Fatal, model);
    // The tester would call fetchMore() from inside its own modelReset/layoutChanged handlers, where
    // it then rejects the insertion it caused; the tests call fetchMore() themselves instead.
    tester->setUseFetchMore(false);
    return tester;
}

// The loaded rows of `parent`, without the trailing "more" row.
int loadedRows(HeapTreeModel* model, const QModelIndex& parent) {
    int rows = model->rowCount(parent);
    if (rows > 0 && model->isMoreRow(model->index(rows - 1, 0, parent)))
        --rows;
    return rows;
}

void verifySorted(HeapTreeModel* model, const QModelIndex& parent, int column, Qt::SortOrder order) {
    const int rows = loadedRows(model, parent);
    for (int r = 1; r < rows; ++r) {
        const QVariant a = model->index(r - 1, column, parent).data(ModelRoles::SortRole);
        const QVariant b = model->index(r, column, parent).data(ModelRoles::SortRole);
        if (!a.isValid() || !b.isValid() || a.typeId() == QMetaType::QString)
            continue; // names compare by UTF-16 order in the core; checked elsewhere
        const double x = a.toDouble(), y = b.toDouble();
        if (order == Qt::AscendingOrder)
            QVERIFY2(
                x <= y,
                qPrintable(QStringLiteral("column %1 row %2: %3 > %4").arg(column).arg(r).arg(x).arg(y)));
        else
            QVERIFY2(
                x >= y,
                qPrintable(QStringLiteral("column %1 row %2: %3 < %4").arg(column).arg(r).arg(x).arg(y)));
    }
}

heapscope::AnalysisPtr analyseJson(const char* json, const char* name) {
    auto snapshot = heapscope::loadSnapshotFromMemory(json, name);
    if (!snapshot) {
        qWarning("%s", snapshot.error().message().c_str());
        return nullptr;
    }
    auto analysis = heapscope::analyze(*snapshot);
    return analysis ? *analysis : nullptr;
}

// Expands every row the way a user could, so the tester sees insertions at every level.
void fetchEverything(QAbstractItemModel* model, const QModelIndex& parent = {}, int depth = 0) {
    while (model->canFetchMore(parent))
        model->fetchMore(parent);
    if (depth > 12)
        return;
    for (int r = 0; r < model->rowCount(parent); ++r)
        fetchEverything(model, model->index(r, 0, parent), depth + 1);
}

} // namespace

class TestModels : public QObject {
    Q_OBJECT
    heapscope::AnalysisPtr m_tiny;
    heapscope::AnalysisPtr m_miniA;
    heapscope::AnalysisPtr m_miniB;

private Q_SLOTS:
    void initTestCase() {
        m_tiny = TestUtil::analysisOf("tiny-node20.heapsnapshot.gz");
        QVERIFY(m_tiny);
        m_miniA = analyseJson(kMiniatureA, "miniature-A");
        m_miniB = analyseJson(kMiniatureB, "miniature-B");
        QVERIFY(m_miniA && m_miniB);
    }

    // ---- every model under QAbstractItemModelTester (Fatal), on the miniature graphs ----

    void testerSummary() {
        SummaryModel model;
        model.setBatchSize(1); // every level needs fetchMore
        watch(&model);
        model.setSummary(m_miniA);
        fetchEverything(&model);
        for (int column = 0; column < SummaryModel::ColumnCount; ++column)
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder})
                model.sort(column, order);
        model.setClassFilter(QStringLiteral("foo"));
        QCOMPARE(model.rowCount(), 1);
        fetchEverything(&model);
        model.setClassFilter({});
    }

    void testerRetainers() {
        RetainersModel model;
        model.setBatchSize(1);
        watch(&model);
        const auto b = m_miniA->snapshot->nodeWithId(9);
        QVERIFY(b);
        model.setObject({m_miniA, *b});
        fetchEverything(&model);
        for (int column = 0; column < RetainersModel::ColumnCount; ++column)
            model.sort(column, Qt::DescendingOrder);
        model.setShowWeak(true);
        fetchEverything(&model);
        const auto a = m_miniA->snapshot->nodeWithId(7);
        std::set<heapscope::NodeOrdinal> ignored{*a};
        model.setIgnored(ignored, std::make_shared<const heapscope::RetainerDistances>(
                                      heapscope::computeRetainerDistances(*m_miniA, {*a}).value()));
        fetchEverything(&model);
        model.setObject({});
        QCOMPARE(model.rowCount(), 0);
    }

    void testerContainmentDominatorsTop() {
        ContainmentModel containment;
        containment.setBatchSize(1);
        watch(&containment);
        containment.setAnalysis(m_miniA);
        fetchEverything(&containment);
        containment.sort(ContainmentModel::ObjectColumn, Qt::AscendingOrder);

        DominatorsModel dominators;
        dominators.setBatchSize(1);
        watch(&dominators);
        dominators.setAnalysis(m_miniA);
        fetchEverything(&dominators);
        dominators.sort(DominatorsModel::ShallowColumn, Qt::AscendingOrder);
        QVERIFY(dominators.revealNode(*m_miniA->snapshot->nodeWithId(13)).isValid());

        TopObjectsModel top;
        watch(&top);
        top.setAnalysis(m_miniA, 3);
        QCOMPARE(top.rowCount(), 3);
        StatisticsModel statistics;
        watch(&statistics);
        statistics.setAnalysis(m_miniA);
    }

    void testerComparison() {
        auto comparison = heapscope::compare(m_miniA, m_miniB);
        if (!comparison)
            QSKIP(comparison.error().message().c_str());
        ComparisonModel model;
        model.setBatchSize(1);
        watch(&model);
        model.setComparison(*comparison);
        fetchEverything(&model);
        for (int column = 0; column < ComparisonModel::ColumnCount; ++column)
            model.sort(column, Qt::AscendingOrder);
        model.setOrderByMagnitude(true);
        model.setClassFilter(QStringLiteral("baz"));
        QCOMPARE(model.rowCount(), 1);
        QCOMPARE(model.index(0, ComparisonModel::NewColumn).data().toString(), QStringLiteral("1"));
    }

    // ---- the same models on a real snapshot, against the core's numbers ----

    void summaryMatchesCore() {
        SummaryModel model;
        model.setSummary(m_tiny);
        const auto& classes = m_tiny->allObjects.classes;
        QCOMPARE(model.rowCount(), int(classes.size()));
        // Default: retained size descending.
        QCOMPARE(model.sortColumn(), int(SummaryModel::RetainedColumn));
        std::uint64_t maxRetained = 0;
        for (const auto& c : classes)
            maxRetained = std::max(maxRetained, c.retainedSize);
        QCOMPARE(model.index(0, SummaryModel::RetainedColumn).data(ModelRoles::BytesRole).toULongLong(),
                 maxRetained);
        verifySorted(&model, {}, SummaryModel::RetainedColumn, Qt::DescendingOrder);

        // A class expands to its instances, in batches, and an instance to its edges.
        QModelIndex cls;
        for (int r = 0; r < model.rowCount() && !cls.isValid(); ++r)
            if (model.totalChildCount(model.index(r, 0)) > 250)
                cls = model.index(r, 0);
        QVERIFY(cls.isValid());
        const int total = model.totalChildCount(cls);
        QCOMPARE(model.rowCount(cls), model.batchSize() + 1); // + the "more" row
        QVERIFY(model.isMoreRow(model.index(model.batchSize(), 0, cls)));
        QVERIFY(model.canFetchMore(cls));
        model.fetchMore(cls);
        QCOMPARE(loadedRows(&model, cls), std::min(total, 2 * model.batchSize()));
        const QModelIndex instance = model.index(0, 0, cls);
        const ObjectRef object = model.objectAt(instance);
        QVERIFY(object.isValid());
        const auto& snap = *m_tiny->snapshot;
        const int edges = int(snap.edgesOf(object.node).size());
        QCOMPARE(model.hasChildren(instance), edges > 0);
        if (edges > 0)
            QCOMPARE(model.totalChildCount(instance), edges);
    }

    void summarySortsEveryColumnKeepingExpansion() {
        SummaryModel model;
        model.setSummary(m_tiny);
        const QModelIndex cls = model.index(0, 0);
        QPersistentModelIndex firstInstance = model.index(0, 0, cls);
        const ObjectRef object = model.objectAt(firstInstance);
        for (int column = 0; column < SummaryModel::ColumnCount; ++column) {
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                model.sort(column, order);
                verifySorted(&model, {}, column, order);
                verifySorted(&model, model.revealNode(object.node).parent(), column, order);
            }
        }
        // The persistent index followed its object (or was dropped when sorted out of the loaded rows).
        if (firstInstance.isValid())
            QCOMPARE(model.objectAt(firstInstance).node, object.node);
    }

    void summaryClassFilterAndReveal() {
        SummaryModel model;
        model.setSummary(m_tiny);
        model.setClassFilter(QStringLiteral("fUnCtIoN"));
        QVERIFY(model.rowCount() > 0);
        for (int r = 0; r < model.rowCount(); ++r)
            QVERIFY(model.index(r, 0)
                        .data(ModelRoles::LabelRole)
                        .toString()
                        .contains(QStringLiteral("function"), Qt::CaseInsensitive));
        model.setClassFilter({});
        // The last instance of the biggest class: revealing loads the batches up to it.
        const auto& c = m_tiny->allObjects.classes.front();
        const heapscope::NodeOrdinal node = c.instances.back();
        const QModelIndex idx = model.revealNode(node);
        QVERIFY(idx.isValid());
        QCOMPARE(model.objectAt(idx).node, node);
    }

    void retainersMatchCore() {
        RetainersModel model;
        const auto& s = *m_tiny->snapshot;
        // An object with several retainers, some weak if possible.
        heapscope::NodeOrdinal node;
        for (heapscope::NodeOrdinal n(1); n.value < s.nodeCount; ++n)
            if (s.retainersOf(n).size() >= 3 && m_tiny->selfSize[n] > 0) {
                node = n;
                break;
            }
        QVERIFY(node != heapscope::NodeOrdinal(0));
        model.setObject({m_tiny, node});
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex root = model.index(0, 0);
        QCOMPARE(model.objectAt(root).node, node);

        std::multiset<heapscope::NodeOrdinal> expected;
        for (const heapscope::RetainerSlot slot : s.retainersOf(node))
            if (s.retainerSource()[slot] != s.root() &&
                s.edgeKind(s.retainerEdge[slot]) != heapscope::EdgeKind::Weak)
                expected.insert(s.retainerSource()[slot]);
        QCOMPARE(model.totalChildCount(root), int(expected.size()));
        std::multiset<heapscope::NodeOrdinal> shown;
        const int rows = loadedRows(&model, root);
        for (int r = 0; r < rows; ++r)
            shown.insert(model.objectAt(model.index(r, 0, root)).node);
        QCOMPARE(shown, expected);
        // Distance ascending, as DevTools sorts retainers.
        for (int r = 1; r < rows; ++r)
            QVERIFY(model.distanceAt(model.index(r - 1, 0, root)) <=
                    model.distanceAt(model.index(r, 0, root)));
        QCOMPARE(model.index(0, RetainersModel::DistanceColumn, root).data().toString(),
                 QString::fromStdString(heapscope::format::distance(
                     m_tiny->distance[model.objectAt(model.index(0, 0, root)).node])));
    }

    void retainersIgnoreAndCycles() {
        RetainersModel model;
        const auto& s = *m_tiny->snapshot;
        // Pick an object whose first retainer is not the root's child, then ignore that retainer.
        heapscope::NodeOrdinal node;
        for (heapscope::NodeOrdinal n(1); n.value < s.nodeCount && node.value == 0; ++n)
            if (m_tiny->distance[n] > 3 && m_tiny->distance[n] < 100 && m_tiny->selfSize[n] > 0)
                node = n;
        QVERIFY(node.value != 0);
        model.setObject({m_tiny, node});
        const QModelIndex root = model.index(0, 0);
        const heapscope::NodeOrdinal first = model.objectAt(model.index(0, 0, root)).node;
        std::set<heapscope::NodeOrdinal> ignored{first};
        auto distances = std::make_shared<const heapscope::RetainerDistances>(
            heapscope::computeRetainerDistances(
                *m_tiny, std::vector<heapscope::NodeOrdinal>(ignored.begin(), ignored.end()))
                .value());
        model.setIgnored(ignored, distances);
        const QModelIndex root2 = model.index(0, 0);
        bool sawIgnored = false;
        for (int r = 0; r < loadedRows(&model, root2); ++r) {
            const QModelIndex idx = model.index(r, RetainersModel::DistanceColumn, root2);
            if (model.objectAt(idx).node == first) {
                QCOMPARE(idx.data().toString(), QStringLiteral("ignored"));
                sawIgnored = true;
            }
        }
        QVERIFY(sawIgnored);
        model.setIgnored({}, nullptr);

        // Walking up the first chain never expands an object already on the path.
        QModelIndex idx = model.index(0, 0);
        for (int depth = 0; depth < 30 && idx.isValid(); ++depth) {
            if (model.isCycle(idx)) {
                QVERIFY(!model.hasChildren(idx));
                QCOMPARE(model.rowCount(idx), 0);
                break;
            }
            idx = model.index(0, 0, idx);
        }
        model.setShowWeak(true);
        QVERIFY(model.totalChildCount(model.index(0, 0)) >= model.totalChildCount(root2));
    }

    void containmentMatchesCore() {
        ContainmentModel model;
        model.setAnalysis(m_tiny);
        const auto& s = *m_tiny->snapshot;
        const heapscope::NodeOrdinal root = s.root();
        QCOMPARE(model.totalChildCount({}), int(s.edgesOf(root).size()));
        // The root's [1] edge leads to (GC roots).
        bool gcRoots = false;
        for (int r = 0; r < model.rowCount(); ++r)
            gcRoots |= model.index(r, 0).data().toString().startsWith(QStringLiteral("[1] :: (GC roots)"));
        QVERIFY(gcRoots);
        verifySorted(&model, {}, ContainmentModel::RetainedColumn, Qt::DescendingOrder);
        const QModelIndex gc = model.index(0, 0);
        QVERIFY(model.rowCount(gc) > 0);
        for (int column = 0; column < ContainmentModel::ColumnCount; ++column)
            model.sort(column, Qt::AscendingOrder);
    }

    void dominatorsMatchCore() {
        DominatorsModel model;
        model.setAnalysis(m_tiny);
        const auto& a = *m_tiny;
        const heapscope::NodeOrdinal root = a.snapshot->root();
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex top = model.index(0, 0);
        QCOMPARE(model.objectAt(top).node, root);
        QCOMPARE(model.totalChildCount(top), int(a.dominatedBy(root).size()));
        std::uint64_t largest = 0;
        for (const heapscope::NodeOrdinal child : a.dominatedBy(root))
            largest = std::max(largest, a.retainedSize[child]);
        QCOMPARE(a.retainedSize[model.objectAt(model.index(0, 0, top)).node], largest);
        verifySorted(&model, top, DominatorsModel::RetainedColumn, Qt::DescendingOrder);
        // Revealing a deep object expands its dominator chain.
        heapscope::NodeOrdinal deep;
        for (const heapscope::NodeOrdinal n : a.snapshot->nodes())
            if (a.distance[n] > 6 && a.distance[n] < 100 && a.selfSize[n] > 0) {
                deep = n;
                break;
            }
        const QModelIndex found = model.revealNode(deep);
        QVERIFY(found.isValid());
        QCOMPARE(model.objectAt(found).node, deep);
        QCOMPARE(model.objectAt(found.parent()).node, a.dominator[deep]);
    }

    void topObjects() {
        TopObjectsModel model;
        watch(&model);
        model.setAnalysis(m_tiny, 100);
        QCOMPARE(model.rowCount(), 100);
        verifySorted(&model, {}, TopObjectsModel::RetainedColumn, Qt::DescendingOrder);
        std::uint64_t best = 0;
        for (const heapscope::NodeOrdinal n : m_tiny->snapshot->nodes())
            if (m_tiny->snapshot->kind(n) != heapscope::NodeKind::Synthetic)
                best = std::max(best, m_tiny->retainedSize[n]);
        QCOMPARE(model.index(0, TopObjectsModel::RetainedColumn).data(ModelRoles::BytesRole).toULongLong(),
                 best);
    }

    // A big snapshot's biggest objects are picked on the job pool: one busy row meanwhile, then the
    // same rows as picked on this thread; a newer analysis or a sort meanwhile is honoured.
    void topObjectsInTheBackground() {
        TopObjectsModel sync;
        sync.setAnalysis(m_tiny, 100);
        QVERIFY(!sync.isComputing());
        TopObjectsModel model;
        watch(&model);
        model.setBackgroundNodes(1);
        QSignalSpy ready(&model, &TopObjectsModel::ready);
        model.setAnalysis(m_miniA, 3);
        model.setAnalysis(m_tiny, 100); // the first scan's result never arrives
        QVERIFY(model.isComputing());
        QCOMPARE(model.rowCount(), 1);
        const QModelIndex busy = model.index(0, 0);
        QVERIFY(model.isBusyRow(busy));
        QVERIFY(!model.objectAt(busy).isValid());
        QVERIFY(!model.hasChildren(busy));
        QVERIFY(busy.data().toString().startsWith(QStringLiteral("Finding the 100 biggest objects")));
        model.sort(TopObjectsModel::ShallowColumn, Qt::AscendingOrder); // while busy
        QVERIFY(model.isBusyRow(model.index(0, 0)));
        QVERIFY(ready.wait(30000));
        QCOMPARE(ready.count(), 1);
        QVERIFY(!model.isComputing());
        QCOMPARE(model.rowCount(), 100);
        QVERIFY(!model.isBusyRow(model.index(0, 0)));
        verifySorted(&model, {}, TopObjectsModel::ShallowColumn, Qt::AscendingOrder);
        model.sort(TopObjectsModel::RetainedColumn, Qt::DescendingOrder);
        for (int r = 0; r < 100; ++r)
            QCOMPARE(model.objectAt(model.index(r, 0)).node, sync.objectAt(sync.index(r, 0)).node);
        QTest::qWait(50);
        QCOMPARE(ready.count(), 1);

        // A raised stop flag ends the scan with nothing.
        heapscope::StopFlag stop;
        stop.requestStop();
        QVERIFY(TopObjectsModel::biggestObjects(*m_tiny, 100, &stop).empty());
        QCOMPARE(TopObjectsModel::biggestObjects(*m_tiny, 100).size(), std::size_t(100));
    }

    void statisticsMatchOracle() {
        StatisticsModel model;
        watch(&model);
        model.setAnalysis(m_tiny);
        // tiny-node20.summary.json (DevTools' numbers).
        QCOMPARE(model.total(), std::uint64_t(2947541));
        std::map<QString, std::uint64_t> bytes;
        for (const auto& c : model.categories())
            bytes[c.name] = c.bytes;
        QCOMPARE(bytes[QStringLiteral("Code")], std::uint64_t(811272));
        QCOMPARE(bytes[QStringLiteral("Strings")], std::uint64_t(394192));
        QCOMPARE(bytes[QStringLiteral("JS arrays")], std::uint64_t(38680));
        QCOMPARE(bytes[QStringLiteral("Typed arrays")], std::uint64_t(10613));
        QCOMPARE(bytes[QStringLiteral("System objects")], std::uint64_t(80232));
        QCOMPARE(bytes[QStringLiteral("Other JS objects")],
                 std::uint64_t(2928000 - 811272 - 394192 - 38680 - 80232));
        QCOMPARE(bytes[QStringLiteral("Other non-JS objects (such as HTML and CSS)")],
                 std::uint64_t(19541 - 10613));
    }

    void comparisonModel() {
        auto base = TestUtil::analysisOf("leak-A-node20.heapsnapshot.gz");
        auto current = TestUtil::analysisOf("leak-B-node20.heapsnapshot.gz");
        QVERIFY(base && current);
        auto comparison = heapscope::compare(base, current);
        if (!comparison)
            QSKIP(comparison.error().message().c_str());
        ComparisonModel model;
        model.setComparison(*comparison);
        QCOMPARE(model.rowCount(), int((*comparison)->classes.size()));
        verifySorted(&model, {}, ComparisonModel::SizeDeltaColumn, Qt::DescendingOrder);
        for (int column = 0; column < ComparisonModel::ColumnCount; ++column)
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                model.sort(column, order);
                verifySorted(&model, {}, column, order);
            }
        model.sort(ComparisonModel::SizeDeltaColumn, Qt::DescendingOrder);
        const QModelIndex first = model.index(0, 0);
        const heapscope::ClassDiff& c = (*comparison)->classes.front();
        QCOMPARE(model.totalChildCount(first), int(c.newCount + c.deletedCount));
        QCOMPARE(model.rowCount(first), std::min<int>(model.batchSize(), int(c.newCount + c.deletedCount)) +
                                            (int(c.newCount + c.deletedCount) > model.batchSize() ? 1 : 0));
        // Magnitude order puts the largest |delta| first, shrinking classes included.
        model.setOrderByMagnitude(true);
        const qlonglong top = std::llabs(
            model.index(0, ComparisonModel::SizeDeltaColumn).data(ModelRoles::DeltaRole).toLongLong());
        for (int r = 1; r < model.rowCount(); ++r)
            QVERIFY(std::llabs(model.index(r, ComparisonModel::SizeDeltaColumn)
                                   .data(ModelRoles::DeltaRole)
                                   .toLongLong()) <= top);
    }

    // A big level is ordered only as far as its rows are loaded; loading more batches, and revealing
    // a row far down, must give exactly the rows of a complete sort.
    void partialSortMatchesFullSort() {
        auto current = TestUtil::analysisOf("leak-B-node20.heapsnapshot.gz");
        SummaryModel partial, full;
        partial.setSummary(current);
        full.setSummary(current);
        full.setBatchSize(1 << 30);
        const auto& biggest =
            *std::max_element(current->allObjects.classes.begin(), current->allObjects.classes.end(),
                              [](const auto& a, const auto& b) { return a.count < b.count; });
        QVERIFY(biggest.count > 10000);
        for (int column = 0; column < SummaryModel::ColumnCount; ++column) {
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                partial.sort(column, order);
                full.sort(column, order);
                const QModelIndex p = partial.classIndex(biggest.classIndex);
                const QModelIndex f = full.classIndex(biggest.classIndex);
                QCOMPARE(full.rowCount(f), int(biggest.count));
                QCOMPARE(partial.rowCount(p), partial.batchSize() + 1); // and "More…"
                partial.fetchMore(p);
                partial.fetchMore(p);
                const int loaded = loadedRows(&partial, p);
                QCOMPARE(loaded, 3 * partial.batchSize());
                for (int r = 0; r < loaded; ++r)
                    QCOMPARE(partial.objectAt(partial.index(r, 0, p)).node,
                             full.objectAt(full.index(r, 0, f)).node);
                // Far down, past what is sorted.
                const int far = int(biggest.count) * 2 / 3;
                const heapscope::NodeOrdinal node = full.objectAt(full.index(far, 0, f)).node;
                const QModelIndex revealed = partial.revealNode(node);
                QCOMPARE(revealed.row(), far);
                QCOMPARE(partial.objectAt(revealed).node, node);
                for (int r = loaded; r < far; r += 97)
                    QCOMPARE(partial.objectAt(partial.index(r, 0, p)).node,
                             full.objectAt(full.index(r, 0, f)).node);
                // A fresh sort starts from one batch again.
                partial.setSummary(current);
            }
        }
    }

    // A big level ordered on the pool: a busy row first, then exactly the rows of the ordering done
    // here; a sort keeps the rows until the new order is there.
    void backgroundOrderingMatchesTheSynchronousOne() {
        auto current = TestUtil::analysisOf("leak-B-node20.heapsnapshot.gz");
        SummaryModel async, sync;
        async.setBackgroundFrom(1000);
        async.setSummary(current);
        sync.setBatchSize(1 << 30); // every row, for comparing far down
        sync.setBackgroundFrom(std::size_t(1) << 40);
        sync.setSummary(current);
        const auto& biggest =
            *std::max_element(current->allObjects.classes.begin(), current->allObjects.classes.end(),
                              [](const auto& a, const auto& b) { return a.count < b.count; });
        QVERIFY(biggest.count > 10000);
        QSignalSpy ordering(&async, &HeapTreeModel::orderingChanged);
        const QPersistentModelIndex cls = async.classIndex(biggest.classIndex);
        QCOMPARE(async.rowCount(cls), 1); // the busy row
        QVERIFY(async.isBusyRow(async.index(0, 0, cls)));
        QVERIFY(async.isOrdering());
        QVERIFY(!async.canFetchMore(cls));
        QVERIFY(!async.index(0, 0, cls).data().toString().isEmpty());
        QTRY_VERIFY_WITH_TIMEOUT(!async.isOrdering(), 30000);
        QCOMPARE(ordering.count(), 2);
        auto compareRows = [&](int rows) {
            const QModelIndex f = sync.classIndex(biggest.classIndex);
            QCOMPARE(loadedRows(&async, cls), std::min(rows, int(biggest.count)));
            for (int r = 0; r < loadedRows(&async, cls); ++r)
                QCOMPARE(async.objectAt(async.index(r, 0, cls)).node,
                         sync.objectAt(sync.index(r, 0, f)).node);
        };
        QVERIFY(!async.isBusyRow(async.index(0, 0, cls)));
        compareRows(async.batchSize());
        QVERIFY(async.isMoreRow(async.index(async.batchSize(), 0, cls)));
        // The rest is ordered on the pool too; paging then costs only the rows shown.
        async.fetchMore(cls);
        const QModelIndex f = sync.classIndex(biggest.classIndex);
        sync.fetchMore(f);
        compareRows(2 * async.batchSize());

        for (int column = 0; column < SummaryModel::ColumnCount; ++column) {
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                const QPersistentModelIndex selected = async.index(3, 0, cls);
                const heapscope::NodeOrdinal node = async.objectAt(selected).node;
                async.sort(column, order);
                sync.sort(column, order);
                if (async.isOrdering()) {
                    // The old rows stay, and no batch loads, until the new order is there.
                    QCOMPARE(async.objectAt(selected).node, node);
                    QVERIFY(!async.canFetchMore(cls));
                }
                QTRY_VERIFY_WITH_TIMEOUT(!async.isOrdering(), 30000);
                QVERIFY(cls.isValid());
                // A persistent index follows its object (or goes, when it left the loaded rows).
                QVERIFY(!selected.isValid() || async.objectAt(selected).node == node);
                compareRows(2 * async.batchSize());
            }
        }

        // Reveal while a level is still being ordered: finished on the spot.
        async.sort(SummaryModel::ShallowColumn, Qt::DescendingOrder);
        sync.sort(SummaryModel::ShallowColumn, Qt::DescendingOrder);
        const int far = int(biggest.count) * 2 / 3;
        const heapscope::NodeOrdinal farNode =
            sync.objectAt(sync.index(far, 0, sync.classIndex(biggest.classIndex))).node;
        const QModelIndex revealed = async.revealNode(farNode);
        QCOMPARE(revealed.row(), far);
        QVERIFY(!async.isOrdering());

        // A reset while ordering drops the work; the new level orders again.
        async.setSummary(current);
        const QModelIndex again = async.classIndex(biggest.classIndex);
        QCOMPARE(async.rowCount(again), 1);
        async.setSummary(current);
        QVERIFY(!async.isOrdering());
    }

    // Every level ordered on the pool, under the model tester: busy rows, their replacement by the
    // rows, layout changes of sorts that finish later, resets while ordering.
    void testerBackgroundOrdering() {
        SummaryModel model;
        model.setBackgroundFrom(1);
        model.setBatchSize(1);
        watch(&model);
        model.setSummary(m_miniA);
        for (int round = 0; round < 3; ++round) {
            fetchEverything(&model);
            QTRY_VERIFY(!model.isOrdering());
            fetchEverything(&model);
            QTRY_VERIFY(!model.isOrdering());
        }
        for (int column = 0; column < SummaryModel::ColumnCount; ++column) {
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                model.sort(column, order);
                QTRY_VERIFY(!model.isOrdering());
                fetchEverything(&model);
                QTRY_VERIFY(!model.isOrdering());
            }
        }
        fetchEverything(&model);
        model.setClassFilter(QStringLiteral("foo")); // a reset, maybe while ordering
        fetchEverything(&model);
        QTRY_VERIFY(!model.isOrdering());
        model.setClassFilter({});

        // Retainers: levels whose rows may all be hidden (weak edges, the root) turn out empty.
        RetainersModel retainers;
        retainers.setBackgroundFrom(1);
        watch(&retainers);
        for (const heapscope::NodeOrdinal node : m_miniA->snapshot->nodes()) {
            retainers.setObject({m_miniA, node});
            for (int round = 0; round < 4; ++round) {
                fetchEverything(&retainers);
                QTRY_VERIFY(!retainers.isOrdering());
            }
        }
    }

    void retainerRowsCarryTheirEdge() {
        RetainersModel model;
        watch(&model);
        const heapscope::Snapshot& s = *m_tiny->snapshot;
        heapscope::NodeOrdinal node;
        for (const heapscope::NodeOrdinal n : s.nodes())
            if (s.retainersOf(n).size() > 2 && m_tiny->distance[n] > 2 && m_tiny->distance[n] < 100)
                node = n;
        QVERIFY(node.value != 0);
        model.setShowWeak(true);
        model.setObject({m_tiny, node});
        const QModelIndex root = model.index(0, 0);
        QCOMPARE(model.rowCount(root), int(s.retainersOf(node).size()));
        for (int r = 0; r < model.rowCount(root); ++r) {
            const HeapTreeModel::Row row = model.rowAt(model.index(r, 0, root));
            QCOMPARE(row.kind, HeapTreeModel::RowKind::Retainer);
            QCOMPARE(row.edge, s.retainerEdge[row.slot()]);
            QCOMPARE(s.edgeTo[row.edge], node);
            QCOMPARE(model.index(r, 0, root).data(ModelRoles::EdgeNameRole).toString(),
                     QString::fromStdString(heapscope::format::edgeName(s, row.edge)));
        }
    }

    void sortingABigLevelIsFast() {
        // A wall-clock bound: it runs under the `slow` label only (tests/ui/CMakeLists.txt).
        if (qEnvironmentVariableIsEmpty("HEAPSCOPE_TIMING_TESTS"))
            QSKIP("asserts wall-clock time; runs under the slow label (ctest -L slow)");
        auto current = TestUtil::analysisOf("leak-B-node20.heapsnapshot.gz");
        SummaryModel model;
        model.setSummary(current);
        QModelIndex biggest;
        int most = 0;
        for (int r = 0; r < model.rowCount(); ++r) {
            const int n = model.totalChildCount(model.index(r, 0));
            if (n > most) {
                most = n;
                biggest = model.index(r, 0);
            }
        }
        QVERIFY(most > 10000);
        QElapsedTimer t;
        t.start();
        for (int column = 0; column < SummaryModel::ColumnCount; ++column)
            model.sort(column, Qt::DescendingOrder);
        qInfo("sorted %d instances by each of %d columns in %lld ms", most, int(SummaryModel::ColumnCount),
              t.elapsed());
        QVERIFY(t.elapsed() < 2000);
    }
};

QTEST_MAIN(TestModels)
#include "tst_models.moc"
