// SPDX-License-Identifier: MIT
// The job layer: one run at a time, stale results dropped, cancel and destroy stop the work; and
// the long calls behind it (a Summary filter, a Comparison) cancelled from the UI.
#include "testutil.h"

#include "jobs/backgroundjob.h"
#include "models/summarymodel.h"
#include "pages/summarypage.h"
#include "snapshotdocument.h"
#include "snapshotsession.h"

#include <QComboBox>
#include <QLabel>
#include <QProgressBar>
#include <QPushButton>
#include <QSignalSpy>
#include <QTest>
#include <QTreeView>

#include <atomic>
#include <chrono>
#include <memory>
#include <thread>

namespace {

// Work that runs until it is asked to stop (or for `limit`), and says whether it saw the stop.
struct Spinner {
    std::shared_ptr<std::atomic<int>> state = std::make_shared<std::atomic<int>>(0); // 1 running, 2 stopped
    auto work(std::chrono::milliseconds limit = std::chrono::seconds(30)) const {
        return [state = state, limit](JobContext& job) {
            state->store(1);
            const auto end = std::chrono::steady_clock::now() + limit;
            while (!job.stopRequested() && std::chrono::steady_clock::now() < end)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            state->store(job.stopRequested() ? 2 : 3);
            return 7;
        };
    }
};

SnapshotDocument* openAndWait(SnapshotSession& session, const char* name) {
    SnapshotDocument* doc = session.open(TestUtil::dataPath(name));
    if (!QTest::qWaitFor([doc] { return !doc->isLoading(); }, 60000) || !doc->isReady())
        return nullptr;
    return doc;
}

} // namespace

class TestJobs : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void deliversOnItsThread() {
        BackgroundJob job;
        QSignalSpy finished(&job, &BackgroundJob::finished);
        QSignalSpy progress(&job, &BackgroundJob::progress);
        Qt::HANDLE deliveredOn = nullptr;
        int value = 0;
        job.start(
            [](JobContext& context) {
                context.setProgress(0.5, QStringLiteral("half"));
                return 42;
            },
            [&](int v) {
                value = v;
                deliveredOn = QThread::currentThreadId();
            });
        QVERIFY(job.isRunning());
        QVERIFY(finished.wait(10000));
        QCOMPARE(value, 42);
        QCOMPARE(deliveredOn, QThread::currentThreadId());
        QVERIFY(!job.isRunning());
    }

    void newerRunDropsTheOlderResult() {
        BackgroundJob job;
        Spinner first;
        QSignalSpy canceled(&job, &BackgroundJob::canceled);
        int delivered = 0, result = 0;
        const quint64 a = job.start(first.work(), [&](int) { ++delivered; });
        QTRY_COMPARE(first.state->load(), 1);
        const quint64 b = job.start([](JobContext&) { return 9; },
                                    [&](int v) {
                                        ++delivered;
                                        result = v;
                                    });
        QVERIFY(b > a);
        QCOMPARE(canceled.count(), 1);
        QTRY_COMPARE(first.state->load(), 2); // the older run saw its stop flag
        QTRY_COMPARE(result, 9);
        QTest::qWait(50);
        QCOMPARE(delivered, 1); // only the newer one
    }

    void cancelStopsTheWorkAndDropsItsResult() {
        BackgroundJob job;
        Spinner spinner;
        bool delivered = false;
        QSignalSpy running(&job, &BackgroundJob::runningChanged);
        job.start(spinner.work(), [&](int) { delivered = true; });
        QTRY_COMPARE(spinner.state->load(), 1);
        job.cancel();
        QVERIFY(!job.isRunning());
        QCOMPARE(running.count(), 2); // true, then false
        QTRY_COMPARE(spinner.state->load(), 2);
        QTest::qWait(50);
        QVERIFY(!delivered);
    }

    void cancelAndWaitReturnsAfterTheWork() {
        BackgroundJob job;
        Spinner spinner;
        job.start(spinner.work(), [](int) {});
        QTRY_COMPARE(spinner.state->load(), 1);
        job.cancelAndWait();
        QCOMPARE(spinner.state->load(), 2);
    }

    void destroyingTheJobStopsItsWork() {
        Spinner spinner;
        bool delivered = false;
        {
            auto* owner = new QObject;
            auto* job = new BackgroundJob(owner);
            job->start(spinner.work(), [&](int) { delivered = true; });
            QTRY_COMPARE(spinner.state->load(), 1);
            delete owner; // the job with it; the work keeps what it captured
        }
        QTRY_COMPARE(spinner.state->load(), 2);
        QTest::qWait(50);
        QVERIFY(!delivered);
    }

    // ---- the long calls behind the job layer ----

    void summaryFilterCanBeCanceled() {
        SnapshotSession session;
        SnapshotDocument* doc = openAndWait(session, "dom-detached-chromium.heapsnapshot.gz");
        QVERIFY(doc);
        SummaryPage page(&session, doc, nullptr);
        const heapscope::Aggregates* all = page.model()->aggregates();
        QCOMPARE(all, &doc->analysis()->allObjects);
        QComboBox* combo = page.filterCombo();
        const int detached = combo->findText(
            QString::fromUtf8(heapscope::namedFilterTitle(heapscope::NamedFilter::RetainedByDetachedDom)));
        QVERIFY(detached > 0);
        QSignalSpy canceled(page.filterJob(), &BackgroundJob::canceled);
        combo->setCurrentIndex(detached);
        Q_EMIT combo->activated(detached);
        QVERIFY(page.isBusy());
        QVERIFY(page.filterJob()->isRunning());
        page.cancelFilter();
        QCOMPARE(canceled.count(), 1);
        QVERIFY(!page.isBusy());
        QVERIFY(!page.filterJob()->isRunning());
        QCOMPARE(combo->currentIndex(), 0); // back to what is shown
        QTest::qWait(100);
        QCOMPARE(page.model()->aggregates(), all); // the filter's rows never arrive

        // Not canceled, the filter shows its rows.
        combo->setCurrentIndex(detached);
        Q_EMIT combo->activated(detached);
        QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), 30000);
        QVERIFY(page.model()->aggregates() != all);
        QVERIFY(page.model()->aggregates()->objectCount < all->objectCount);
    }

    // The Cancel button beside the busy indicator (and Escape) stops a running filter, named or
    // realm: the menu goes back to the filter whose rows are shown, and the stopped job's result
    // never replaces them.
    void summaryFilterCancelButton() {
        SnapshotSession session;
        SnapshotDocument* doc = openAndWait(session, "dom-detached-chromium.heapsnapshot.gz");
        QVERIFY(doc);
        SummaryPage page(&session, doc, nullptr);
        page.resize(900, 500);
        page.show();
        QVERIFY(QTest::qWaitForWindowExposed(&page));
        QComboBox* combo = page.filterCombo();
        QPushButton* cancel = page.cancelFilterButton();
        auto* busyIndicator = page.findChild<QProgressBar*>(QStringLiteral("summaryFilterProgress"));
        auto* totals = page.findChild<QLabel*>(QStringLiteral("summaryTotals"));
        QVERIFY(cancel && busyIndicator && totals);
        QVERIFY(!cancel->isVisible());
        QVERIFY(!busyIndicator->isVisible());
        auto entry = [combo](heapscope::NamedFilter f) {
            return combo->findText(QString::fromUtf8(heapscope::namedFilterTitle(f)));
        };
        auto realmEntry = [combo](const QString& key) {
            for (int i = 0; i < combo->count(); ++i)
                if (combo->itemData(i, Qt::ToolTipRole).toString() == key)
                    return i;
            return -1;
        };
        // The realm entries come once the realms are computed in the background.
        QTRY_VERIFY_WITH_TIMEOUT(realmEntry(QStringLiteral("sharedNativeContext")) > 0, 60000);
        auto choose = [combo](int index) {
            combo->setCurrentIndex(index);
            Q_EMIT combo->activated(index);
        };

        // A filter that finishes: its rows are what Cancel goes back to.
        const int duplicated = entry(heapscope::NamedFilter::DuplicatedStrings);
        QVERIFY(duplicated > 0);
        choose(duplicated);
        QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), 30000);
        const heapscope::Aggregates* shown = page.model()->aggregates();
        QVERIFY(shown && shown != &doc->analysis()->allObjects);
        const int shownRows = page.model()->rowCount();
        const QString shownTotals = totals->text();
        QVERIFY(shownTotals.startsWith(QStringLiteral("Listed:")));

        // The next filters are held running on the pool until they are stopped.
        auto state = std::make_shared<std::atomic<int>>(0); // 1 running, 2 stopped
        page.setFilterWorkHook([state](JobContext& job) {
            state->store(1);
            const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(30);
            while (!job.stopRequested() && std::chrono::steady_clock::now() < end)
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            state->store(job.stopRequested() ? 2 : 3);
        });
        auto verifyBackToShown = [&] {
            QVERIFY(!page.isBusy());
            QVERIFY(!page.filterJob()->isRunning());
            QVERIFY(!cancel->isVisible());
            QVERIFY(!busyIndicator->isVisible());
            QVERIFY(page.view()->isEnabled());
            QCOMPARE(combo->currentIndex(), duplicated);
            QCOMPARE(page.model()->aggregates(), shown);
            QCOMPARE(page.model()->rowCount(), shownRows);
            QCOMPARE(totals->text(), shownTotals);
        };
        auto verifyNothingArrivesLate = [&] {
            QTRY_COMPARE_WITH_TIMEOUT(state->load(), 2, 10000); // the work saw its stop flag
            QVERIFY(BackgroundJob::pool()->waitForDone(30000)); // and has returned
            QTest::qWait(100);                                  // whatever it queued is delivered
            verifyBackToShown();
        };

        // A named filter, stopped with the button.
        QSignalSpy canceled(page.filterJob(), &BackgroundJob::canceled);
        const int detached = entry(heapscope::NamedFilter::RetainedByDetachedDom);
        QVERIFY(detached > 0 && detached != duplicated);
        choose(detached);
        QTRY_COMPARE_WITH_TIMEOUT(state->load(), 1, 10000);
        QTest::qWait(50);
        QVERIFY(page.isBusy());
        QVERIFY(page.filterJob()->isRunning());
        QVERIFY(cancel->isVisible() && cancel->isEnabled());
        QVERIFY(busyIndicator->isVisible());
        QVERIFY(!page.view()->isEnabled());
        QCOMPARE(totals->text(), QStringLiteral("Computing…"));
        QTest::mouseClick(cancel, Qt::LeftButton);
        QCOMPARE(canceled.count(), 1);
        verifyBackToShown();
        verifyNothingArrivesLate();

        // A realm filter, stopped with Escape from the filter menu.
        state->store(0);
        const int shared = realmEntry(QStringLiteral("sharedNativeContext"));
        choose(shared);
        QTRY_COMPARE_WITH_TIMEOUT(state->load(), 1, 10000);
        QVERIFY(page.isBusy());
        QVERIFY(cancel->isVisible());
        QTest::keyClick(combo, Qt::Key_Escape);
        QCOMPARE(canceled.count(), 2);
        verifyBackToShown();
        verifyNothingArrivesLate();

        // Escape with nothing running changes nothing; a filter left to run shows its rows.
        QTest::keyClick(combo, Qt::Key_Escape);
        verifyBackToShown();
        page.setFilterWorkHook({});
        choose(detached);
        QTRY_VERIFY_WITH_TIMEOUT(!page.isBusy(), 30000);
        QCOMPARE(combo->currentIndex(), detached);
        QVERIFY(page.model()->aggregates() != shown);
        QVERIFY(!cancel->isVisible());
    }

    void comparisonCanBeCanceled() {
        SnapshotSession session;
        SnapshotDocument* base = openAndWait(session, "leak-A-node20.heapsnapshot.gz");
        SnapshotDocument* current = openAndWait(session, "leak-B-node20.heapsnapshot.gz");
        QVERIFY(base && current);
        QVERIFY(SnapshotSession::takenBefore(base, current));
        QCOMPARE(session.defaultBase(current), base);
        QSignalSpy ready(&session, &SnapshotSession::comparisonReady);
        QSignalSpy canceled(&session, &SnapshotSession::comparisonCanceled);
        session.requestComparison(base, current);
        QVERIFY(session.isComparing(base, current));
        session.cancelComparison(base, current);
        QCOMPARE(canceled.count(), 1);
        QVERIFY(!session.isComparing(base, current));
        QTest::qWait(200);
        QCOMPARE(ready.count(), 0);
        QVERIFY(!session.comparison(base, current));

        session.requestComparison(base, current);
        QVERIFY(ready.wait(30000));
        QVERIFY(session.comparison(base, current));
    }

    void pendingComparisonAndIgnoredRetainersLiveInTheSession() {
        SnapshotSession session;
        QSignalSpy wanted(&session, &SnapshotSession::comparisonWanted);
        // Opened newest first: the session still compares the newer against the older.
        SnapshotDocument* b = session.open(TestUtil::dataPath("leak-B-node20.heapsnapshot.gz"));
        SnapshotDocument* a = session.open(TestUtil::dataPath("leak-A-node20.heapsnapshot.gz"));
        session.compareWhenLoaded({b, a});
        QTRY_COMPARE_WITH_TIMEOUT(wanted.count(), 1, 60000);
        QCOMPARE(wanted.first().at(0).value<SnapshotDocument*>(), a);
        QCOMPARE(wanted.first().at(1).value<SnapshotDocument*>(), b);

        const heapscope::Analysis* analysis = a->analysis().get();
        QVERIFY(session.ignoredRetainers(analysis).empty());
        QSignalSpy changed(&session, &SnapshotSession::ignoredRetainersChanged);
        const std::set<heapscope::NodeOrdinal> ignored{heapscope::NodeOrdinal(5), heapscope::NodeOrdinal(7)};
        session.setIgnoredRetainers(analysis, {ignored, nullptr});
        QCOMPARE(changed.count(), 1);
        QCOMPARE(session.ignoredRetainers(analysis).nodes, ignored);
        QVERIFY(session.ignoredRetainers(b->analysis().get()).empty()); // per snapshot
        a->load();                                                      // reloaded: a new snapshot
        QTRY_VERIFY_WITH_TIMEOUT(a->isReady(), 60000);
        QVERIFY(session.ignoredRetainers(a->analysis().get()).empty());
    }
};

QTEST_MAIN(TestJobs)
#include "tst_jobs.moc"
