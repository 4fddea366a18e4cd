// SPDX-License-Identifier: MIT
#include "inspectorsession.h"

#include <QJsonDocument>
#include <QJsonObject>
#include <QNetworkProxy>
#include <QSaveFile>
#include <QTimer>
#include <QUrl>
#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace heapscope::capture {

InspectorSession::InspectorSession(QObject* parent)
    : QObject(parent), m_socket(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this)),
      m_timer(new QTimer(this)) {
    m_socket->setProxy(QNetworkProxy::NoProxy);
    m_timer->setSingleShot(true);
    connect(m_timer, &QTimer::timeout, this, &InspectorSession::onTimeout);
    connect(m_socket, &QWebSocket::connected, this, [this] {
        m_state = State::Enabling;
        send(u"HeapProfiler.enable"_s);
        m_timer->start(m_timeoutMs);
    });
    connect(m_socket, &QWebSocket::textMessageReceived, this, &InspectorSession::onText);
    connect(m_socket, &QWebSocket::disconnected, this, &InspectorSession::onDisconnected);
}

InspectorSession::~InspectorSession() {
    // Destroying the session mid-write must not leave the temporary file behind.
    discardFile();
    m_socket->disconnect(this);
}

void InspectorSession::open(const InspectorTarget& target) {
    close();
    m_target = target;
    if (target.webSocketDebuggerUrl.isEmpty()) {
        Q_EMIT failed(tr("“%1” offers no debugger connection; another debugger (DevTools?) may be attached "
                         "to it.")
                          .arg(target.displayName()));
        return;
    }
    const QUrl url(target.webSocketDebuggerUrl);
    if (!url.isValid() || (url.scheme() != "ws"_L1 && url.scheme() != "wss"_L1)) {
        Q_EMIT failed(tr("“%1” is not a WebSocket address.").arg(target.webSocketDebuggerUrl));
        return;
    }
    m_state = State::Connecting;
    m_socket->open(url);
    m_timer->start(m_timeoutMs);
}

void InspectorSession::close() {
    if (m_state == State::Closed)
        return;
    const bool wasOpen = m_state == State::Open;
    m_state = State::Closed;
    m_timer->stop();
    discardFile();
    m_pending.clear();
    m_socket->abort(); // onDisconnected() ignores it: the state is already Closed
    if (m_tracking) {
        m_tracking = false;
        Q_EMIT trackingChanged(false);
    }
    if (m_sampling) {
        m_sampling = false;
        Q_EMIT samplingChanged(false);
    }
    if (m_operation != Operation::None) {
        m_operation = Operation::None;
        Q_EMIT busyChanged(false);
    }
    if (wasOpen)
        Q_EMIT closed();
}

int InspectorSession::send(const QString& method, const QJsonObject& params, bool finalStep) {
    const int id = m_nextId++;
    QJsonObject message{{"id"_L1, id}, {"method"_L1, method}};
    if (!params.isEmpty())
        message.insert("params"_L1, params);
    m_pending.insert(id, Pending{method, finalStep});
    m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    return id;
}

void InspectorSession::begin(Operation operation) {
    m_operation = operation;
    m_cancelled = false;
    m_timer->start(m_timeoutMs);
    Q_EMIT busyChanged(true);
}

void InspectorSession::end() {
    m_operation = Operation::None;
    m_timer->stop();
    Q_EMIT busyChanged(false);
}

bool InspectorSession::openFile(const QString& path) {
    m_path = path;
    m_writeError.clear();
    m_file = std::make_unique<QSaveFile>(path);
    if (!m_file->open(QIODevice::WriteOnly)) {
        Q_EMIT failed(tr("Cannot write “%1”: %2").arg(path, m_file->errorString()));
        m_file.reset();
        return false;
    }
    return true;
}

void InspectorSession::discardFile() {
    if (m_file) {
        m_file->cancelWriting();
        m_file.reset(); // QSaveFile removes its temporary file
    }
}

void InspectorSession::collectGarbage() {
    if (!isOpen() || isBusy()) {
        Q_EMIT failed(isOpen() ? tr("The target is still busy with the previous command.")
                               : tr("Not connected to a target."));
        return;
    }
    begin(Operation::CollectGarbage);
    send(u"HeapProfiler.collectGarbage"_s);
}

void InspectorSession::takeHeapSnapshot(const QString& path, bool collectGarbageFirst) {
    if (!isOpen() || isBusy()) {
        Q_EMIT failed(isOpen() ? tr("The target is still busy with the previous command.")
                               : tr("Not connected to a target."));
        return;
    }
    if (m_tracking) {
        Q_EMIT failed(tr("Stop the allocation timeline before taking a heap snapshot."));
        return;
    }
    if (!openFile(path))
        return;
    begin(Operation::Snapshot);
    if (collectGarbageFirst)
        send(u"HeapProfiler.collectGarbage"_s, {}, false);
    send(u"HeapProfiler.takeHeapSnapshot"_s, QJsonObject{{"reportProgress"_L1, true}});
}

void InspectorSession::startAllocationTimeline() {
    if (!isOpen() || isBusy() || m_tracking) {
        Q_EMIT failed(!isOpen()    ? tr("Not connected to a target.")
                      : m_tracking ? tr("The allocation timeline is already running.")
                                   : tr("The target is still busy with the previous command."));
        return;
    }
    begin(Operation::StartTracking);
    send(u"HeapProfiler.startTrackingHeapObjects"_s, QJsonObject{{"trackAllocations"_L1, true}});
}

void InspectorSession::stopAllocationTimeline(const QString& path) {
    if (!isOpen() || isBusy() || !m_tracking) {
        Q_EMIT failed(!isOpen()     ? tr("Not connected to a target.")
                      : !m_tracking ? tr("The allocation timeline is not running.")
                                    : tr("The target is still busy with the previous command."));
        return;
    }
    if (!openFile(path))
        return;
    begin(Operation::StopTracking);
    send(u"HeapProfiler.stopTrackingHeapObjects"_s, QJsonObject{{"reportProgress"_L1, true}});
}

void InspectorSession::startSampling(int interval) {
    if (!isOpen() || isBusy() || m_sampling) {
        Q_EMIT failed(!isOpen()    ? tr("Not connected to a target.")
                      : m_sampling ? tr("Allocation sampling is already running.")
                                   : tr("The target is still busy with the previous command."));
        return;
    }
    begin(Operation::StartSampling);
    send(u"HeapProfiler.startSampling"_s, QJsonObject{{"samplingInterval"_L1, interval}});
}

void InspectorSession::stopSampling(const QString& path) {
    if (!isOpen() || isBusy() || !m_sampling) {
        Q_EMIT failed(!isOpen()     ? tr("Not connected to a target.")
                      : !m_sampling ? tr("Allocation sampling is not running.")
                                    : tr("The target is still busy with the previous command."));
        return;
    }
    if (!openFile(path))
        return;
    begin(Operation::StopSampling);
    send(u"HeapProfiler.stopSampling"_s);
}

void InspectorSession::cancel() {
    if (m_operation != Operation::Snapshot && m_operation != Operation::StopTracking)
        return;
    m_cancelled = true;
    discardFile();
}

void InspectorSession::onText(const QString& text) {
    if (m_operation != Operation::None || m_state == State::Connecting || m_state == State::Enabling)
        m_timer->start(m_timeoutMs); // any message shows the target is alive and working
    const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
    if (message.isEmpty())
        return;
    const QJsonValue id = message.value("id"_L1);
    if (id.isDouble()) {
        const auto it = m_pending.constFind(id.toInt());
        if (it == m_pending.cend())
            return;
        const Pending pending = *it;
        m_pending.erase(it);
        onResponse(pending, message);
        return;
    }
    onEvent(message.value("method"_L1).toString(), message.value("params"_L1).toObject());
}

void InspectorSession::onEvent(const QString& method, const QJsonObject& params) {
    if (method == "HeapProfiler.addHeapSnapshotChunk"_L1) {
        if (!m_file || !m_writeError.isEmpty())
            return;
        // V8 escapes everything outside ASCII, so the chunk text is the file's bytes.
        const QByteArray bytes = params.value("chunk"_L1).toString().toUtf8();
        if (m_file->write(bytes) != bytes.size())
            m_writeError = m_file->errorString();
    } else if (method == "HeapProfiler.reportHeapSnapshotProgress"_L1) {
        if (m_file)
            Q_EMIT progress(qint64(params.value("done"_L1).toDouble()),
                            qint64(params.value("total"_L1).toDouble()));
    }
    // heapStatsUpdate and lastSeenObjectId arrive while tracking; the timeline file has them all.
}

void InspectorSession::onResponse(const Pending& pending, const QJsonObject& message) {
    const QJsonObject error = message.value("error"_L1).toObject();
    const QString errorText = error.value("message"_L1).toString();

    if (m_state == State::Enabling) {
        m_timer->stop();
        if (!error.isEmpty()) {
            const QString reason = tr("The target refused the heap profiler: %1").arg(errorText);
            close();
            Q_EMIT failed(reason);
            return;
        }
        // Node names the process in the title only when there is no script ("node[123]"); the
        // file name wants the pid, so ask. A paused or busy target must not hold up the session.
        if (m_target.type == "node"_L1 && m_target.pid == 0) {
            m_state = State::Identifying;
            send(u"Runtime.evaluate"_s,
                 QJsonObject{{"expression"_L1, u"process.pid"_s}, {"returnByValue"_L1, true}});
            m_timer->start(std::min(m_timeoutMs, 2000));
            return;
        }
        m_state = State::Open;
        Q_EMIT opened();
        return;
    }
    if (m_state == State::Identifying) {
        m_timer->stop();
        const QJsonValue pid =
            message.value("result"_L1).toObject().value("result"_L1).toObject().value("value"_L1);
        if (pid.isDouble())
            m_target.pid = qint64(pid.toDouble());
        m_state = State::Open;
        Q_EMIT opened();
        return;
    }
    // Nothing runs, or the late answer to the pid question.
    if (m_operation == Operation::None || pending.method == "Runtime.evaluate"_L1)
        return;
    if (!error.isEmpty()) {
        // A failed intermediate step fails the operation; its remaining responses are ignored.
        for (auto it = m_pending.begin(); it != m_pending.end();)
            it = it.value().finalStep ? m_pending.erase(it) : std::next(it);
        discardFile();
        end();
        Q_EMIT failed(tr("%1 failed: %2").arg(pending.method, errorText));
        return;
    }
    if (!pending.finalStep)
        return;

    const Operation operation = m_operation;
    switch (operation) {
    case Operation::None:
        break;
    case Operation::CollectGarbage:
        end();
        Q_EMIT garbageCollected();
        break;
    case Operation::StartTracking:
        m_tracking = true;
        end();
        Q_EMIT trackingChanged(true);
        break;
    case Operation::StartSampling:
        m_sampling = true;
        end();
        Q_EMIT samplingChanged(true);
        break;
    case Operation::StopSampling: {
        m_sampling = false;
        Q_EMIT samplingChanged(false);
        // The profile comes in the answer, not in chunks.
        const QJsonObject profile = message.value("result"_L1).toObject().value("profile"_L1).toObject();
        QString failure;
        if (!profile.contains("head"_L1))
            failure = tr("The target sent no profile.");
        else if (m_file->write(QJsonDocument(profile).toJson(QJsonDocument::Compact)) < 0 ||
                 !m_file->commit())
            failure = tr("Cannot write “%1”: %2").arg(m_path, m_file->errorString());
        if (!failure.isEmpty())
            discardFile();
        m_file.reset();
        end();
        if (failure.isEmpty())
            Q_EMIT finished(m_path);
        else
            Q_EMIT failed(failure);
        break;
    }
    case Operation::Snapshot:
    case Operation::StopTracking: {
        if (operation == Operation::StopTracking) {
            m_tracking = false;
            Q_EMIT trackingChanged(false);
        }
        if (m_cancelled) {
            end();
            Q_EMIT cancelled();
            break;
        }
        QString failure;
        if (!m_writeError.isEmpty())
            failure = tr("Cannot write “%1”: %2").arg(m_path, m_writeError);
        else if (m_file->size() == 0)
            failure = tr("The target sent an empty snapshot.");
        else if (!m_file->commit())
            failure = tr("Cannot write “%1”: %2").arg(m_path, m_file->errorString());
        m_file.reset();
        end();
        if (failure.isEmpty()) {
            Q_EMIT finished(m_path);
        } else {
            discardFile();
            Q_EMIT failed(failure);
        }
        break;
    }
    }
}

void InspectorSession::abandon(const QString& message) {
    const bool writing = m_file != nullptr;
    discardFile();
    const bool wasCancelled = m_cancelled;
    const bool busy = isBusy();
    close();
    if (busy && wasCancelled)
        Q_EMIT cancelled();
    else
        Q_EMIT failed(writing ? message + u' ' + tr("No file was written.") : message);
}

void InspectorSession::onDisconnected() {
    if (m_state == State::Closed)
        return;
    const QString name = m_target.displayName();
    QString message;
    if (m_state == State::Connecting) {
        message = tr("Could not connect to “%1”: %2").arg(name, m_socket->errorString());
    } else if (m_operation == Operation::Snapshot || m_operation == Operation::StopTracking) {
        message = tr("The connection to “%1” was lost while the snapshot was being written; the process may "
                     "have exited.")
                      .arg(name);
    } else {
        message = tr("The connection to “%1” was lost; the process may have exited.").arg(name);
    }
    abandon(message);
}

void InspectorSession::onTimeout() {
    const QString name = m_target.displayName();
    const QString seconds = QString::number(m_timeoutMs / 1000.0);
    if (m_state == State::Identifying) {
        m_state = State::Open; // carry on without the pid; its late answer is ignored
        Q_EMIT opened();
        return;
    }
    if (m_state == State::Connecting || m_state == State::Enabling)
        abandon(tr("“%1” did not answer within %2 seconds.").arg(name, seconds));
    else if (m_operation != Operation::None)
        abandon(tr("“%1” stopped answering for %2 seconds; the connection was closed.").arg(name, seconds));
}

} // namespace heapscope::capture
