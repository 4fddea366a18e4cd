// SPDX-License-Identifier: MIT
// The Trend perspective: a series opened in the main window (files given newest first, a folder),
// analysed in the background, its leak candidates and class rows as the core finds them, the
// models checked by QAbstractItemModelTester, the chart, "Show Objects in Summary", and the
// snapshots of separate processes told in the banner.
#include "mainwindow.h"
#include "models/modelroles.h"
#include "navigator.h"
#include "pages/comparisonpage.h"
#include "series/holdergroupspane.h"
#include "series/trendchart.h"
#include "series/trendmodels.h"
#include "series/trendpage.h"
#include "snapshotdocument.h"
#include "snapshotsession.h"
#include "snapshotview.h"
#include "testutil.h"

#include <heapscope/format.h>
#include <heapscope/holder_paths.h>

#include <QAbstractItemModelTester>
#include <QAbstractProxyModel>
#include <QAction>
#include <QDir>
#include <QLabel>
#include <QListWidget>
#include <QPushButton>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QTemporaryDir>
#include <QTest>
#include <QTreeView>

#include <algorithm>

using namespace Qt::StringLiterals;

namespace {

QStringList seriesFiles(const char* folder) {
    QDir dir(TestUtil::dataPath(folder));
    QStringList files;
    for (const QString& name : dir.entryList({u"*.heapsnapshot.gz"_s}, QDir::Files, QDir::Name))
        files << dir.absoluteFilePath(name);
    return files;
}

bool waitForTrend(TrendPage* page) {
    if (!page->isRunning() && page->series())
        return true;
    QSignalSpy finished(page, &TrendPage::finished);
    return finished.wait(120000) && page->series();
}

int rowOfClass(const QAbstractItemModel* model, const QString& name) {
    for (int r = 0; r < model->rowCount(); ++r)
        if (model->index(r, 0).data().toString() == name)
            return r;
    return -1;
}

} // namespace

class TestTrend : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void init() {
        QCoreApplication::setOrganizationName(u"HeapscopeTests"_s);
        QCoreApplication::setApplicationName(u"tst_trend"_s);
    }

    void seriesOpenedTogetherShowsTheTrendAndTheLeaks() {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        QStringList files = seriesFiles("series-node20");
        QCOMPARE(files.size(), 4);
        std::reverse(files.begin(), files.end()); // newest first: the page orders them
        window.openFiles(files);
        TrendPage* page = window.trendPage();
        QCOMPARE(window.pages()->currentWidget(), page);
        QVERIFY(waitForTrend(page));
        QCOMPARE(page->series()->loadedCount, std::size_t(4));

        TrendModel* trend = page->trendModel();
        LeakGroupModel* leaks = page->leakModel();
        QAbstractItemModelTester trendTester(trend, QAbstractItemModelTester::FailureReportingMode::QtTest);
        QAbstractItemModelTester leakTester(leaks, QAbstractItemModelTester::FailureReportingMode::QtTest);

        QCOMPARE(leaks->rowCount(), 2);
        const QString first = leaks->index(0, LeakGroupModel::HeldAs).data().toString();
        QVERIFY2(first.startsWith(
                     u"RequestRecord ← records in Session ← table in Map ← sessions in system / Context"_s),
                 qPrintable(first));
        QCOMPARE(leaks->index(0, LeakGroupModel::Count).data().toString(), u"4,000"_s);
        QCOMPARE(leaks->index(0, LeakGroupModel::PerStep).data().toString(),
                 QString::fromStdString(heapscope::format::signedCount(1000)));
        QCOMPARE(leaks->index(0, LeakGroupModel::Survivors).data().toString(), u"2,000"_s);
        QVERIFY(
            leaks->index(1, LeakGroupModel::HeldAs).data().toString().startsWith(u"Sample ← samples in"_s));
        const auto sparkline =
            leaks->index(0, LeakGroupModel::Sparkline).data(TrendRoles::SparklineRole).value<QList<qreal>>();
        QCOMPARE(sparkline, (QList<qreal>{1000, 2000, 3000, 4000}));

        // Class rows: the leak's class grows and expands into its group; the look-alikes say why
        // they are not leaks.
        const int record = rowOfClass(trend, u"RequestRecord"_s);
        QVERIFY(record >= 0);
        const QModelIndex recordRow = trend->index(record, 0);
        QCOMPARE(trend->index(record, trend->verdictColumn()).data().toString(), u"grows"_s);
        QCOMPARE(trend->index(record, trend->growsColumn()).data().toString(), u"▲"_s);
        QCOMPARE(trend->index(record, trend->countColumn(0)).data().toString(), u"1,000"_s);
        QCOMPARE(trend->index(record, trend->countColumn(3)).data().toString(), u"4,000"_s);
        QCOMPARE(trend->rowCount(recordRow), 1);
        QVERIFY(trend->index(0, 0, recordRow).data().toString().startsWith(u"← records in Session"_s));
        for (const auto& [name, verdict] :
             {std::pair{u"CacheEntry"_s, u"plateau"_s}, std::pair{u"BatchItem"_s, u"freed"_s},
              std::pair{u"QueueJob"_s, u"oscillates"_s}}) {
            const int row = rowOfClass(trend, name);
            QVERIFY2(row >= 0, qPrintable(name));
            QCOMPARE(trend->index(row, trend->verdictColumn()).data().toString(), verdict);
            QVERIFY(!trend->index(row, trend->verdictColumn()).data(Qt::ToolTipRole).toString().isEmpty());
            QCOMPARE(trend->rowCount(trend->index(row, 0)), 0);
        }

        // The first leak is selected: its path is shown; the chart starts with the leaks' classes.
        QVERIFY(
            page->selectedPathText().startsWith(u"RequestRecord\n← records in Session\n← table in Map"_s));
        QCOMPARE(page->chart()->lines().size(), std::size_t(2));
        QCOMPARE(page->chart()->lines()[0].name, u"RequestRecord"_s);
        QCOMPARE(page->chart()->lines()[0].values, (std::vector<double>{1000, 2000, 3000, 4000}));
        QCOMPARE(page->chart()->lines()[1].name, u"Sample"_s);

        // Selecting classes draws them.
        QTreeView* view = page->trendView();
        view->selectionModel()->clearSelection();
        const QModelIndex proxyRow =
            static_cast<QAbstractProxyModel*>(view->model())->mapFromSource(trend->index(record, 0));
        view->selectionModel()->select(proxyRow, QItemSelectionModel::Select | QItemSelectionModel::Rows);
        QCOMPARE(page->chart()->lines().size(), std::size_t(1));
        QCOMPARE(page->chart()->lines()[0].name, u"RequestRecord"_s);
        page->chart()->setMeasure(TrendChart::Measure::RetainedSize);
        QVERIFY(page->chart()->lines()[0].values.back() > page->chart()->lines()[0].values.front());

        // Show Objects in Summary: the last snapshot, with one of the group's objects selected.
        QSignalSpy reveal(window.navigator(), &Navigator::revealInSummary);
        auto* show = page->findChild<QPushButton*>();
        QVERIFY(show);
        const QList<QPushButton*> buttons = page->findChildren<QPushButton*>();
        for (QPushButton* button : buttons)
            if (button->text() == u"Show Objects in Summary"_s)
                show = button;
        QVERIFY(show->isEnabled());
        show->click();
        QTRY_VERIFY_WITH_TIMEOUT(reveal.count() == 1, 60000);
        const ObjectRef object = reveal.at(0).at(0).value<ObjectRef>();
        QVERIFY(object.isValid());
        QCOMPARE(QString::fromStdString(object.analysis->classInfo(object.node).name), u"RequestRecord"_s);
        QVERIFY(window.currentDocument());
        QVERIFY(window.currentDocument()->path().endsWith(u".004.heapsnapshot.gz"_s));

        // Back to the trend: no new analysis for the same files.
        QAction* trendAction = window.findChild<QAction*>(u"actionTrend"_s);
        QVERIFY(trendAction);
        trendAction->trigger();
        QCOMPARE(window.pages()->currentWidget(), page);
        QVERIFY(!page->isRunning());
    }

    void folderOfSeparateProcessesSaysSo() {
        MainWindow window;
        window.show();
        QVERIFY(window.openFolder(TestUtil::dataPath("series-separate-node18")));
        TrendPage* page = window.trendPage();
        QCOMPARE(window.pages()->currentWidget(), page);
        QVERIFY(waitForTrend(page));
        auto* banner = page->findChild<QLabel*>(u"trendBanner"_s);
        QVERIFY(banner);
        QVERIFY(!banner->isHidden());
        QVERIFY2(banner->text().contains(u"different processes"_s), qPrintable(banner->text()));
        QCOMPARE(page->leakModel()->rowCount(), 2);
        QCOMPARE(page->leakModel()->index(0, LeakGroupModel::Survivors).data().toString(), u"–"_s);
        auto* title = page->findChild<QLabel*>(u"trendTitle"_s);
        QVERIFY(title->text().contains(u"file names"_s));
    }

    void snapshotsCanBeMovedAndLeftOut() {
        MainWindow window;
        window.show();
        window.openFiles(seriesFiles("series-node20"));
        TrendPage* page = window.trendPage();
        QVERIFY(waitForTrend(page));
        QListWidget* list = page->snapshotList();
        QCOMPARE(list->count(), 4);
        QVERIFY(list->item(0)->text().startsWith(u"#1  "_s));
        QVERIFY(list->item(0)->text().contains(u".001.heapsnapshot"_s));
        // The last one moved before the third: the series is analysed again in that order.
        list->setCurrentRow(3);
        QSignalSpy finished(page, &TrendPage::finished);
        page->moveSelectedSnapshot(-1);
        QVERIFY(finished.wait(120000));
        QVERIFY(page->series());
        QCOMPARE(page->series()->orderBasis, heapscope::SeriesOrderBasis::Given);
        QVERIFY(list->item(2)->text().contains(u".004.heapsnapshot"_s));
        QVERIFY(!page->series()->idsMatch);
        QCOMPARE(page->leakModel()->rowCount(), 0); // 1,000 → 2,000 → 4,000 → 3,000 grows no more
        // Left out: three snapshots, back in time order.
        page->restoreTimeOrder();
        QVERIFY(finished.wait(120000));
        QCOMPARE(page->leakModel()->rowCount(), 2);
        list->setCurrentRow(2); // without the third, the queue still goes up and down: 300, 900, 700
        page->leaveOutSelectedSnapshot();
        QVERIFY(finished.wait(120000));
        QCOMPARE(page->series()->loadedCount, std::size_t(3));
        QCOMPARE(list->count(), 3);
        QCOMPARE(page->leakModel()->rowCount(), 2);
        // Coming back to the trend with the same files open keeps that choice.
        window.selectDocument(window.session()->documents().front());
        window.showTrend();
        QVERIFY(!page->isRunning());
        QCOMPARE(page->series()->loadedCount, std::size_t(3));
    }

    void comparisonGroupsTheNewObjectsOfAClassByHolder() {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        window.openFiles({TestUtil::dataPath("leak-A-node20.heapsnapshot.gz"),
                          TestUtil::dataPath("leak-B-node20.heapsnapshot.gz")});
        // Two files: the Comparison of the newer one against the older, once both are loaded.
        QTRY_VERIFY_WITH_TIMEOUT(window.currentView() && window.currentView()->perspective() ==
                                                             SnapshotView::ComparisonPerspective,
                                 120000);
        SnapshotView* view = window.currentView();
        auto* table = view->comparisonPage()->findChild<QTreeView*>(u"comparisonView"_s);
        QVERIFY(table);
        QTRY_VERIFY_WITH_TIMEOUT(table->model()->rowCount() > 0, 60000);
        auto* banner = view->comparisonPage()->findChild<QLabel*>(u"processBanner"_s);
        QVERIFY(banner);
        QVERIFY(banner->isHidden()); // one process
        QModelIndex record;
        for (int r = 0; r < table->model()->rowCount() && !record.isValid(); ++r)
            if (table->model()->index(r, 0).data(ModelRoles::LabelRole).toString() == u"RequestRecord"_s)
                record = table->model()->index(r, 0);
        QVERIFY(record.isValid());
        HolderGroupsPane* pane = view->holderGroupsPane();
        QAbstractItemModelTester tester(pane->model(),
                                        QAbstractItemModelTester::FailureReportingMode::QtTest);
        QSignalSpy shown(pane, &HolderGroupsPane::groupsShown);
        table->setCurrentIndex(record);
        QVERIFY(shown.wait(60000));
        QVERIFY(pane->isVisible());
        QVERIFY(pane->model()->rowCount() >= 1);
        const QString first = pane->model()->description(0);
        QVERIFY2(first.startsWith(u"RequestRecord ← records in Session ← table in Map"_s), qPrintable(first));
        int total = 0;
        for (int r = 0; r < pane->model()->rowCount(); ++r)
            total += pane->model()->index(r, HolderGroupModel::Count).data(ModelRoles::SortRole).toInt();
        const auto* result = pane->model()->result();
        QVERIFY(result);
        std::size_t members = 0;
        for (const auto& group : result->groups)
            members += group.nodes.size();
        QCOMPARE(std::size_t(total), members);
        QVERIFY(total > 0);
    }

    void comparisonGroupsLaterClassesFromTheKeptHolderPaths() {
        MainWindow window;
        window.resize(1400, 900);
        window.show();
        window.openFiles({TestUtil::dataPath("leak-A-node20.heapsnapshot.gz"),
                          TestUtil::dataPath("leak-B-node20.heapsnapshot.gz")});
        QTRY_VERIFY_WITH_TIMEOUT(window.currentView() && window.currentView()->perspective() ==
                                                             SnapshotView::ComparisonPerspective,
                                 120000);
        SnapshotView* view = window.currentView();
        auto* table = view->comparisonPage()->findChild<QTreeView*>(u"comparisonView"_s);
        QVERIFY(table);
        QTRY_VERIFY_WITH_TIMEOUT(table->model()->rowCount() > 0, 60000);
        heapscope::ComparisonPtr comparison;
        connect(view->comparisonPage(), &ComparisonPage::classSelected, this,
                [&comparison](const heapscope::ComparisonPtr& c, int) { comparison = c; });
        const auto tableRow = [&](const QString& name) {
            for (int r = 0; r < table->model()->rowCount(); ++r)
                if (table->model()->index(r, 0).data(ModelRoles::LabelRole).toString() == name)
                    return table->model()->index(r, 0);
            return QModelIndex();
        };
        // The groups of a class as computed from scratch, as text.
        const auto fresh = [&](std::size_t classRow) {
            heapscope::HolderPathTable paths;
            auto groups =
                heapscope::groupByHolder(*comparison->current, comparison->classes[classRow].newNodes, paths);
            QStringList rows;
            if (!groups)
                return rows;
            for (const auto& g : *groups)
                rows << u"%1 %2 %3 %4 %5"_s.arg(g.count)
                            .arg(g.selfSize)
                            .arg(g.retainedSize)
                            .arg(QString::fromStdString(
                                paths.describe(comparison->current->classes[g.classIndex].name, g.path)))
                            .arg(g.nodes.size() == g.count ? g.nodes.front().value : 0);
            return rows;
        };
        const auto shownRows = [](const HolderGroupsPane* pane) {
            QStringList rows;
            const auto* result = pane->model()->result();
            if (!result)
                return rows;
            for (int r = 0; r < pane->model()->rowCount(); ++r) {
                const auto& g = result->groups[std::size_t(r)];
                rows << u"%1 %2 %3 %4 %5"_s.arg(g.count)
                            .arg(g.selfSize)
                            .arg(g.retainedSize)
                            .arg(pane->model()->description(r))
                            .arg(g.nodes.size() == g.count ? g.nodes.front().value : 0);
            }
            return rows;
        };

        HolderGroupsPane* pane = view->holderGroupsPane();
        QSignalSpy shown(pane, &HolderGroupsPane::groupsShown);
        QCOMPARE(pane->summaryCount(), 0);
        QVERIFY(!pane->cachedFor());
        const QModelIndex record = tableRow(u"RequestRecord"_s);
        QVERIFY(record.isValid());
        table->setCurrentIndex(record);
        QVERIFY(shown.wait(60000));
        QVERIFY(comparison);
        QCOMPARE(pane->summaryCount(), 1);
        QVERIFY(pane->cachedFor() == comparison->current);
        const auto firstTable = pane->model()->result()->table;
        int recordRow = -1;
        for (std::size_t c = 0; c < comparison->classes.size(); ++c)
            if (comparison->classes[c].name == "RequestRecord")
                recordRow = int(c);
        QVERIFY(recordRow >= 0);
        QCOMPARE(shownRows(pane), fresh(std::size_t(recordRow)));

        // Another class with new objects, held in more than one way if there is one.
        std::size_t other = comparison->classes.size();
        for (std::size_t c = 0; c < comparison->classes.size(); ++c) {
            const auto& diff = comparison->classes[c];
            if (diff.name == "RequestRecord" || diff.newNodes.size() < 2 ||
                !tableRow(QString::fromStdString(diff.name)).isValid())
                continue;
            if (other == comparison->classes.size() || fresh(c).size() > 1) {
                other = c;
                if (fresh(c).size() > 1)
                    break;
            }
        }
        QVERIFY(other < comparison->classes.size());
        const QString otherName = QString::fromStdString(comparison->classes[other].name);
        table->setCurrentIndex(tableRow(otherName));
        QVERIFY(shown.wait(60000));
        QVERIFY(pane->model()->rowCount() >= 1);
        QCOMPARE(shownRows(pane), fresh(other));
        QCOMPARE(pane->summaryCount(), 1); // grouped from the kept paths: no second summary
        QVERIFY(pane->model()->result()->table == firstTable);
        QVERIFY(pane->cachedFor() == comparison->current);
        // And back: the first class's groups are those of a fresh computation too.
        table->setCurrentIndex(record);
        QVERIFY(shown.wait(60000));
        QCOMPARE(shownRows(pane), fresh(std::size_t(recordRow)));
        QCOMPARE(pane->summaryCount(), 1);

        // Selections that race: a second one while the first still summarizes gives the second's
        // groups, from one summary that is then kept.
        HolderGroupsPane racing(nullptr);
        QSignalSpy racingShown(&racing, &HolderGroupsPane::groupsShown);
        racing.setClass(comparison, recordRow);
        racing.setClass(comparison, int(other));
        QVERIFY(racingShown.wait(60000));
        QCOMPARE(racingShown.count(), 1);
        QCOMPARE(shownRows(&racing), fresh(other));
        QCOMPARE(racing.summaryCount(), 1);
        QVERIFY(racing.cachedFor() == comparison->current);
        racing.setClass(comparison, recordRow);
        QVERIFY(racingShown.wait(60000));
        QCOMPARE(racing.summaryCount(), 1);
        QCOMPARE(shownRows(&racing), fresh(std::size_t(recordRow)));
    }

    void comparisonOfBunSnapshotsShowsTheBanner() {
        MainWindow window;
        window.show();
        window.openFiles({TestUtil::dataPath("mixed-pair-bun1-A.heapsnapshot.gz"),
                          TestUtil::dataPath("mixed-pair-bun1-B.heapsnapshot.gz")});
        QTRY_VERIFY_WITH_TIMEOUT(window.currentView() && window.currentView()->perspective() ==
                                                             SnapshotView::ComparisonPerspective,
                                 120000);
        auto* banner = window.currentView()->comparisonPage()->findChild<QLabel*>(u"processBanner"_s);
        QVERIFY(banner);
        QTRY_VERIFY_WITH_TIMEOUT(!banner->isHidden(), 60000);
        QVERIFY(banner->text().contains(u"Bun"_s));
    }

    void emptyFolderAndSingleSnapshotAreRefused() {
        MainWindow window;
        QTemporaryDir empty;
        QVERIFY(!window.openFolder(empty.path()));
        window.openFiles({TestUtil::dataPath("tiny-node20.heapsnapshot.gz")});
        window.showTrend();
        QVERIFY(window.pages()->currentWidget() != window.trendPage());
    }
};

QTEST_MAIN(TestTrend)
#include "tst_trend.moc"
