// SPDX-License-Identifier: MIT
// Taking snapshots from a real Node.js process, and what the user sees when it cannot be done.

#include <folderwatcher.h>
#include <inspectorcapture.h>
#include <inspectorsession.h>
#include <processlister.h>
#include <signalcapture.h>
#include <snapshotnaming.h>
#include <targetlister.h>

// moc (Qt 6.4) cannot parse the C++20 standard headers the core pulls in.
#ifndef Q_MOC_RUN
#include <heapscope/analysis.h>
#include <heapscope/comparison.h>
#include <heapscope/loader.h>
#endif

#include <QDir>
#include <QProcess>
#include <QRegularExpression>
#include <QSignalSpy>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>

#include <csignal>
#include <memory>
#include <sys/prctl.h>

using namespace Qt::StringLiterals;
using namespace heapscope::capture;

namespace {

/// A node process that is always stopped, also when a test fails half-way.
class NodeProcess {
public:
    explicit NodeProcess(const QStringList& options, const QString& workingDirectory = {}) {
        m_process.setWorkingDirectory(workingDirectory.isEmpty() ? QDir::tempPath() : workingDirectory);
        m_process.setProgram(QStringLiteral(HEAPSCOPE_NODE));
        // Also when the test itself is killed (a CTest timeout): the kernel ends node with it.
        m_process.setChildProcessModifier([] { ::prctl(PR_SET_PDEATHSIG, SIGKILL); });
        m_process.setArguments(options + QStringList{QStringLiteral(HEAPSCOPE_LEAK_JS)});
        m_process.start();
    }
    ~NodeProcess() { stop(); }
    NodeProcess(const NodeProcess&) = delete;
    NodeProcess& operator=(const NodeProcess&) = delete;

    bool started() { return m_process.waitForStarted(5000); }
    qint64 pid() const { return m_process.processId(); }
    void stop() {
        if (m_process.state() != QProcess::NotRunning) {
            m_process.kill();
            m_process.waitForFinished(5000);
        }
    }

    /// The port Node chose for --inspect=127.0.0.1:0, from "Debugger listening on ws://HOST:PORT/...".
    quint16 inspectorPort() {
        static const QRegularExpression listening(u"Debugger listening on ws://127\\.0\\.0\\.1:(\\d+)/"_s);
        QElapsedTimer timer;
        timer.start();
        while (timer.elapsed() < 10000) {
            m_stderr += m_process.readAllStandardError();
            const auto match = listening.match(QString::fromUtf8(m_stderr));
            if (match.hasMatch())
                return quint16(match.captured(1).toUInt());
            if (m_process.state() == QProcess::NotRunning)
                break;
            m_process.waitForReadyRead(100);
        }
        qWarning("node printed: %s", m_stderr.constData());
        return 0;
    }

private:
    QProcess m_process;
    QByteArray m_stderr;
};

struct Loaded {
    heapscope::AnalysisPtr analysis;
    QString error;
};

Loaded loadAndAnalyze(const QString& path) {
    auto snapshot = heapscope::loadSnapshot(QFile::encodeName(path).toStdString());
    if (!snapshot)
        return {nullptr, QString::fromStdString(snapshot.error().message())};
    auto analysis = heapscope::analyze(*snapshot);
    if (!analysis)
        return {nullptr, QString::fromStdString(analysis.error().message())};
    return {*analysis, {}};
}

/// The Comparison's count delta of the class named `name` (0 when it is not there).
qint64 countDelta(const QString& basePath, const QString& currentPath, const char* name) {
    const Loaded base = loadAndAnalyze(basePath);
    const Loaded current = loadAndAnalyze(currentPath);
    if (!base.analysis || !current.analysis) {
        qWarning("%s%s", qPrintable(base.error), qPrintable(current.error));
        return 0;
    }
    auto comparison = heapscope::compare(base.analysis, current.analysis);
    if (!comparison) {
        qWarning("%s", comparison.error().message().c_str());
        return 0;
    }
    for (const heapscope::ClassDiff& diff : (*comparison)->classes)
        if (diff.name == name)
            return diff.delta();
    return 0;
}

QStringList filesIn(const QString& folder) {
    return QDir(folder).entryList(QDir::Files | QDir::Hidden | QDir::System);
}

/// A free local port: bound, then released.
quint16 closedPort() {
    QTcpServer server;
    server.listen(QHostAddress::LocalHost);
    const quint16 port = server.serverPort();
    server.close();
    return port;
}

constexpr char kMiniature[] =
    R"json({"snapshot":{"meta":{"node_fields":["type","name","id","self_size","edge_count","trace_node_id","detachedness"],"node_types":[["hidden","array","string","object","code","closure","regexp","number","native","synthetic","concatenated string","sliced string","symbol","bigint","object shape"],"string","number","number","number","number","number"],"edge_fields":["type","name_or_index","to_node"],"edge_types":[["context","element","property","internal","hidden","shortcut","weak"],"string_or_number","node"],"trace_function_info_fields":["function_id","name","script_name","script_id","line","column"],"trace_node_fields":["id","function_info_index","count","size","children"],"sample_fields":["timestamp_us","last_assigned_id"],"location_fields":["object_index","script_id","line","column"]},"node_count":7,"edge_count":10,"trace_function_count":0},"nodes":[9,1,1,0,1,0,0,9,2,3,0,1,0,0,9,3,5,0,2,0,0,3,4,7,100,3,0,0,3,4,9,50,2,0,0,3,5,11,30,1,0,0,2,6,13,20,0,0,0],"edges":[1,1,7,1,1,14,1,1,21,1,2,35,2,7,28,2,9,42,6,8,35,2,8,21,2,9,42,2,7,28],"trace_function_infos":[],"trace_tree":[],"samples":[],"locations":[],"strings":["<dummy>","","(GC roots)","(Strong roots)","Foo","Bar","hello","next","prev","name","Baz"]})json";

} // namespace

class TestCapture : public QObject {
    Q_OBJECT

private Q_SLOTS:
    void addressParsing();
    void fileNames();
    void targetList();
    void twoSnapshotsShowTheLeak();
    void captureHelperNamesLikeNode();
    void allocationTimeline();
    void cliCapturesTwoSnapshots();
    void cliErrors();
    void targetDiesMidSnapshot();
    void closedPort();
    void plainHttpServer();
    void notHttpAtAll();
    void silentServerTimesOut();
    void signalSnapshot();
    void processList();
    void folderWatcherReportsInOrder();
};

void TestCapture::addressParsing() {
    auto a = InspectorAddress::parse(u"127.0.0.1:9230"_s);
    QVERIFY(a);
    QCOMPARE(a->host, u"127.0.0.1"_s);
    QCOMPARE(a->port, 9230);
    a = InspectorAddress::parse(u"ws://localhost:9222/devtools/page/ABC"_s);
    QVERIFY(a);
    QCOMPARE(a->host, u"localhost"_s);
    QCOMPARE(a->port, 9222);
    a = InspectorAddress::parse(u"[::1]:9229"_s);
    QVERIFY(a);
    QCOMPARE(a->host, u"::1"_s);
    QCOMPARE(a->toString(), u"[::1]:9229"_s);
    a = InspectorAddress::parse(u"9333"_s);
    QVERIFY(a);
    QCOMPARE(a->toString(), u"127.0.0.1:9333"_s);
    QString error;
    QVERIFY(!InspectorAddress::parse(u"host:99999"_s, &error));
    QVERIFY(error.contains(u"port"_s));
    QVERIFY(!InspectorAddress::parse(u" "_s, &error));
}

void TestCapture::fileNames() {
    const QDateTime when(QDate(2026, 11, 21), QTime(8, 15, 30));
    QCOMPARE(snapshotFileName(when, 12345, 1), u"Heap.20261121.081530.12345.0.001.heapsnapshot"_s);
    QCOMPARE(snapshotFileName(when, 7, 12, kTimelineExtension),
             u"Heap.20261121.081530.7.0.012.heaptimeline"_s);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    QFile existing(dir.filePath(u"Heap.20250101.000000.42.0.007.heapsnapshot"_s));
    QVERIFY(existing.open(QIODevice::WriteOnly));
    existing.close();
    QCOMPARE(QFileInfo(nextSnapshotPath(dir.path(), 42, kSnapshotExtension, when)).fileName(),
             u"Heap.20261121.081530.42.0.008.heapsnapshot"_s);
    QCOMPARE(QFileInfo(nextSnapshotPath(dir.path(), 43, kSnapshotExtension, when)).fileName(),
             u"Heap.20261121.081530.43.0.001.heapsnapshot"_s);
    QVERIFY(isSnapshotFileName(u"a.heapsnapshot.gz"_s));
    QVERIFY(isSnapshotFileName(u"a.heaptimeline"_s));
    QVERIFY(!isSnapshotFileName(u"a.heapsnapshot.XyZ123"_s));
}

void TestCapture::targetList() {
    const QByteArray node = R"([ {
      "description": "node.js instance", "id": "32626d05", "title": "node[29556]", "type": "node",
      "url": "file://", "webSocketDebuggerUrl": "ws://127.0.0.1:44995/32626d05" } ])";
    const auto targets = parseTargetList(node);
    QVERIFY(targets);
    QCOMPARE(targets->size(), 1);
    QCOMPARE(targets->front().pid, 29556);
    QCOMPARE(targets->front().webSocketDebuggerUrl, u"ws://127.0.0.1:44995/32626d05"_s);
    QVERIFY(!parseTargetList(R"({"Browser": "Chrome/120"})"));
    QVERIFY(!parseTargetList(R"([{"name": "x"}])"));
    QVERIFY(!parseTargetList("<html></html>"));

    QString error;
    QList<InspectorTarget> two(2);
    two[0].id = u"abc1"_s;
    two[1].id = u"abd2"_s;
    QVERIFY(!chooseTarget(two, {}, &error));
    QVERIFY(error.contains(u"abc1"_s));
    QCOMPARE(chooseTarget(two, u"abd"_s, &error)->id, u"abd2"_s);
    QVERIFY(!chooseTarget(two, u"ab"_s, &error));
    QVERIFY(!chooseTarget(two, u"zz"_s, &error));
}

void TestCapture::twoSnapshotsShowTheLeak() {
    NodeProcess node({u"--inspect=127.0.0.1:0"_s});
    QVERIFY(node.started());
    const quint16 port = node.inspectorPort();
    QVERIFY(port != 0);
    QTemporaryDir dir;
    QVERIFY(dir.isValid());

    QString error;
    const QList<InspectorTarget> targets = listTargets({u"127.0.0.1"_s, port}, &error);
    QVERIFY2(error.isEmpty(), qPrintable(error));
    QCOMPARE(targets.size(), 1);

    // One session for both: V8 keeps object ids only while the session stays open.
    InspectorSession session;
    QSignalSpy opened(&session, &InspectorSession::opened);
    QSignalSpy finished(&session, &InspectorSession::finished);
    QSignalSpy failed(&session, &InspectorSession::failed);
    QSignalSpy progress(&session, &InspectorSession::progress);
    session.open(targets.front());
    QVERIFY(opened.wait(5000));
    QCOMPARE(session.target().pid, node.pid());

    const QString first = nextSnapshotPath(dir.path(), session.target().pid);
    session.takeHeapSnapshot(first, true);
    QVERIFY(finished.wait(15000));
    QVERIFY2(failed.isEmpty(), failed.isEmpty() ? "" : qPrintable(failed.front().front().toString()));
    QCOMPARE(finished.takeFirst().front().toString(), first);
    QVERIFY(!progress.isEmpty());

    QTest::qWait(300); // a dozen more ticks of the leak
    const QString second = nextSnapshotPath(dir.path(), session.target().pid);
    QVERIFY(second.endsWith(u".0.002.heapsnapshot"_s));
    session.takeHeapSnapshot(second);
    QVERIFY(finished.wait(15000));
    QCOMPARE(finished.takeFirst().front().toString(), second);
    session.close();
    node.stop();

    // Nothing but the two finished files.
    QCOMPARE(filesIn(dir.path()).size(), 2);
    const qint64 delta = countDelta(first, second, "LeakedRecord");
    QVERIFY2(delta > 0, qPrintable(u"LeakedRecord delta "_s + QString::number(delta)));
}

void TestCapture::captureHelperNamesLikeNode() {
    NodeProcess node({u"--inspect=127.0.0.1:0"_s});
    QVERIFY(node.started());
    const quint16 port = node.inspectorPort();
    QVERIFY(port != 0);
    QTemporaryDir dir;
    CaptureOptions options;
    options.address = {u"127.0.0.1"_s, port};
    options.outputFolder = dir.path();
    const CaptureResult result = captureSnapshot(options);
    QVERIFY2(result.ok(), qPrintable(result.error));
    const QRegularExpression nodeStyle(
        u"^Heap\\.\\d{8}\\.\\d{6}\\.%1\\.0\\.001\\.heapsnapshot$"_s.arg(node.pid()));
    QVERIFY2(nodeStyle.match(QFileInfo(result.path).fileName()).hasMatch(), qPrintable(result.path));
    QCOMPARE(filesIn(dir.path()), QStringList{QFileInfo(result.path).fileName()});
    QVERIFY2(loadAndAnalyze(result.path).analysis, qPrintable(loadAndAnalyze(result.path).error));
}

void TestCapture::allocationTimeline() {
    NodeProcess node({u"--inspect=127.0.0.1:0"_s});
    QVERIFY(node.started());
    const quint16 port = node.inspectorPort();
    QVERIFY(port != 0);
    QString error;
    const QList<InspectorTarget> targets = listTargets({u"127.0.0.1"_s, port}, &error);
    QCOMPARE(targets.size(), 1);
    QTemporaryDir dir;

    InspectorSession session;
    QSignalSpy opened(&session, &InspectorSession::opened);
    QSignalSpy tracking(&session, &InspectorSession::trackingChanged);
    QSignalSpy finished(&session, &InspectorSession::finished);
    session.open(targets.front());
    QVERIFY(opened.wait(5000));
    session.startAllocationTimeline();
    QVERIFY(tracking.wait(5000));
    QVERIFY(session.isTracking());
    QTest::qWait(200);
    const QString path = nextSnapshotPath(dir.path(), session.target().pid, kTimelineExtension);
    session.stopAllocationTimeline(path);
    QVERIFY(finished.wait(15000));
    QVERIFY(!session.isTracking());
    QVERIFY(path.endsWith(u".heaptimeline"_s));
    const Loaded loaded = loadAndAnalyze(path);
    QVERIFY2(loaded.analysis, qPrintable(loaded.error));
    QVERIFY(!loaded.analysis->snapshot->samples.empty());
}

void TestCapture::cliCapturesTwoSnapshots() {
    const QString cli = qEnvironmentVariable("HEAPSCOPE_CLI");
    if (cli.isEmpty())
        QSKIP("HEAPSCOPE_CLI is not set (heapscope-cli is not built)");
    NodeProcess node({u"--inspect=127.0.0.1:0"_s});
    QVERIFY(node.started());
    const quint16 port = node.inspectorPort();
    QVERIFY(port != 0);
    QTemporaryDir dir;
    const QString address = u"127.0.0.1:"_s + QString::number(port);
    const QString first = dir.filePath(u"first.heapsnapshot"_s);
    const QString second = dir.filePath(u"second.heapsnapshot"_s);
    for (const QString& path : {first, second}) {
        QProcess process;
        process.start(cli, {u"capture"_s, u"--inspect"_s, address, u"-o"_s, path, u"--gc"_s});
        QVERIFY(process.waitForFinished(20000));
        QVERIFY2(process.exitCode() == 0, process.readAllStandardError().constData());
        QCOMPARE(QString::fromLocal8Bit(process.readAllStandardOutput()).trimmed(), path);
        QTest::qWait(300);
    }
    node.stop();
    QCOMPARE(filesIn(dir.path()).size(), 2);
    // Separate runs are separate sessions, whose object ids V8 does not keep; counts still compare.
    const qint64 delta = countDelta(first, second, "LeakedRecord");
    QVERIFY2(delta > 0, qPrintable(u"LeakedRecord delta "_s + QString::number(delta)));
}

void TestCapture::cliErrors() {
    const QString cli = qEnvironmentVariable("HEAPSCOPE_CLI");
    if (cli.isEmpty())
        QSKIP("HEAPSCOPE_CLI is not set (heapscope-cli is not built)");
    QTemporaryDir dir;
    const QString out = dir.filePath(u"x.heapsnapshot"_s);
    auto run = [&](const QStringList& args, int expectedExit, const QString& expectedText) {
        QProcess process;
        process.start(cli, QStringList{u"capture"_s} + args);
        QVERIFY(process.waitForFinished(20000));
        const QString err = QString::fromLocal8Bit(process.readAllStandardError());
        QVERIFY2(process.exitCode() == expectedExit, qPrintable(err));
        QVERIFY2(err.contains(expectedText), qPrintable(err));
    };
    run({}, 2, u"--inspect HOST:PORT is required"_s);
    run({u"--inspect"_s, u"127.0.0.1:0"_s}, 2, u"not a valid port"_s);
    run({u"--inspect"_s, u"127.0.0.1:9229"_s, u"--bogus"_s}, 2, u"unknown argument"_s);
    run({u"--inspect"_s, u"127.0.0.1:"_s + QString::number(::closedPort()), u"-o"_s, out}, 1,
        u"connection refused"_s);
    QVERIFY(filesIn(dir.path()).isEmpty());
}

void TestCapture::targetDiesMidSnapshot() {
    auto node = std::make_unique<NodeProcess>(QStringList{u"--inspect=127.0.0.1:0"_s});
    QVERIFY(node->started());
    const quint16 port = node->inspectorPort();
    QVERIFY(port != 0);
    QString error;
    const QList<InspectorTarget> targets = listTargets({u"127.0.0.1"_s, port}, &error);
    QCOMPARE(targets.size(), 1);
    QTemporaryDir dir;

    InspectorSession session;
    QSignalSpy opened(&session, &InspectorSession::opened);
    QSignalSpy finished(&session, &InspectorSession::finished);
    QSignalSpy failed(&session, &InspectorSession::failed);
    session.open(targets.front());
    QVERIFY(opened.wait(5000));
    // Kill the target as soon as it reports progress: the file is open for writing by then (as an
    // unnamed temporary file where the file system supports it, else under a temporary name).
    bool killed = false;
    connect(&session, &InspectorSession::progress, this, [&] {
        if (!killed) {
            killed = true;
            node->stop();
        }
    });
    session.takeHeapSnapshot(dir.filePath(u"never.heapsnapshot"_s));
    QVERIFY(failed.wait(10000));
    QVERIFY(killed);
    QVERIFY(finished.isEmpty());
    const QString message = failed.front().front().toString();
    QVERIFY2(message.contains(u"lost while the snapshot was being written"_s), qPrintable(message));
    QVERIFY2(message.contains(u"No file was written"_s), qPrintable(message));
    QVERIFY(!session.isOpen());
    QVERIFY2(filesIn(dir.path()).isEmpty(), qPrintable(filesIn(dir.path()).join(u", "_s)));
}

void TestCapture::closedPort() {
    QTemporaryDir dir;
    CaptureOptions options;
    options.address = {u"127.0.0.1"_s, ::closedPort()};
    options.outputFolder = dir.path();
    const CaptureResult result = captureSnapshot(options);
    QVERIFY(!result.ok());
    QVERIFY2(result.error.contains(u"connection refused"_s), qPrintable(result.error));
    QVERIFY(result.error.contains(options.address.toString()));
    QVERIFY(filesIn(dir.path()).isEmpty());
}

void TestCapture::plainHttpServer() {
    // A web server on the port, answering every path with a page (200) or 404.
    for (const QByteArray& answer :
         {QByteArray("HTTP/1.1 200 OK\r\nContent-Type: text/html\r\n"
                     "Content-Length: 13\r\nConnection: close\r\n\r\n<html></html>"),
          QByteArray("HTTP/1.1 404 Not Found\r\nContent-Length: 0\r\n"
                     "Connection: close\r\n\r\n")}) {
        QTcpServer server;
        QVERIFY(server.listen(QHostAddress::LocalHost));
        connect(&server, &QTcpServer::newConnection, &server, [&] {
            QTcpSocket* socket = server.nextPendingConnection();
            connect(socket, &QTcpSocket::readyRead, socket, [socket, answer] {
                if (socket->readAll().contains("\r\n\r\n")) {
                    socket->write(answer);
                    socket->disconnectFromHost();
                }
            });
        });
        QTemporaryDir dir;
        CaptureOptions options;
        options.address = {u"127.0.0.1"_s, server.serverPort()};
        options.outputFolder = dir.path();
        const CaptureResult result = captureSnapshot(options);
        QVERIFY(!result.ok());
        QVERIFY2(result.error.contains(u"is an HTTP server but not an inspector"_s),
                 qPrintable(result.error));
        QVERIFY(filesIn(dir.path()).isEmpty());
    }
}

void TestCapture::notHttpAtAll() {
    // Something that is not HTTP (an SSH-like greeting, then close).
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    connect(&server, &QTcpServer::newConnection, &server, [&] {
        QTcpSocket* socket = server.nextPendingConnection();
        socket->write("SSH-2.0-OpenSSH_9.2\r\n");
        socket->disconnectFromHost();
    });
    QTemporaryDir dir;
    CaptureOptions options;
    options.address = {u"127.0.0.1"_s, server.serverPort()};
    options.outputFolder = dir.path();
    const CaptureResult result = captureSnapshot(options);
    QVERIFY(!result.ok());
    QVERIFY2(result.error.contains(u"does not answer like an inspector"_s), qPrintable(result.error));
    QVERIFY(filesIn(dir.path()).isEmpty());
}

void TestCapture::silentServerTimesOut() {
    // Accepts the connection and never answers.
    QTcpServer server;
    QVERIFY(server.listen(QHostAddress::LocalHost));
    QList<QTcpSocket*> held;
    connect(&server, &QTcpServer::newConnection, &server, [&] { held << server.nextPendingConnection(); });
    QTemporaryDir dir;
    CaptureOptions options;
    options.address = {u"127.0.0.1"_s, server.serverPort()};
    options.outputFolder = dir.path();
    options.timeoutMs = 500;
    QElapsedTimer timer;
    timer.start();
    const CaptureResult result = captureSnapshot(options);
    QVERIFY(!result.ok());
    QVERIFY2(result.error.contains(u"did not answer within 0.5 seconds"_s), qPrintable(result.error));
    QVERIFY(timer.elapsed() < 3000);
    QVERIFY(filesIn(dir.path()).isEmpty());
}

void TestCapture::signalSnapshot() {
    QTemporaryDir dir;
    NodeProcess node({u"--heapsnapshot-signal=SIGUSR2"_s}, dir.path());
    QVERIFY(node.started());
    // Node installs the signal handler while it starts; give it that moment.
    QTRY_VERIFY_WITH_TIMEOUT(processInfo(node.pid()).snapshotSignal == u"SIGUSR2"_s, 5000);
    QTest::qWait(300);
    const ProcessInfo info = processInfo(node.pid());
    QCOMPARE(QDir(info.snapshotFolder).canonicalPath(), QDir(dir.path()).canonicalPath());

    SignalCapture capture;
    capture.setPollInterval(100);
    QSignalSpy finished(&capture, &SignalCapture::finished);
    QSignalSpy failed(&capture, &SignalCapture::failed);
    capture.start(node.pid(), signalNumber(info.snapshotSignal));
    QVERIFY(finished.wait(20000));
    QVERIFY(failed.isEmpty());
    const QString path = finished.front().front().toString();
    QVERIFY2(QFileInfo(path).fileName().contains(u'.' + QString::number(node.pid()) + u'.'),
             qPrintable(path));
    QVERIFY(loadAndAnalyze(path).analysis);
    QVERIFY(node.pid() > 0); // still running: the signal did not end it

    // A process that has gone: a clear message.
    const qint64 pid = node.pid();
    node.stop();
    capture.start(pid, SIGUSR2);
    QCOMPARE(failed.size(), 1);
    QVERIFY(failed.front().front().toString().contains(u"no process"_s));
}

void TestCapture::processList() {
    NodeProcess node({u"--heapsnapshot-signal=SIGUSR2"_s, u"--diagnostic-dir=snapshots"_s});
    QVERIFY(node.started());
    QTRY_VERIFY_WITH_TIMEOUT(processInfo(node.pid()).pid == node.pid(), 5000);
    const QList<ProcessInfo> processes = listProcesses();
    const auto it = std::find_if(processes.begin(), processes.end(),
                                 [&](const ProcessInfo& p) { return p.pid == node.pid(); });
    QVERIFY(it != processes.end());
    QVERIFY(it->commandLine().contains(u"leak.js"_s));
    QCOMPARE(it->snapshotSignal, u"SIGUSR2"_s);
    QCOMPARE(it->snapshotFolder, QDir(it->workingDirectory).filePath(u"snapshots"_s));
    QCOMPARE(signalNumber(u"SIGUSR2"_s), SIGUSR2);
    QCOMPARE(signalNumber(u"usr1"_s), SIGUSR1);
    QCOMPARE(signalName(SIGUSR2), u"SIGUSR2"_s);
}

void TestCapture::folderWatcherReportsInOrder() {
    QTemporaryDir dir;
    QFile old(dir.filePath(u"old.heapsnapshot"_s));
    QVERIFY(old.open(QIODevice::WriteOnly));
    old.write(kMiniature);
    old.close();

    FolderWatcher watcher;
    watcher.setPollInterval(100);
    QSignalSpy ready(&watcher, &FolderWatcher::snapshotReady);
    QSignalSpy rejected(&watcher, &FolderWatcher::snapshotRejected);
    QVERIFY(watcher.start(dir.path()));

    // The first file is written in two parts; the second appears complete while the first is
    // still incomplete, yet is reported after it.
    const QByteArray whole(kMiniature);
    QFile first(dir.filePath(u"series-1.heapsnapshot"_s));
    QVERIFY(first.open(QIODevice::WriteOnly));
    first.write(whole.left(200));
    first.flush();
    QTest::qWait(150);
    QFile second(dir.filePath(u"series-2.heapsnapshot"_s));
    QVERIFY(second.open(QIODevice::WriteOnly));
    second.write(whole);
    second.close();
    QFile hidden(dir.filePath(u".series-3.heapsnapshot.part"_s));
    QVERIFY(hidden.open(QIODevice::WriteOnly));
    hidden.write(whole);
    hidden.close();
    QFile notes(dir.filePath(u"notes.txt"_s));
    QVERIFY(notes.open(QIODevice::WriteOnly));
    notes.write("not a snapshot");
    notes.close();
    QTest::qWait(800); // the complete second file waits for the first
    QVERIFY(ready.isEmpty());
    first.write(whole.mid(200));
    first.close();
    QTRY_COMPARE_WITH_TIMEOUT(ready.size(), 2, 5000);
    QCOMPARE(QFileInfo(ready.at(0).front().toString()).fileName(), u"series-1.heapsnapshot"_s);
    QCOMPARE(QFileInfo(ready.at(1).front().toString()).fileName(), u"series-2.heapsnapshot"_s);

    // A file that stops changing but does not load is rejected, not reported.
    QFile broken(dir.filePath(u"broken.heapsnapshot"_s));
    QVERIFY(broken.open(QIODevice::WriteOnly));
    broken.write(R"({"snapshot":{}})");
    broken.close();
    QTRY_COMPARE_WITH_TIMEOUT(rejected.size(), 1, 5000);
    QCOMPARE(ready.size(), 2);
}

QTEST_GUILESS_MAIN(TestCapture)
#include "tst_capture.moc"
