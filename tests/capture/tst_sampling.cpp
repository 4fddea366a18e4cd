// SPDX-License-Identifier: MIT
// Recording a sampling heap profile from a real Node.js process (capture/samplingcapture.*), and
// through heapscope-cli capture --sampling: the file loads as a profile and its allocations are
// leak.js's.
#include <inspectorcapture.h>
#include <inspectorsession.h>
#include <samplingcapture.h>
#include <targetlister.h>

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in.
#ifndef Q_MOC_RUN
#include <heapscope/sampling_profile.h>
#endif

#include <QDir>
#include <QElapsedTimer>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <sys/prctl.h>

using namespace Qt::StringLiterals;
using namespace heapscope::capture;

namespace {

/// leak.js under --inspect on a free port, killed with the test.
class NodeProcess {
public:
    NodeProcess() {
        m_process.setProgram(QStringLiteral(HEAPSCOPE_NODE));
        m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        m_process.setArguments({u"--inspect=127.0.0.1:0"_s, QStringLiteral(HEAPSCOPE_LEAK_JS)});
        m_process.start();
    }
    ~NodeProcess() {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }
    quint16 inspectorPort() {
        static const QRegularExpression listening(u"Debugger listening on ws://127\\.0\\.0\\.1:(\\d+)/"_s);
        QByteArray err;
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 10000 && m_process.state() != QProcess::NotRunning) {
            err += m_process.readAllStandardError();
            const auto match = listening.match(QString::fromUtf8(err));
            if (match.hasMatch())
                return quint16(match.captured(1).toUInt());
            m_process.waitForReadyRead(100);
        }
        qWarning("node printed: %s", err.constData());
        return 0;
    }

private:
    QProcess m_process;
};

// Self size of the frames of leak.js in the profile at `path` (0 when none), or -1 when the file
// does not load. Which of its functions holds the allocations depends on what V8 inlined.
qint64 leakSelf(const QString& path) {
    auto r = heapscope::loadSamplingProfile(QFile::encodeName(path).toStdString());
    if (!r) {
        qWarning("%s", r.error().message().c_str());
        return -1;
    }
    const heapscope::SamplingProfile& p = **r;
    qint64 self = 0;
    for (const auto& row : heapscope::bottomUpFunctions(p)) {
        const std::string& url = p.strings[p.functions[row.function].url];
        if (url.size() >= 7 && url.compare(url.size() - 7, 7, "leak.js") == 0)
            self += qint64(row.self);
    }
    return self;
}

} // namespace

class TestSampling : public QObject {
    Q_OBJECT
private Q_SLOTS:
    void recordsAProfile();
    void cliRecordsAProfile();
    void closedPortFails();
    void sessionSamplesAndWrites();
};

void TestSampling::recordsAProfile() {
    NodeProcess node;
    const quint16 port = node.inspectorPort();
    QVERIFY(port);
    QTemporaryDir dir;
    SamplingOptions options;
    options.address.port = port;
    options.outputFolder = dir.path();
    options.seconds = 1;
    options.samplingInterval = 4096;
    int ticks = 0;
    const SamplingResult result = captureSamplingProfile(options, [&](int, int) { ++ticks; });
    QVERIFY2(result.ok(), qPrintable(result.error));
    QCOMPARE(ticks, 1);
    QVERIFY(result.path.startsWith(dir.path()));
    QVERIFY(result.path.endsWith(u".heapprofile"));
    QVERIFY(heapscope::isSamplingProfileFile(QFile::encodeName(result.path).toStdString()));
    // leak.js keeps the LeakedRecord objects its interval callback makes
    QVERIFY(leakSelf(result.path) > 0);
}

void TestSampling::cliRecordsAProfile() {
    const QString cli = qEnvironmentVariable("HEAPSCOPE_CLI");
    if (cli.isEmpty())
        QSKIP("HEAPSCOPE_CLI is not set");
    NodeProcess node;
    const quint16 port = node.inspectorPort();
    QVERIFY(port);
    QTemporaryDir dir;
    const QString out = dir.filePath(u"cli.heapprofile"_s);
    QProcess p;
    p.start(cli, {u"capture"_s, u"--inspect"_s, u"127.0.0.1:"_s + QString::number(port), u"--sampling"_s,
                  u"1"_s, u"-o"_s, out});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 0);
    QCOMPARE(QString::fromLocal8Bit(p.readAllStandardOutput()).trimmed(), out);
    QVERIFY(leakSelf(out) > 0);
    // bad usage
    p.start(cli, {u"capture"_s, u"--inspect"_s, u"127.0.0.1:1"_s, u"--sampling"_s, u"0"_s});
    QVERIFY(p.waitForFinished(30000));
    QCOMPARE(p.exitCode(), 2);
}

void TestSampling::closedPortFails() {
    SamplingOptions options;
    options.address.port = 1; // nothing listens there
    options.seconds = 1;
    options.timeoutMs = 5000;
    const SamplingResult result = captureSamplingProfile(options);
    QVERIFY(!result.ok());
    QVERIFY(result.path.isEmpty());
}

// The Connect dialog's way: one InspectorSession kept open, sampling started and stopped on it.
void TestSampling::sessionSamplesAndWrites() {
    NodeProcess node;
    const quint16 port = node.inspectorPort();
    QVERIFY(port);
    InspectorAddress address;
    address.port = port;
    QString error;
    const QList<InspectorTarget> targets = listTargets(address, &error);
    QVERIFY2(!targets.isEmpty(), qPrintable(error));
    InspectorSession session;
    QSignalSpy opened(&session, &InspectorSession::opened);
    QSignalSpy sampling(&session, &InspectorSession::samplingChanged);
    QSignalSpy finished(&session, &InspectorSession::finished);
    QSignalSpy failed(&session, &InspectorSession::failed);
    session.open(targets.front());
    QVERIFY(opened.wait(10000));
    session.startSampling(1024);
    QTRY_COMPARE_WITH_TIMEOUT(sampling.count(), 1, 10000);
    QVERIFY(session.isSampling());
    session.startSampling(); // twice: refused, sampling goes on
    QCOMPARE(failed.count(), 1);
    QVERIFY(session.isSampling());
    QTest::qWait(800);
    QTemporaryDir dir;
    const QString path = dir.filePath(u"session.heapprofile"_s);
    session.stopSampling(path);
    QTRY_COMPARE_WITH_TIMEOUT(finished.count(), 1, 10000);
    QCOMPARE(finished.front().front().toString(), path);
    QCOMPARE(sampling.count(), 2);
    QVERIFY(!session.isSampling());
    QVERIFY(leakSelf(path) > 0);
    // the session stays open for the next capture
    QVERIFY(session.isOpen());
    session.stopSampling(path); // not sampling any more
    QCOMPARE(failed.count(), 2);
}

QTEST_GUILESS_MAIN(TestSampling)
#include "tst_sampling.moc"
