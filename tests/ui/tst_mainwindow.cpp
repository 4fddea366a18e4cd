// SPDX-License-Identifier: MIT
// Drives the real main window offscreen: open, wait for the Summary, sort, expand, select, retainers.
#include "testutil.h"

#include "aboutdialog.h"
#include "mainwindow.h"
#include "models/modelroles.h"
#include "models/retainersmodel.h"
#include "models/summarymodel.h"
#include "pages/loadingpage.h"
#include "pages/retainerspane.h"
#include "pages/startpage.h"
#include "pages/summarypage.h"
#include "snapshotdocument.h"
#include "snapshotsession.h"
#include "snapshotview.h"

#include <QDir>
#include <QFileInfo>
#include <QHeaderView>
#include <QLabel>
#include <QLineEdit>
#include <QListView>
#include <QSignalSpy>
#include <QStackedWidget>
#include <QStandardPaths>
#include <QTemporaryFile>
#include <QTest>
#include <QTreeView>

#include <set>

class TestMainWindow : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("HeapscopeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_mainwindow"));
    }

    void startPageWithoutFiles() {
        MainWindow window;
        window.show();
        QCOMPARE(window.pages()->currentWidget(), static_cast<QWidget*>(window.startPage()));
        QVERIFY(AboutDialog::aboutText().contains(QStringLiteral("LGPL-3.0")));
        QVERIFY(AboutDialog::aboutText().contains(QStringLiteral("Apache License 2.0")));
        QVERIFY(AboutDialog::aboutText().contains(QStringLiteral("zlib")));
        QVERIFY(AboutDialog::aboutText().contains(QStringLiteral("GoogleTest")));
    }

    void summaryAndRetainers() {
        MainWindow window;
        window.resize(1200, 800);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        window.openFiles({TestUtil::dataPath("tiny-node20.heapsnapshot.gz")});
        // Loading runs on the pool: the window shows the loading page meanwhile, then the Summary.
        QTRY_VERIFY_WITH_TIMEOUT(window.currentView() != nullptr, 60000);
        SnapshotView* view = window.currentView();
        QCOMPARE(window.pages()->currentWidget()->objectName(), QStringLiteral("results"));
        QVERIFY(window.findChild<QLabel*>(QStringLiteral("statusTotals"))
                    ->text()
                    .contains(QStringLiteral("objects")));
        QCOMPARE(window.sidebar()->model()->rowCount(), 1);

        SummaryPage* page = view->summaryPage();
        QTreeView* tree = page->view();
        auto* model = page->model();
        const heapscope::AnalysisPtr analysis = view->document()->analysis();
        QCOMPARE(model->rowCount(), int(analysis->allObjects.classes.size()));

        // Sort by every column, both ways, through the header as a user would.
        for (int column = 0; column < model->columnCount(); ++column) {
            for (Qt::SortOrder order : {Qt::AscendingOrder, Qt::DescendingOrder}) {
                tree->header()->setSortIndicator(column, order);
                QCOMPARE(model->sortColumn(), column);
                for (int r = 1; r < model->rowCount() && column > 0; ++r) {
                    const double a = model->index(r - 1, column).data(ModelRoles::SortRole).toDouble();
                    const double b = model->index(r, column).data(ModelRoles::SortRole).toDouble();
                    QVERIFY(order == Qt::AscendingOrder ? a <= b : a >= b);
                }
            }
        }
        tree->header()->setSortIndicator(SummaryModel::RetainedColumn, Qt::DescendingOrder);

        // Expand a class with several instances, then an instance with edges.
        QModelIndex cls;
        for (int r = 0; r < model->rowCount() && !cls.isValid(); ++r)
            if (model->totalChildCount(model->index(r, 0)) > 3)
                cls = model->index(r, 0);
        QVERIFY(cls.isValid());
        tree->expand(cls);
        QTRY_VERIFY(tree->isExpanded(cls));
        QVERIFY(model->rowCount(cls) > 0);
        QModelIndex instance;
        for (int r = 0; r < model->rowCount(cls) && !instance.isValid(); ++r)
            if (model->hasChildren(model->index(r, 0, cls)))
                instance = model->index(r, 0, cls);
        QVERIFY(instance.isValid());
        tree->expand(instance);
        QVERIFY(model->rowCount(instance) > 0);
        QVERIFY(model->index(0, 0, instance).data().toString().contains(QStringLiteral(" :: ")));

        // Select the object: the Retainers pane shows its retainers, as the core computes them.
        tree->setCurrentIndex(instance);
        const ObjectRef object = model->objectAt(instance);
        RetainersPane* pane = view->retainersPane();
        QCOMPARE(pane->object().node, object.node);
        RetainersModel* retainers = pane->model();
        const QModelIndex root = retainers->index(0, 0);
        QCOMPARE(retainers->objectAt(root).node, object.node);
        QVERIFY(pane->view()->isExpanded(root));
        const heapscope::Snapshot& s = *analysis->snapshot;
        std::multiset<heapscope::NodeOrdinal> expected;
        std::int32_t best = INT32_MAX;
        for (const heapscope::RetainerSlot slot : s.retainersOf(object.node)) {
            if (s.retainerSource()[slot] == s.root() ||
                s.edgeKind(s.retainerEdge[slot]) == heapscope::EdgeKind::Weak)
                continue;
            expected.insert(s.retainerSource()[slot]);
            std::int32_t d = analysis->distance[s.retainerSource()[slot]];
            if (d == heapscope::kNoDistance)
                d = heapscope::kBaseUnreachableDistance;
            best = std::min(best, d);
        }
        QCOMPARE(retainers->totalChildCount(root), int(expected.size()));
        const QModelIndex firstRetainer = retainers->index(0, 0, root);
        QVERIFY(expected.count(retainers->objectAt(firstRetainer).node));
        QCOMPARE(retainers->distanceAt(firstRetainer), best);
        // DevTools' auto-expansion: the first chain opens while the distance is above 1.
        if (best > 1 && best < 100)
            QVERIFY(pane->view()->isExpanded(firstRetainer));

        // Ctrl+F: find by id reveals and selects.
        const heapscope::NodeOrdinal target = analysis->allObjects.classes.back().instances.back();
        QVERIFY(page->findById(QStringLiteral("@%1").arg(s.nodeId[target])));
        QCOMPARE(model->objectAt(tree->currentIndex()).node, target);
        QCOMPARE(pane->object().node, target);
        QVERIFY(!page->findById(QStringLiteral("@4294967295")));

        // A class filter narrows the class rows.
        auto* filter = page->findChild<QLineEdit*>(QStringLiteral("classFilter"));
        filter->setText(QStringLiteral("Array"));
        QTRY_VERIFY(model->rowCount() < int(analysis->allObjects.classes.size()));
        for (int r = 0; r < model->rowCount(); ++r)
            QVERIFY(model->index(r, 0)
                        .data(ModelRoles::LabelRole)
                        .toString()
                        .contains(QStringLiteral("array"), Qt::CaseInsensitive));
    }

    void failedLoadIsInlineAndIsolated() {
        MainWindow window;
        window.show();
        window.openFiles({TestUtil::dataPath("tiny-node20.heapsnapshot.gz")});
        QTRY_VERIFY_WITH_TIMEOUT(window.currentView() != nullptr, 60000);
        SnapshotDocument* good = window.currentDocument();

        QTemporaryFile broken(QDir::tempPath() + QStringLiteral("/broken-XXXXXX.heapsnapshot"));
        QVERIFY(broken.open());
        broken.write("{\"snapshot\":{\"meta\":{\"node_fields\":[\"type\"");
        broken.close();
        window.openFiles({broken.fileName()});
        SnapshotDocument* bad = window.currentDocument();
        QVERIFY(bad != good);
        QTRY_COMPARE_WITH_TIMEOUT(int(bad->state()), int(SnapshotDocument::State::Failed), 30000);
        QCOMPARE(window.pages()->currentWidget(), static_cast<QWidget*>(window.loadingPage()));
        auto* error = window.loadingPage()->findChild<QLabel*>(QStringLiteral("loadError"));
        QVERIFY(error->isVisible());
        QVERIFY(error->text().contains(QFileInfo(broken.fileName()).fileName()));
        // The first snapshot is untouched.
        QVERIFY(good->isReady());
        window.selectDocument(good);
        QCOMPARE(window.currentView()->document(), good);
        // Closing frees it and the list follows.
        window.session()->close(bad);
        QCOMPARE(window.sidebar()->model()->rowCount(), 1);
    }

    void cancelStopsALoad() {
        MainWindow window;
        window.show();
        window.openFiles({TestUtil::dataPath("leak-B-node20.heapsnapshot.gz")});
        SnapshotDocument* doc = window.currentDocument();
        QVERIFY(doc->isLoading());
        QSignalSpy canceled(doc, &SnapshotDocument::canceled);
        doc->cancel();
        QCOMPARE(canceled.count(), 1);
        QCOMPARE(int(doc->state()), int(SnapshotDocument::State::Canceled));
        QTest::qWait(200);
        QVERIFY(!window.currentView()); // a late result is dropped
        doc->load();                    // try again
        QTRY_VERIFY_WITH_TIMEOUT(doc->isReady(), 60000);
        QVERIFY(window.currentView());
    }
};

QTEST_MAIN(TestMainWindow)
#include "tst_mainwindow.moc"
