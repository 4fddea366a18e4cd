// SPDX-License-Identifier: MIT
#include "samplingcapture.h"

#include "inspectorcapture.h"
#include "snapshotnaming.h"
#include "targetlister.h"

#include <QDir>
#include <QEventLoop>
#include <QFileInfo>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSaveFile>
#include <QTimer>
#include <QWebSocket>

using namespace Qt::StringLiterals;

namespace heapscope::capture {

namespace {
enum Request { Enable = 1, Start = 2, Stop = 3 };
}

SamplingCapture::SamplingCapture(QObject* parent)
    : QObject(parent), m_lister(new TargetLister(this)),
      m_socket(new QWebSocket(QString(), QWebSocketProtocol::VersionLatest, this)), m_tick(new QTimer(this)),
      m_timeout(new QTimer(this)) {
    m_tick->setInterval(1000);
    m_timeout->setSingleShot(true);
    connect(m_timeout, &QTimer::timeout, this,
            [this] { fail(tr("“%1” did not answer in time.").arg(m_target.displayName())); });
    connect(m_lister, &TargetLister::failed, this, &SamplingCapture::fail);
    connect(m_lister, &TargetLister::listed, this, [this](const QList<InspectorTarget>& targets) {
        QString error;
        const InspectorTarget* target = chooseTarget(targets, m_options.targetId, &error);
        if (!target)
            return fail(error);
        m_target = *target;
        Q_EMIT targetChosen(m_target);
        const QUrl url(m_target.webSocketDebuggerUrl);
        if (m_target.webSocketDebuggerUrl.isEmpty() || !url.isValid())
            return fail(tr("“%1” offers no debugger connection; another debugger (DevTools?) may be "
                           "attached to it.")
                            .arg(m_target.displayName()));
        m_socket->open(url);
        m_timeout->start(m_options.timeoutMs);
    });
    connect(m_socket, &QWebSocket::connected, this, [this] { send(Enable, u"HeapProfiler.enable"_s, {}); });
    connect(m_socket, &QWebSocket::textMessageReceived, this, &SamplingCapture::onText);
    connect(m_socket, &QWebSocket::disconnected, this, [this] {
        if (m_running)
            fail(tr("The connection to “%1” was closed.").arg(m_target.displayName()));
    });
    connect(m_tick, &QTimer::timeout, this, [this] {
        ++m_elapsed;
        Q_EMIT progress(m_elapsed, m_options.seconds);
        if (m_elapsed >= m_options.seconds)
            stopNow();
    });
}

SamplingCapture::~SamplingCapture() {
    m_socket->disconnect(this);
    m_socket->abort();
}

void SamplingCapture::start(const SamplingOptions& options) {
    m_options = options;
    m_running = true;
    m_sampling = false;
    m_elapsed = 0;
    m_lister->setTimeout(std::min(options.timeoutMs, 10000));
    m_lister->list(options.address);
}

void SamplingCapture::stopNow() {
    if (!m_sampling)
        return;
    m_tick->stop();
    m_sampling = false;
    send(Stop, u"HeapProfiler.stopSampling"_s, {});
}

void SamplingCapture::cancel() {
    if (!m_running)
        return;
    m_lister->abort();
    fail(tr("Cancelled; no file was written."));
}

void SamplingCapture::send(int id, const QString& method, const QJsonObject& params) {
    QJsonObject message{{u"id"_s, id}, {u"method"_s, method}};
    if (!params.isEmpty())
        message.insert(u"params"_s, params);
    m_socket->sendTextMessage(QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
    m_timeout->start(m_options.timeoutMs);
}

void SamplingCapture::onText(const QString& text) {
    const QJsonObject message = QJsonDocument::fromJson(text.toUtf8()).object();
    if (!message.contains(u"id"_s))
        return; // events
    m_timeout->stop();
    if (message.contains(u"error"_s))
        return fail(tr("“%1” refused %2: %3")
                        .arg(m_target.displayName(),
                             message.value(u"id"_s).toInt() == Stop ? u"HeapProfiler.stopSampling"_s
                                                                    : u"HeapProfiler.startSampling"_s,
                             message.value(u"error"_s).toObject().value(u"message"_s).toString()));
    switch (message.value(u"id"_s).toInt()) {
    case Enable:
        send(Start, u"HeapProfiler.startSampling"_s, {{u"samplingInterval"_s, m_options.samplingInterval}});
        break;
    case Start:
        m_sampling = true;
        Q_EMIT samplingStarted();
        m_tick->start();
        break;
    case Stop:
        finish(message.value(u"result"_s).toObject().value(u"profile"_s).toObject());
        break;
    }
}

void SamplingCapture::finish(const QJsonObject& profile) {
    if (!profile.contains(u"head"_s))
        return fail(tr("“%1” sent no profile.").arg(m_target.displayName()));
    QString path = m_options.outputPath;
    if (path.isEmpty()) {
        const QString folder =
            m_options.outputFolder.isEmpty() ? QDir::currentPath() : m_options.outputFolder;
        path = nextSnapshotPath(folder, m_target.pid, u"heapprofile");
    }
    QSaveFile file(path);
    if (!file.open(QIODevice::WriteOnly) ||
        file.write(QJsonDocument(profile).toJson(QJsonDocument::Compact)) < 0 || !file.commit())
        return fail(tr("Cannot write %1: %2").arg(QDir::toNativeSeparators(path), file.errorString()));
    m_running = false;
    m_socket->close();
    Q_EMIT finished(QFileInfo(path).absoluteFilePath());
}

void SamplingCapture::fail(const QString& message) {
    if (!m_running)
        return;
    m_running = false;
    m_sampling = false;
    m_tick->stop();
    m_timeout->stop();
    m_socket->abort();
    Q_EMIT failed(message);
}

SamplingResult captureSamplingProfile(const SamplingOptions& options,
                                      const std::function<void(int, int)>& progress) {
    SamplingResult result;
    SamplingCapture capture;
    QEventLoop loop;
    QObject::connect(&capture, &SamplingCapture::progress, &loop, [&](int done, int total) {
        if (progress)
            progress(done, total);
    });
    QObject::connect(&capture, &SamplingCapture::finished, &loop, [&](const QString& path) {
        result.path = path;
        loop.quit();
    });
    QObject::connect(&capture, &SamplingCapture::failed, &loop, [&](const QString& message) {
        result.error = message;
        loop.quit();
    });
    capture.start(options);
    if (capture.isRunning())
        loop.exec();
    return result;
}

} // namespace heapscope::capture
