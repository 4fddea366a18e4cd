// SPDX-License-Identifier: MIT
// The capture dialogs driven like a user would, against a real Node.js process, offscreen.

#include <captureactions.h>
#include <capturesettings.h>
#include <connectdialog.h>
#include <signaldialog.h>
#include <watchfolderdialog.h>

#include <QAction>
#include <QApplication>
#include <QDir>
#include <QLabel>
#include <QLineEdit>
#include <QMessageBox>
#include <QProcess>
#include <QPushButton>
#include <QRegularExpression>
#include <QSettings>
#include <QSignalSpy>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

#include <QTimer>
#include <QTreeWidget>
#include <csignal>
#include <sys/prctl.h>

using namespace Qt::StringLiterals;
using namespace heapscope::captureui;

namespace {

/// Node with --inspect on a free port, always stopped.
class InspectedNode {
public:
    InspectedNode() {
        m_process.setProgram(QStringLiteral(HEAPSCOPE_NODE));
        // Also when the test itself is killed (a CTest timeout): the kernel ends node with it.
        m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        m_process.setArguments({u"--inspect=127.0.0.1:0"_s, QStringLiteral(HEAPSCOPE_LEAK_JS)});
        m_process.start();
    }
    ~InspectedNode() {
        m_process.kill();
        m_process.waitForFinished(5000);
    }
    QString address() {
        static const QRegularExpression listening(u"Debugger listening on ws://(127\\.0\\.0\\.1:\\d+)/"_s);
        QByteArray err;
        for (int i = 0; i < 100; ++i) {
            err += m_process.readAllStandardError();
            const auto match = listening.match(QString::fromUtf8(err));
            if (match.hasMatch())
                return match.captured(1);
            m_process.waitForReadyRead(100);
        }
        return {};
    }

private:
    QProcess m_process;
};

template <typename T> T* child(QWidget* parent, const QString& text) {
    for (T* widget : parent->findChildren<T*>())
        if (widget->text().remove(u'&') == text)
            return widget;
    return nullptr;
}

void grab(QWidget* widget, const char* name) {
    const QString folder = qEnvironmentVariable("HEAPSCOPE_CAPTURE_SCREENSHOTS");
    if (!folder.isEmpty())
        widget->grab().save(QDir(folder).filePath(QString::fromLatin1(name) + u".png"_s));
}

} // namespace

class TestCaptureUi : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void initTestCase() {
        QStandardPaths::setTestModeEnabled(true);
        QCoreApplication::setOrganizationName(u"HeapscopeTest"_s);
        QSettings().clear();
    }
    void pauseWarningShownOnce();
    void connectDialogTakesASeries();
    void otherDialogs();
};

void TestCaptureUi::pauseWarningShownOnce() {
    QSettings().remove(u"capture/pauseWarningShown"_s);
    QWidget window;
    int shown = 0;
    auto acceptBox = [&] {
        QTimer::singleShot(50, this, [&] {
            if (auto* box = qobject_cast<QMessageBox*>(QApplication::activeModalWidget())) {
                ++shown;
                QVERIFY(box->informativeText().contains(u"twice"_s));
                grab(box, "pause-warning");
                box->button(QMessageBox::Ok)->click();
            }
        });
    };
    acceptBox();
    QVERIFY(confirmFirstCapture(&window));
    QCOMPARE(shown, 1);
    acceptBox();
    QVERIFY(confirmFirstCapture(&window)); // remembered: no second box
    QTest::qWait(100);
    QCOMPARE(shown, 1);
}

void TestCaptureUi::connectDialogTakesASeries() {
    InspectedNode node;
    const QString address = node.address();
    QVERIFY(!address.isEmpty());
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    setSnapshotFolder(dir.path());
    setLastAddress(address);
    QSettings().setValue(u"capture/pauseWarningShown"_s, true); // pauseWarningShownOnce() covers the box

    QWidget window;
    CaptureActions actions(&window);
    QCOMPARE(actions.actions().size(), 3);
    QSignalSpy ready(&actions, &CaptureActions::snapshotReady);
    actions.connectAction()->trigger();
    auto* dialog = window.findChild<ConnectDialog*>();
    QVERIFY(dialog);
    QVERIFY(dialog->isVisible());
    auto* targets = dialog->findChild<QTreeWidget*>();
    QTRY_COMPARE_WITH_TIMEOUT(targets->topLevelItemCount(), 1, 5000);
    grab(dialog, "connect-dialog");

    QPushButton* snapshot = child<QPushButton>(dialog, u"Take Heap Snapshot"_s);
    QVERIFY(snapshot);
    QTRY_VERIFY(snapshot->isEnabled());
    snapshot->click();
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 1, 15000);
    QVERIFY(ready.at(0).at(1).toString().isEmpty());
    QTRY_VERIFY(snapshot->isEnabled());
    snapshot->click();
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 15000);
    // The second of the same target comes with the first, for the Comparison.
    QCOMPARE(ready.at(1).at(1).toString(), ready.at(0).at(0).toString());
    QVERIFY(QFileInfo(ready.at(1).at(0).toString()).fileName().endsWith(u".0.002.heapsnapshot"_s));

    QPushButton* timeline = child<QPushButton>(dialog, u"Start Allocation Timeline"_s);
    QVERIFY(timeline);
    timeline->click();
    QTRY_VERIFY_WITH_TIMEOUT(child<QPushButton>(dialog, u"Stop Allocation Timeline"_s), 5000);
    QTRY_VERIFY(timeline->isEnabled());
    grab(dialog, "connect-dialog-timeline");
    timeline->click();
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 3, 15000);
    QVERIFY(ready.at(2).at(0).toString().endsWith(u".heaptimeline"_s));
    QVERIFY(ready.at(2).at(1).toString().isEmpty()); // a timeline is not compared with a snapshot

    // A closed port: the message, and the list is empty.
    dialog->findChild<QLineEdit*>()->setText(u"127.0.0.1:1"_s);
    dialog->listTargets();
    QTRY_COMPARE_WITH_TIMEOUT(targets->topLevelItemCount(), 0, 5000);
    auto statusSays = [dialog](const QString& text) {
        for (QLabel* label : dialog->findChildren<QLabel*>())
            if (label->text().contains(text))
                return true;
        return false;
    };
    QTRY_VERIFY_WITH_TIMEOUT(statusSays(u"connection refused"_s), 5000);
    grab(dialog, "connect-dialog-refused");
}

void TestCaptureUi::otherDialogs() {
    QWidget window;
    CaptureActions actions(&window);
    actions.signalAction()->trigger();
    auto* signalDialog = window.findChild<SignalDialog*>();
    QVERIFY(signalDialog && signalDialog->isVisible());
    QTest::qWait(300);
    grab(signalDialog, "signal-dialog");

    QTemporaryDir dir;
    actions.watchAction()->trigger();
    auto* watchDialog = window.findChild<WatchFolderDialog*>();
    QVERIFY(watchDialog && watchDialog->isVisible());
    QSignalSpy ready(&actions, &CaptureActions::snapshotReady);
    watchDialog->startWatching(dir.path());
    QVERIFY(watchDialog->isWatching());
    grab(watchDialog, "watch-dialog");
    watchDialog->stopWatching();
    QVERIFY(!watchDialog->isWatching());
}

QTEST_MAIN(TestCaptureUi)
#include "tst_captureui.moc"
