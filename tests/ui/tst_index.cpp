// SPDX-License-Identifier: MIT
// The app and the persisted index: the first open keeps one in the background, the next open maps
// it, a damaged one is reported and replaced, and the menu's setting and Clear work.
#include "testutil.h"

#include "indexkeeper.h"
#include "mainwindow.h"
#include "snapshotdocument.h"
#include "snapshotsession.h"
#include "snapshotview.h"

#include <heapscope/index_cache.h>

#include <QAction>
#include <QDir>
#include <QFile>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

class TestIndex : public QObject {
    Q_OBJECT

private:
    QTemporaryDir m_cache;
    QTemporaryDir m_files;
    QString m_snapshot;

    QStringList indexFiles() const {
        return QDir(m_cache.filePath(QStringLiteral("heapscope")))
            .entryList({QStringLiteral("*.hsidx")}, QDir::Files);
    }

    // Opens the snapshot in a fresh window and waits for its Summary.
    SnapshotDocument* openAndWait(MainWindow& window) {
        window.openFiles({m_snapshot});
        [&] { QTRY_VERIFY_WITH_TIMEOUT(window.currentView() != nullptr, 60000); }();
        SnapshotDocument* doc =
            window.session()->documents().isEmpty() ? nullptr : window.session()->documents().constLast();
        return doc;
    }

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(QStringLiteral("HeapscopeTests"));
        QCoreApplication::setApplicationName(QStringLiteral("tst_index"));
        QVERIFY(m_cache.isValid() && m_files.isValid());
        qputenv("XDG_CACHE_HOME", QFile::encodeName(m_cache.path()));
        qunsetenv("HEAPSCOPE_NO_CACHE");
        m_snapshot = m_files.filePath(QStringLiteral("tiny-node20.heapsnapshot.gz"));
        QVERIFY(QFile::copy(TestUtil::dataPath("tiny-node20.heapsnapshot.gz"), m_snapshot));
        IndexSettings::setEnabled(true);
    }

    void firstOpenKeepsAnIndexAndTheNextMapsIt() {
        quint64 rows = 0, total = 0;
        {
            MainWindow window;
            window.show();
            auto* keeper = window.findChild<IndexKeeper*>();
            QVERIFY(keeper);
            QSignalSpy written(keeper, &IndexKeeper::written);
            SnapshotDocument* doc = openAndWait(window);
            QVERIFY(doc && doc->isReady());
            QCOMPARE(int(doc->indexOutcome()), int(heapscope::IndexOutcome::Absent));
            QTRY_COMPARE_WITH_TIMEOUT(written.count(), 1, 30000);
            QCOMPARE(indexFiles().size(), 1);
            rows = doc->analysis()->allObjects.classes.size();
            total = doc->analysis()->totalSize;
        }
        MainWindow window;
        window.show();
        SnapshotDocument* doc = openAndWait(window);
        QVERIFY(doc && doc->isReady());
        QCOMPARE(int(doc->indexOutcome()), int(heapscope::IndexOutcome::Used));
        QVERIFY(doc->indexWarning().isEmpty());
        QCOMPARE(quint64(doc->analysis()->allObjects.classes.size()), rows);
        QCOMPARE(quint64(doc->analysis()->totalSize), total);
        QVERIFY(doc->snapshot()->nodeType.isBorrowed());
    }

    void aDamagedIndexIsReportedAndReplaced() {
        const QStringList files = indexFiles();
        QCOMPARE(files.size(), 1);
        QFile index(m_cache.filePath(QStringLiteral("heapscope/") + files.first()));
        QVERIFY(index.open(QIODevice::ReadWrite));
        index.seek(index.size() / 2);
        const QByteArray old = index.read(1);
        index.seek(index.size() / 2);
        index.write(QByteArray(1, char(old.at(0) ^ 0x10)));
        index.close();

        MainWindow window;
        window.show();
        auto* keeper = window.findChild<IndexKeeper*>();
        QSignalSpy written(keeper, &IndexKeeper::written);
        SnapshotDocument* doc = openAndWait(window);
        QVERIFY(doc && doc->isReady());
        QCOMPARE(int(doc->indexOutcome()), int(heapscope::IndexOutcome::Rejected));
        QVERIFY(doc->indexWarning().contains(QStringLiteral("could not be used")));
        QTRY_COMPARE_WITH_TIMEOUT(written.count(), 1, 30000); // rebuilt
        QCOMPARE(indexFiles().size(), 1);
    }

    void theSettingTurnsItOffAndClearEmptiesTheFolder() {
        MainWindow window;
        window.show();
        auto* keep = window.findChild<QAction*>(QStringLiteral("actionKeepIndexes"));
        auto* clear = window.findChild<QAction*>(QStringLiteral("actionClearIndexCache"));
        QVERIFY(keep && clear);
        clear->trigger();
        QTRY_VERIFY_WITH_TIMEOUT(indexFiles().isEmpty(), 30000);

        keep->setChecked(true);
        keep->setChecked(false);
        QVERIFY(!IndexSettings::enabled());
        SnapshotDocument* doc = openAndWait(window);
        QVERIFY(doc && doc->isReady());
        QCOMPARE(int(doc->indexOutcome()), int(heapscope::IndexOutcome::Disabled));
        QTest::qWait(300);
        QVERIFY(indexFiles().isEmpty());
        keep->setChecked(true);
        QVERIFY(IndexSettings::enabled());
    }
};

QTEST_MAIN(TestIndex)
#include "tst_index.moc"
