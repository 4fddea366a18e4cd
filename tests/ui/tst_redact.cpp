// SPDX-License-Identifier: MIT
// File › Save Redacted Copy…: the copy of the current snapshot is written in the background, the
// window stays responsive, and the copy has the same Summary as the snapshot on screen.
#include "testutil.h"

#include "mainwindow.h"
#include "snapshotdocument.h"

#include <QAction>
#include <QDir>
#include <QFile>
#include <QFileInfo>
#include <QStatusBar>
#include <QTemporaryDir>

using namespace Qt::StringLiterals;

class TestRedact : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void initTestCase() { QCoreApplication::setApplicationName(u"tst_redact"_s); }

    void savesARedactedCopyInTheBackground() {
        MainWindow window;
        window.resize(1000, 700);
        window.show();
        QVERIFY(QTest::qWaitForWindowExposed(&window));
        auto* action = window.findChild<QAction*>(u"actionSaveRedactedCopy"_s);
        QVERIFY(action);
        const QString input = TestUtil::dataPath("secrets-node20.heapsnapshot.gz");
        window.openFiles({input});
        QTRY_VERIFY_WITH_TIMEOUT(window.currentDocument() && window.currentDocument()->isReady(), 60000);
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        const QString out = dir.filePath(u"copy.heapsnapshot"_s);
        QFile previous(out);
        QVERIFY(previous.open(QIODevice::WriteOnly));
        previous.write("previous");
        previous.close();
        window.saveRedactedCopy(out);
        QTRY_VERIFY_WITH_TIMEOUT(window.statusBar()->currentMessage().startsWith(u"Saved a redacted copy"_s),
                                 60000);
        QFile copy(out);
        QVERIFY(copy.open(QIODevice::ReadOnly));
        const QByteArray bytes = copy.readAll();
        QVERIFY(bytes.startsWith("{"));
        QVERIFY(!bytes.contains("ghp_fedcba9876543210-plantd-SECRET"));
        QVERIFY(!bytes.contains("PLANTED-COMMENT-SECRET-7c1f"));
        QVERIFY(bytes.contains("\"PlantedHolder\""));
        // only the copy is left in the folder (no temporary file)
        QCOMPARE(QDir(dir.path()).entryList(QDir::Files | QDir::Hidden), QStringList{u"copy.heapsnapshot"_s});

        auto original = TestUtil::analysisOf("secrets-node20.heapsnapshot.gz");
        auto loaded = heapscope::loadSnapshot(out.toStdString());
        QVERIFY(original && loaded.ok());
        auto redacted = heapscope::analyze(*loaded);
        QVERIFY(redacted.ok());
        QCOMPARE((*redacted)->allObjects.objectCount, original->allObjects.objectCount);
        QCOMPARE((*redacted)->allObjects.selfSize, original->allObjects.selfSize);
        QCOMPARE((*redacted)->allObjects.classes.size(), original->allObjects.classes.size());
        QCOMPARE((*redacted)->totalSize, original->totalSize);
    }
};

QTEST_MAIN(TestRedact)
#include "tst_redact.moc"
