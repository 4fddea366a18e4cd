// SPDX-License-Identifier: MIT
// Sampling heap profiles in the app: the Bottom-up, Top-down and comparison models under
// QAbstractItemModelTester (Fatal) against the core's numbers, the search, the flame chart's
// layout and hit testing, and a .heapprofile opened through the main window.
#include "testutil.h"

#include "mainwindow.h"
#include "profile/flamechart.h"
#include "profile/profilemodels.h"
#include "profile/profileview.h"
#include "profile/samplestrip.h"

#ifndef Q_MOC_RUN
#include <heapscope/sampling_profile.h>
#endif

#include <QAbstractItemModelTester>
#include <QLabel>
#include <QLineEdit>
#include <QSignalSpy>
#include <QTabWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <functional>

using Tester = QAbstractItemModelTester;
using namespace heapscope;
using namespace Qt::StringLiterals;

namespace {

SamplingProfilePtr profileNamed(const char* name) {
    auto r = loadSamplingProfile(TestUtil::dataPath(name).toStdString());
    if (!r) {
        qWarning("%s", r.error().message().c_str());
        return nullptr;
    }
    return *r;
}

quint64 number(const QModelIndex& i, int column) {
    return i.siblingAtColumn(column).data(ProfileRoles::SortRole).toULongLong();
}

// Expands every row (fetching callers), depth first, and calls `visit` on each.
void walk(QAbstractItemModel& model, const QModelIndex& parent, int depth, int maxDepth,
          const std::function<void(const QModelIndex&, int)>& visit) {
    if (model.canFetchMore(parent))
        model.fetchMore(parent);
    for (int r = 0; r < model.rowCount(parent); ++r) {
        const QModelIndex i = model.index(r, 0, parent);
        visit(i, depth);
        if (depth < maxDepth)
            walk(model, i, depth + 1, maxDepth, visit);
    }
}

} // namespace

class TestProfile : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void bottomUpModelMatchesCore();
    void topDownModelMatchesCore();
    void searchKeepsMatchesAndCallers();
    void comparisonModel();
    void flameChartLayoutAndHits();
    void viewLoadsAndShowsDetails();
    void mainWindowOpensProfiles();
    void exportsTheCurrentTable();
    void selectingSamples();
};

void TestProfile::bottomUpModelMatchesCore() {
    auto p = profileNamed("sampling-node20.heapprofile.gz");
    QVERIFY(p);
    BottomUpModel model(p);
    new Tester(&model, Tester::FailureReportingMode::Fatal, &model);
    auto rows = bottomUpFunctions(*p);
    QCOMPARE(model.rowCount(), int(rows.size()));
    quint64 selfSum = 0;
    for (int r = 0; r < model.rowCount(); ++r)
        selfSum += number(model.index(r, 0), ProfileColumns::SelfSize);
    QCOMPARE(selfSum, quint64(p->totalBytes()));
    // largest self first, as DevTools opens it
    for (int r = 1; r < model.rowCount(); ++r)
        QVERIFY(number(model.index(r - 1, 0), ProfileColumns::SelfSize) >=
                number(model.index(r, 0), ProfileColumns::SelfSize));
    // every caller row: the core's callers of its parent row, and never more than its parent
    int callers = 0;
    walk(model, {}, 0, 4, [&](const QModelIndex& i, int depth) {
        const QModelIndex up = i.parent();
        if (!up.isValid())
            return;
        ++callers;
        QVERIFY(number(i, ProfileColumns::SelfSize) <= number(up, ProfileColumns::SelfSize));
        QVERIFY(number(i, ProfileColumns::TotalSize) <= number(up, ProfileColumns::TotalSize));
        (void)depth;
    });
    QVERIFY(callers > 20);
    // makeRecords <- main
    QModelIndex records;
    for (int r = 0; r < model.rowCount(); ++r)
        if (model.index(r, 0).data().toString() == u"makeRecords")
            records = model.index(r, 0);
    QVERIFY(records.isValid());
    QCOMPARE(model.rowCount(records), 1);
    QCOMPARE(model.index(0, 0, records).data().toString(), QStringLiteral("main"));
    QCOMPARE(number(model.index(0, 0, records), ProfileColumns::SelfSize),
             number(records, ProfileColumns::SelfSize));
    QVERIFY(
        records.siblingAtColumn(ProfileColumns::Location).data().toString().endsWith(u"heapprofile.cjs:17"));
}

void TestProfile::topDownModelMatchesCore() {
    auto p = profileNamed("sampling-node18.heapprofile.gz");
    QVERIFY(p);
    TopDownModel model(p);
    new Tester(&model, Tester::FailureReportingMode::Fatal, &model);
    quint64 rootSum = 0;
    for (int r = 0; r < model.rowCount(); ++r)
        rootSum += number(model.index(r, 0), ProfileColumns::TotalSize);
    QCOMPARE(rootSum, quint64(p->totalBytes()));
    int rows = 0;
    walk(model, {}, 0, 1000, [&](const QModelIndex& i, int) {
        ++rows;
        quint64 sum = number(i, ProfileColumns::SelfSize);
        for (int r = 0; r < model.rowCount(i); ++r)
            sum += number(model.index(r, 0, i), ProfileColumns::TotalSize);
        QCOMPARE(sum, number(i, ProfileColumns::TotalSize));
        const auto node = i.data(ProfileRoles::NodeRole).toUInt();
        QCOMPARE(model.indexOfNode(node), i);
    });
    std::uint64_t visible = 0;
    for (std::uint32_t n = 1; n < p->nodeCount(); ++n)
        visible += p->visible(n);
    QCOMPARE(quint64(rows), quint64(visible));
}

void TestProfile::searchKeepsMatchesAndCallers() {
    auto p = profileNamed("sampling-node20.heapprofile.gz");
    QVERIFY(p);
    BottomUpModel bottomUp(p);
    ProfileFilterModel flat(false);
    flat.setSourceModel(&bottomUp);
    new Tester(&flat, Tester::FailureReportingMode::Fatal, &flat);
    flat.setSearch(QStringLiteral("PING"));
    QCOMPARE(flat.rowCount(), 1);
    const QModelIndex ping = flat.index(0, 0);
    QCOMPARE(ping.data().toString(), QStringLiteral("ping"));
    flat.fetchMore(ping);
    QVERIFY(flat.rowCount(ping) >= 1); // its callers (pong, main) stay

    TopDownModel topDown(p);
    ProfileFilterModel tree(true);
    tree.setSourceModel(&topDown);
    new Tester(&tree, Tester::FailureReportingMode::Fatal, &tree);
    tree.setSearch(QStringLiteral("Record"));
    // every leaf left is a match, reached through its callers
    int matches = 0;
    walk(tree, {}, 0, 1000, [&](const QModelIndex& i, int) {
        const bool match = i.data().toString().contains(u"Record", Qt::CaseInsensitive);
        if (tree.rowCount(i) == 0)
            QVERIFY(match);
        matches += match;
    });
    QVERIFY(matches >= 2); // makeRecords and Record
    tree.setSearch(QString());
    QCOMPARE(tree.rowCount(), topDown.rowCount());
}

void TestProfile::comparisonModel() {
    auto a = profileNamed("sampling-node20.heapprofile.gz");
    auto b = profileNamed("sampling-node20-more.heapprofile.gz");
    QVERIFY(a && b);
    ProfileDiffModel model(diffProfiles(*a, *b));
    new Tester(&model, Tester::FailureReportingMode::Fatal, &model);
    QVERIFY(model.rowCount() > 10);
    qint64 selfChange = 0;
    for (int r = 0; r < model.rowCount(); ++r)
        selfChange += model.index(r, ProfileDiffModel::SelfDelta).data(ProfileRoles::SortRole).toLongLong();
    QCOMPARE(selfChange, qint64(b->totalBytes()) - qint64(a->totalBytes()));
    QCOMPARE(model.index(0, ProfileDiffModel::Function).data().toString(), QStringLiteral("repeat"));
}

void TestProfile::flameChartLayoutAndHits() {
    auto p = profileNamed("sampling-node22.heapprofile.gz");
    QVERIFY(p);
    FlameChart chart;
    chart.resize(1000, 600);
    chart.setProfile(p);
    QCOMPARE(chart.entryCount(), flameChart(*p).size());
    // the head spans the width on the top row
    const QRectF head = chart.nodeRect(0);
    QCOMPARE(head.left(), 0.0);
    QCOMPARE(head.width(), 1000.0);
    // children side by side under their parent, as wide as their share of its total
    for (std::uint32_t n = 0; n < p->nodeCount(); ++n) {
        const QRectF r = chart.nodeRect(n);
        if (r.isEmpty())
            continue;
        QVERIFY(qAbs(r.width() - 1000.0 * double(p->totalSize[n]) / double(p->totalBytes())) < 0.01);
        QCOMPARE(int(r.top()), int(p->depth[n]) * chart.rowHeight());
        if (r.width() > 2)
            QCOMPARE(chart.nodeAt(r.center().toPoint()), n);
    }
    QCOMPARE(chart.nodeAt(QPoint(500, int(p->maxDepth + 5) * chart.rowHeight())), kNoIndex);
    // zoom to the heaviest child of the head: it spans the width, its siblings vanish
    std::uint32_t heavy = p->childList[p->childStart[0]];
    for (std::uint32_t c = p->childStart[0]; c < p->childStart[1]; ++c)
        if (p->totalSize[p->childList[c]] > p->totalSize[heavy])
            heavy = p->childList[c];
    // hovering names the frame under the mouse
    QSignalSpy hovered(&chart, &FlameChart::nodeHovered);
    chart.show();
    QVERIFY(QTest::qWaitForWindowExposed(&chart));
    const QPoint overHead = chart.nodeRect(0).center().toPoint();
    QTest::mouseMove(&chart, overHead);
    QTRY_VERIFY(!hovered.isEmpty());
    QCOMPARE(hovered.last().front().value<std::uint32_t>(), 0u);
    QSignalSpy activated(&chart, &FlameChart::nodeActivated);
    QTest::mouseClick(&chart, Qt::LeftButton, {}, chart.nodeRect(heavy).center().toPoint());
    QCOMPARE(activated.count(), 1);
    QCOMPARE(chart.zoomNode(), heavy);
    QCOMPARE(chart.nodeRect(heavy).width(), 1000.0);
    QCOMPARE(chart.nodeRect(0).width(), 1000.0);
    QTest::keyClick(&chart, Qt::Key_Escape);
    QCOMPARE(chart.zoomNode(), 0u);
    chart.setSearch(QStringLiteral("makeStrings"));
    QImage image = chart.grab().toImage();
    QVERIFY(!image.isNull());
}

void TestProfile::viewLoadsAndShowsDetails() {
    ProfileView view(TestUtil::dataPath("sampling-node20.heapprofile.gz"));
    QSignalSpy loaded(&view, &ProfileView::loaded);
    QVERIFY(loaded.wait(20000));
    QVERIFY(view.isReady());
    QVERIFY(view.summaryLabel()->text().contains(u"3,831"));
    QCOMPARE(view.bottomUpView()->model()->index(0, 0).data().toString(), QStringLiteral("makeRecords"));
    view.bottomUpView()->setCurrentIndex(view.bottomUpView()->model()->index(0, 0));
    QVERIFY(view.detailsLabel()->text().contains(u"line 17"));
    // a function's frame, shown in the Top-down tree and the flame chart
    const std::uint32_t node =
        view.bottomUpModel()
            ->row(view.bottomUpProxy()->mapToSource(view.bottomUpView()->currentIndex()))
            ->ancestor[0];
    view.revealInTopDown(node);
    QCOMPARE(view.tabs()->currentIndex(), int(ProfileView::TopDownTab));
    QCOMPARE(view.topDownView()->currentIndex().data(ProfileRoles::NodeRole).toUInt(), node);
    QCOMPARE(view.topDownView()->currentIndex().data().toString(), QStringLiteral("makeRecords"));
    view.revealInFlameChart(node);
    QCOMPARE(view.tabs()->currentIndex(), int(ProfileView::FlameChartTab));
    QCOMPARE(view.flameChart()->zoomNode(), node);
    view.setSearch(QStringLiteral("closures"));
    QCOMPARE(view.bottomUpView()->model()->rowCount(), 1);
    QCOMPARE(view.searchField()->text(), QStringLiteral("closures"));

    ProfileView broken(TestUtil::dataPath("tiny-node20.heapsnapshot.gz"));
    QSignalSpy failed(&broken, &ProfileView::failed);
    QVERIFY(failed.wait(20000));
    QVERIFY(broken.errorText().contains(u"not a sampling heap profile"));
}

void TestProfile::mainWindowOpensProfiles() {
    MainWindow window;
    window.openFiles({TestUtil::dataPath("sampling-node20.heapprofile.gz"),
                      TestUtil::dataPath("sampling-node20-more.heapprofile.gz")});
    ProfileWindow* profiles = ProfileWindow::of(&window);
    QCOMPARE(profiles->views().size(), 2);
    QTRY_VERIFY_WITH_TIMEOUT(profiles->comparisonView() != nullptr, 20000);
    QCOMPARE(profiles->tabs()->currentWidget(), profiles->comparisonView());
    // a snapshot still opens as a snapshot
    QVERIFY(!ProfileWindow::isProfile(TestUtil::dataPath("tiny-node20.heapsnapshot.gz")));
    QVERIFY(ProfileWindow::isProfile(TestUtil::dataPath("sampling-node22.heapprofile.gz")));
    // a comparison asked for later replaces the first (the other way round here)
    profiles->compare(profiles->views().at(1), profiles->views().at(0));
    QVERIFY(profiles->comparisonView());
    QCOMPARE(profiles->tabs()->count(), 3);
    QCOMPARE(profiles->tabs()->currentWidget(), profiles->comparisonView());
    QVERIFY(profiles->tabs()->tabText(2).startsWith(u"sampling-node20-more"));
    // opening one again selects its tab
    window.openFiles({TestUtil::dataPath("sampling-node20.heapprofile.gz")});
    QCOMPARE(profiles->views().size(), 2);
    QCOMPARE(profiles->tabs()->currentWidget(), profiles->views().first());
}

void TestProfile::exportsTheCurrentTable() {
    ProfileWindow window;
    window.openFiles({TestUtil::dataPath("sampling-node20.heapprofile.gz")});
    ProfileView* view = window.views().value(0);
    QVERIFY(view);
    QTRY_VERIFY_WITH_TIMEOUT(view->isReady(), 20000);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"bottom-up.csv"_s);
    QCOMPARE(window.currentTable(), view->bottomUpView());
    QVERIFY(window.exportTable(path));
    QFile file(path);
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QStringList lines = QString::fromUtf8(file.readAll()).split(u'\n', Qt::SkipEmptyParts);
    QCOMPARE(lines.size(), view->bottomUpView()->model()->rowCount() + 1);
    QVERIFY2(lines[0].startsWith(u"depth,Function,Self Size"), qPrintable(lines[0]));
    // exact numbers, not "5.2 MB"
    QVERIFY2(lines[1].startsWith(u"0,makeRecords,5225280,31.2"), qPrintable(lines[1]));
    view->tabs()->setCurrentIndex(ProfileView::FlameChartTab);
    QCOMPARE(window.currentTable(), nullptr);
    QVERIFY(!window.exportTable(path));
}

void TestProfile::selectingSamples() {
    ProfileView view(TestUtil::dataPath("sampling-node20.heapprofile.gz"));
    view.resize(1000, 700);
    view.show();
    QSignalSpy loaded(&view, &ProfileView::loaded);
    QVERIFY(loaded.wait(20000));
    SampleStrip* strip = view.sampleStrip();
    QVERIFY(strip->hasRange());
    QVERIFY(strip->isVisible());
    auto selfSum = [&] {
        quint64 sum = 0;
        const QAbstractItemModel* m = view.bottomUpView()->model();
        for (int r = 0; r < m->rowCount(); ++r)
            sum += number(m->index(r, 0), ProfileColumns::SelfSize);
        return sum;
    };
    QCOMPARE(selfSum(), quint64(16739712));
    // DevTools' own code gives 7,754,376 bytes for samples 1500 to 3500
    // (tests/data/sampling-node20.ordinals-1500-3500.devtools.json.gz)
    view.selectOrdinals(1500, 3500);
    QCOMPARE(view.shownProfile()->totalBytes(), std::uint64_t(7754376));
    QCOMPARE(selfSum(), quint64(7754376));
    QVERIFY(view.findChild<QLabel*>(u"profileSelection"_s)->isVisible());
    QCOMPARE(view.flameChart()->nodeRect(0).width(), double(view.flameChart()->width()));
    view.selectOrdinals(0, 0);
    QCOMPARE(selfSum(), quint64(16739712));
    // a drag over the strip's middle selects the ordinals under it, as core's selection
    QSignalSpy selected(strip, &SampleStrip::rangeSelected);
    const int w = strip->width();
    QTest::mousePress(strip, Qt::LeftButton, {}, QPoint(w / 4, strip->height() / 2));
    QTest::mouseMove(strip, QPoint(w / 2, strip->height() / 2));
    QTest::mouseRelease(strip, Qt::LeftButton, {}, QPoint(w / 2, strip->height() / 2));
    QCOMPARE(selected.count(), 1);
    const auto lo = selected.front().at(0).value<std::uint64_t>();
    const auto hi = selected.front().at(1).value<std::uint64_t>();
    QVERIFY(lo > strip->firstOrdinal() && hi < strip->lastOrdinal() && lo < hi);
    QCOMPARE(selfSum(), quint64(selectOrdinals(view.profile(), lo, hi)->totalBytes()));
    QTest::mouseDClick(strip, Qt::LeftButton, {}, QPoint(w / 3, 5));
    QCOMPARE(selfSum(), quint64(16739712));
}

QTEST_MAIN(TestProfile)
#include "tst_profile.moc"
