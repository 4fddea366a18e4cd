// SPDX-License-Identifier: MIT
// The Closures perspective and the realm filters: the model under QAbstractItemModelTester against
// the core's analysis, the page in the window (computed in the background, a field opens its value,
// the location is copied as url:line:column, a file without scope data says so), the Summary's realm
// entries and the Comparison restricted to one realm on both sides.
#include "testutil.h"

#include "jobs/backgroundjob.h"
#include "mainwindow.h"
#include "models/closuresmodel.h"
#include "models/comparisonmodel.h"
#include "models/modelroles.h"
#include "models/summarymodel.h"
#include "pages/closurespage.h"
#include "pages/comparisonpage.h"
#include "pages/retainerspane.h"
#include "pages/summarypage.h"
#include "snapshotdocument.h"
#include "snapshotsession.h"
#include "snapshotview.h"

#ifndef Q_MOC_RUN
#include <heapscope/comparison.h>
#include <heapscope/contexts.h>
#include <heapscope/realms.h>
#endif

#include <QAbstractItemModelTester>
#include <QApplication>
#include <QClipboard>
#include <QComboBox>
#include <QLabel>
#include <QStandardPaths>
#include <QTabWidget>
#include <QTest>
#include <QTreeView>

class TestClosures : public QObject {
    Q_OBJECT
    std::unique_ptr<MainWindow> m_window;

    SnapshotView* open(const QStringList& names) {
        m_window = std::make_unique<MainWindow>();
        m_window->resize(1200, 800);
        m_window->show();
        QStringList paths;
        for (const QString& n : names)
            paths << TestUtil::dataPath(n.toUtf8().constData());
        m_window->openFiles(paths);
        if (!QTest::qWaitFor(
                [this, &names] {
                    int ready = 0;
                    for (SnapshotDocument* d : m_window->session()->documents())
                        ready += d->isReady();
                    return ready == names.size() && m_window->currentView();
                },
                120000))
            return nullptr;
        return m_window->currentView();
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("HeapscopeTests"));
    }
    void cleanup() { m_window.reset(); }

    void modelMatchesTheAnalysis() {
        const auto analysis = TestUtil::analysisOf("closures-leak-chromium.heapsnapshot.gz");
        QVERIFY(analysis);
        auto result = heapscope::analyzeContexts(*analysis);
        QVERIFY(result);
        ClosuresModel model;
        QAbstractItemModelTester tester(&model, QAbstractItemModelTester::FailureReportingMode::Fatal);
        model.setResult(analysis, *result);
        const auto& scopes = (*result)->scopes;
        QCOMPARE(model.rowCount(), int(scopes.size()));
        for (int s = 0; s < model.rowCount(); ++s) {
            const QModelIndex scope = model.index(s, 0);
            QCOMPARE(model.rowCount(scope), int(scopes[std::size_t(s)].contexts.size()));
            QCOMPARE(
                model.index(s, ClosuresModel::DeadRetainedColumn).data(ModelRoles::SortRole).toULongLong(),
                [&] {
                    std::uint64_t sum = 0;
                    for (const auto& c : scopes[std::size_t(s)].contexts)
                        sum += c.deadFieldsRetainedSizeSum;
                    return sum;
                }());
            for (int c = 0; c < model.rowCount(scope); ++c) {
                const QModelIndex context = model.index(c, 0, scope);
                const auto& report = scopes[std::size_t(s)].contexts[std::size_t(c)];
                QCOMPARE(context.data(ModelRoles::ObjectRefRole).value<ObjectRef>().node, report.contextNode);
                QCOMPARE(model.rowCount(context), int(report.deadFields.size()));
                for (int f = 0; f < model.rowCount(context); ++f) {
                    const QModelIndex field = model.index(f, 0, context);
                    QCOMPARE(field.parent(), context);
                    QCOMPARE(field.data(ModelRoles::ObjectRefRole).value<ObjectRef>().node,
                             report.deadFields[std::size_t(f)].valueNode);
                    QCOMPARE(model.scopeOf(field), &scopes[std::size_t(s)]);
                }
            }
        }
        const QModelIndex first = model.index(0, 0, model.index(0, 0, model.index(0, 0)));
        QVERIFY2(first.data().toString().startsWith(u"bigData = "), qPrintable(first.data().toString()));
        QVERIFY(model.index(0, 0).data(ClosuresModel::LocationRole).toString().endsWith(u"/leak.js:5:21"));
    }

    void pageInTheWindow() {
        SnapshotView* view = open({QStringLiteral("closures-leak-chromium.heapsnapshot.gz")});
        QVERIFY(view);
        ClosuresPage* page = view->closuresPage();
        QVERIFY(page);
        auto* tabs = view->findChild<QTabWidget*>(QStringLiteral("perspectives"));
        QCOMPARE(tabs->tabText(tabs->count() - 1), QStringLiteral("Closures"));
        QTRY_VERIFY_WITH_TIMEOUT(page->model()->rowCount() > 0, 60000);
        QVERIFY(page->notice()->text().contains(QStringLiteral("no live closure can read")));
        view->showClosures();
        QVERIFY(view->isClosuresShown());
        QCOMPARE(view->perspectiveKey(), QStringLiteral("closures"));
        QCOMPARE(view->currentTable(), page->view());
        // A dead field: the Retainers pane follows it, the location is copied, a double-click
        // reveals the value in the Summary.
        ClosuresModel* model = page->model();
        const QModelIndex field = model->index(0, 0, model->index(0, 0, model->index(0, 0)));
        const ObjectRef value = field.data(ModelRoles::ObjectRefRole).value<ObjectRef>();
        QVERIFY(value.isValid());
        page->view()->setCurrentIndex(field);
        QCOMPARE(view->retainersPane()->object(), value);
        QVERIFY(page->copyCurrentLocation());
        QVERIFY(QGuiApplication::clipboard()->text().endsWith(u"/leak.js:5:21"));
        Q_EMIT page->view()->doubleClicked(field);
        QTRY_COMPARE(view->perspective(), SnapshotView::SummaryPerspective);
        QTRY_COMPARE(
            view->summaryPage()->view()->currentIndex().data(ModelRoles::ObjectRefRole).value<ObjectRef>(),
            value);
    }

    void fileWithoutScopeDataSaysSo() {
        SnapshotView* view = open({QStringLiteral("tiny-node20.heapsnapshot.gz")});
        QVERIFY(view);
        ClosuresPage* page = view->closuresPage();
        QTRY_VERIFY_WITH_TIMEOUT(!page->job()->isRunning(), 60000);
        QCOMPARE(page->model()->rowCount(), 0);
        QVERIFY(page->notice()->text().contains(QStringLiteral("no scope data")));
        QVERIFY(page->notice()->text().contains(QStringLiteral("Chromium 156")));
    }

    // The Summary's filter list gains DevTools' realm entries; one gives the core's rows.
    void summaryRealmFilter() {
        SnapshotView* view = open({QStringLiteral("closures-multi-chromium.heapsnapshot.gz")});
        QVERIFY(view);
        SummaryPage* summary = view->summaryPage();
        QComboBox* combo = summary->filterCombo();
        auto find = [combo](const QString& key) {
            for (int i = 0; i < combo->count(); ++i)
                if (combo->itemData(i, Qt::ToolTipRole).toString() == key)
                    return i;
            return -1;
        };
        QTRY_VERIFY_WITH_TIMEOUT(find(QStringLiteral("noNativeContext")) > 0, 60000);
        const auto analysis = view->document()->analysis();
        auto realms = heapscope::computeRealms(*analysis);
        QVERIFY(realms);
        // Native contexts by attributed size, then shared and unattributed.
        const auto bySize = (*realms)->bySize();
        int previous = 0;
        for (const auto* c : bySize) {
            const int at = find(QStringLiteral("nativeContext_%1").arg(c->nodeIndex));
            QVERIFY(at > previous);
            QCOMPARE(combo->itemText(at),
                     QString::fromStdString(heapscope::realmFilterTitle(
                         **realms, {heapscope::RealmFilter::Kind::NativeContext, c->node})));
            previous = at;
        }
        QVERIFY(find(QStringLiteral("sharedNativeContext")) > previous);
        const heapscope::RealmFilter filter{heapscope::RealmFilter::Kind::NativeContext,
                                            bySize.front()->node};
        const int index = find(QString::fromStdString(heapscope::realmFilterKey(**realms, filter)));
        combo->setCurrentIndex(index);
        Q_EMIT combo->activated(index);
        QTRY_VERIFY_WITH_TIMEOUT(!summary->isBusy(), 60000);
        auto expected = heapscope::aggregateRealm(*analysis, **realms, filter);
        QVERIFY(expected);
        QVERIFY(summary->model()->aggregates());
        QCOMPARE(summary->model()->aggregates()->objectCount, expected->objectCount);
        QCOMPARE(summary->model()->aggregates()->selfSize, expected->selfSize);
    }

    // The Comparison of one realm: both sides restricted, as the core computes it.
    void comparisonRealm() {
        SnapshotView* view = open({QStringLiteral("leak-A-node20.heapsnapshot.gz"),
                                   QStringLiteral("leak-B-node20.heapsnapshot.gz")});
        QVERIFY(view);
        SnapshotView* current = nullptr;
        for (SnapshotDocument* d : m_window->session()->documents())
            if (d->displayName().contains(QStringLiteral("leak-B")))
                current = m_window->ensureView(d);
        QVERIFY(current);
        ComparisonPage* page = current->comparisonPage();
        QTRY_VERIFY_WITH_TIMEOUT(page->model()->comparison() != nullptr, 120000);
        const heapscope::ComparisonPtr full = page->model()->comparison();
        QTRY_VERIFY_WITH_TIMEOUT(page->realmCombo()->count() >= 4, 60000);
        page->realmCombo()->setCurrentIndex(1); // the biggest native context
        Q_EMIT page->realmCombo()->activated(1);
        QTRY_VERIFY_WITH_TIMEOUT(page->model()->comparison() != full, 60000);
        const heapscope::ComparisonPtr shown = page->model()->comparison();
        auto baseRealms = heapscope::computeRealms(*full->base);
        auto currentRealms = heapscope::computeRealms(*full->current);
        QVERIFY(baseRealms && currentRealms);
        const std::uint32_t id = (*currentRealms)->bySize().front()->nodeId;
        auto expected = heapscope::compareInRealm(*full, **baseRealms, **currentRealms,
                                                  heapscope::RealmFilter::Kind::NativeContext, id);
        QVERIFY(expected);
        QCOMPARE(shown->totals.newCount, (*expected)->totals.newCount);
        QCOMPARE(shown->totals.deletedCount, (*expected)->totals.deletedCount);
        QCOMPARE(shown->classes.size(), (*expected)->classes.size());
        QVERIFY(shown->totals.newCount <= full->totals.newCount);
        // Back to all realms: the whole Comparison again.
        page->realmCombo()->setCurrentIndex(0);
        Q_EMIT page->realmCombo()->activated(0);
        QTRY_COMPARE(page->model()->comparison(), full);
    }
};

QTEST_MAIN(TestClosures)
#include "tst_closures.moc"
