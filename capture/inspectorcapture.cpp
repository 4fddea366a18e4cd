// SPDX-License-Identifier: MIT
#include "inspectorcapture.h"

#include "inspectorsession.h"
#include "snapshotnaming.h"
#include "targetlister.h"

#include <QCoreApplication>
#include <QDir>
#include <QEventLoop>

using namespace Qt::StringLiterals;

namespace heapscope::capture {

const InspectorTarget* chooseTarget(const QList<InspectorTarget>& targets, const QString& id,
                                    QString* error) {
    auto listing = [&] {
        QStringList lines;
        for (const InspectorTarget& t : targets)
            lines << u"  "_s + t.id + u"  "_s + t.displayName();
        return lines.join(u'\n');
    };
    if (targets.isEmpty()) {
        *error = QCoreApplication::translate("Capture", "The inspector lists no targets.");
        return nullptr;
    }
    if (id.isEmpty()) {
        if (targets.size() == 1)
            return &targets.front();
        *error = QCoreApplication::translate("Capture", "There are %1 targets; choose one by its id:\n%2")
                     .arg(targets.size())
                     .arg(listing());
        return nullptr;
    }
    const InspectorTarget* found = nullptr;
    for (const InspectorTarget& t : targets) {
        if (t.id == id)
            return &t;
        if (t.id.startsWith(id)) {
            if (found) {
                *error = QCoreApplication::translate("Capture", "“%1” matches more than one target:\n%2")
                             .arg(id, listing());
                return nullptr;
            }
            found = &t;
        }
    }
    if (!found)
        *error = QCoreApplication::translate("Capture", "No target has the id “%1”. The targets are:\n%2")
                     .arg(id, listing());
    return found;
}

InspectorCapture::InspectorCapture(QObject* parent)
    : QObject(parent), m_lister(new TargetLister(this)), m_session(new InspectorSession(this)) {
    connect(m_lister, &TargetLister::failed, this, &InspectorCapture::fail);
    connect(m_lister, &TargetLister::listed, this, [this](const QList<InspectorTarget>& targets) {
        QString error;
        const InspectorTarget* target = chooseTarget(targets, m_options.targetId, &error);
        if (!target) {
            fail(error);
            return;
        }
        Q_EMIT targetChosen(*target);
        m_session->open(*target);
    });
    connect(m_session, &InspectorSession::opened, this, [this] {
        QString path = m_options.outputPath;
        if (path.isEmpty()) {
            const QString folder =
                m_options.outputFolder.isEmpty() ? QDir::currentPath() : m_options.outputFolder;
            path = nextSnapshotPath(folder, m_session->target().pid);
        }
        m_session->takeHeapSnapshot(path, m_options.collectGarbage);
    });
    connect(m_session, &InspectorSession::progress, this, &InspectorCapture::progress);
    connect(m_session, &InspectorSession::failed, this, &InspectorCapture::fail);
    connect(m_session, &InspectorSession::cancelled, this,
            [this] { fail(tr("Cancelled; no file was written.")); });
    connect(m_session, &InspectorSession::finished, this, [this](const QString& path) {
        m_running = false;
        m_session->close();
        Q_EMIT finished(path);
    });
}

InspectorCapture::~InspectorCapture() = default;

void InspectorCapture::start(const CaptureOptions& options) {
    m_options = options;
    m_running = true;
    m_session->setTimeout(options.timeoutMs);
    m_lister->setTimeout(std::min(options.timeoutMs, 10000));
    m_lister->list(options.address);
}

void InspectorCapture::cancel() {
    if (!m_running)
        return;
    m_lister->abort();
    m_session->close(); // discards the temporary file
    fail(tr("Cancelled; no file was written."));
}

void InspectorCapture::fail(const QString& message) {
    if (!m_running)
        return;
    m_running = false;
    m_session->close();
    Q_EMIT failed(message);
}

CaptureResult captureSnapshot(const CaptureOptions& options,
                              const std::function<void(qint64, qint64)>& progress) {
    CaptureResult result;
    InspectorCapture capture;
    QEventLoop loop;
    QObject::connect(&capture, &InspectorCapture::progress, &loop, [&](qint64 done, qint64 total) {
        if (progress)
            progress(done, total);
    });
    QObject::connect(&capture, &InspectorCapture::finished, &loop, [&](const QString& path) {
        result.path = path;
        loop.quit();
    });
    QObject::connect(&capture, &InspectorCapture::failed, &loop, [&](const QString& message) {
        result.error = message;
        loop.quit();
    });
    capture.start(options);
    if (capture.isRunning())
        loop.exec();
    return result;
}

QList<InspectorTarget> listTargets(const InspectorAddress& address, QString* error, int timeoutMs) {
    QList<InspectorTarget> result;
    TargetLister lister;
    lister.setTimeout(timeoutMs);
    QEventLoop loop;
    QObject::connect(&lister, &TargetLister::listed, &loop, [&](const QList<InspectorTarget>& targets) {
        result = targets;
        loop.quit();
    });
    QObject::connect(&lister, &TargetLister::failed, &loop, [&](const QString& message) {
        if (error)
            *error = message;
        loop.quit();
    });
    lister.list(address);
    loop.exec();
    return result;
}

} // namespace heapscope::capture
