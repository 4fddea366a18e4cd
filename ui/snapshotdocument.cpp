// SPDX-License-Identifier: MIT
#include "snapshotdocument.h"

#include <heapscope/loader.h>

#include <QCoreApplication>
#include <QFileInfo>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

#include <chrono>

using namespace Qt::StringLiterals;

namespace {

constexpr int kProgressScale = 10000;

} // namespace

struct SnapshotDocument::Result {
    heapscope::SnapshotPtr snapshot;
    heapscope::AnalysisPtr analysis;
    QString error;
    bool canceled = false;
};

SnapshotDocument::SnapshotDocument(const QString& path, QObject* parent)
    : QObject(parent), m_path(path), m_displayName(QFileInfo(path).fileName()) {}

SnapshotDocument::~SnapshotDocument() {
    // The worker keeps its own references; it stops at its next poll and its result goes nowhere
    // (the watcher dies with us). No signals from a dying object.
    if (m_stop)
        m_stop->requestStop();
    if (m_watcher)
        m_watcher->future().cancel();
}

void SnapshotDocument::setDisplayName(const QString& name) {
    m_displayName = name;
    Q_EMIT stateChanged();
}

std::uint32_t SnapshotDocument::maxJsObjectId() const {
    return m_snapshot ? m_snapshot->maxJsObjectId() : 0;
}

bool SnapshotDocument::isTimeline() const {
    QString p = m_path;
    if (p.endsWith(u".gz"_s, Qt::CaseInsensitive))
        p.chop(3);
    return p.endsWith(u".heaptimeline"_s, Qt::CaseInsensitive);
}

void SnapshotDocument::load() {
    cancel();
    const quint64 generation = ++m_generation;
    m_stop = std::make_shared<heapscope::StopFlag>();
    m_snapshot.reset();
    m_analysis.reset();
    m_error.clear();
    m_state = State::Loading;
    m_stage = tr("Reading");
    m_progressText = tr("Opening %1…").arg(m_displayName);
    m_fraction = 0;
    m_clock.start();

    auto* watcher = new QFutureWatcher<std::shared_ptr<Result>>(this);
    m_watcher = watcher;
    connect(watcher, &QFutureWatcherBase::progressValueChanged, this, [this, generation, watcher](int value) {
        if (generation != m_generation || m_state != State::Loading)
            return;
        // The label shows the bar's own number: the fraction of the whole open, not of the stage.
        m_stage = watcher->progressText();
        m_fraction = double(value) / kProgressScale;
        m_progressText = m_stage + u" · "_s + QString::number(int(m_fraction * 100)) + u" %"_s;
        Q_EMIT progress(m_stage, m_fraction, m_progressText);
        Q_EMIT stateChanged();
    });
    connect(watcher, &QFutureWatcherBase::finished, this, [this, generation, watcher] {
        watcher->deleteLater();
        if (m_watcher == watcher)
            m_watcher = nullptr;
        if (watcher->future().resultCount() == 0)
            return;
        deliver(generation, watcher->future().result());
    });

    const std::string path = m_path.toStdString();
    const auto stop = m_stop;
    QFuture<std::shared_ptr<Result>> future =
        QtConcurrent::run([path, stop](QPromise<std::shared_ptr<Result>>& promise) {
            promise.setProgressRange(0, kProgressScale);
            auto lastReport = std::chrono::steady_clock::now() - std::chrono::seconds(1);
            heapscope::WorkContext context;
            context.stop = stop.get();
            context.progress = [&](heapscope::Stage stage, std::uint64_t done, std::uint64_t total) {
                // The promise may be canceled from the GUI thread too (QFuture::cancel()).
                if (promise.isCanceled())
                    stop->requestStop();
                const auto now = std::chrono::steady_clock::now();
                if (now - lastReport < std::chrono::milliseconds(40) && done < total)
                    return;
                lastReport = now;
                const std::string_view title = heapscope::stageTitle(stage);
                promise.setProgressValueAndText(
                    int(heapscope::jobFraction(stage, done, total) * kProgressScale),
                    QString::fromUtf8(title.data(), qsizetype(title.size())));
            };

            auto result = std::make_shared<Result>();
            auto snapshot = heapscope::loadSnapshot(path, {}, context);
            if (!snapshot) {
                result->canceled = snapshot.error().cancelled || stop->stopRequested();
                result->error = QString::fromStdString(snapshot.error().message());
                promise.addResult(result);
                return;
            }
            result->snapshot = *snapshot;
            auto analysis = heapscope::analyze(*snapshot, {}, context);
            if (!analysis) {
                result->canceled = analysis.error().cancelled || stop->stopRequested();
                result->error = QString::fromStdString(analysis.error().message());
                result->snapshot.reset();
                promise.addResult(result);
                return;
            }
            result->analysis = *analysis;
            promise.addResult(result);
        });
    watcher->setFuture(future);
    Q_EMIT started();
    Q_EMIT stateChanged();
}

void SnapshotDocument::cancel() {
    if (m_stop)
        m_stop->requestStop();
    if (m_state != State::Loading)
        return;
    ++m_generation; // whatever still arrives is stale now
    if (m_watcher) {
        m_watcher->disconnect(this);
        m_watcher->future().cancel();
        m_watcher->deleteLater();
        m_watcher = nullptr;
    }
    m_state = State::Canceled;
    m_error = tr("Loading was canceled.");
    Q_EMIT canceled();
    Q_EMIT stateChanged();
}

void SnapshotDocument::deliver(quint64 generation, const std::shared_ptr<Result>& result) {
    if (generation != m_generation || !result)
        return;
    m_loadSeconds = double(m_clock.nsecsElapsed()) / 1e9;
    if (result->canceled) {
        m_state = State::Canceled;
        m_error = tr("Loading was canceled.");
        Q_EMIT canceled();
    } else if (!result->analysis) {
        m_state = State::Failed;
        m_error = result->error;
        Q_EMIT failed(m_error);
    } else {
        m_snapshot = result->snapshot;
        m_analysis = result->analysis;
        m_state = State::Ready;
        m_fraction = 1;
        Q_EMIT finished();
    }
    Q_EMIT stateChanged();
}
