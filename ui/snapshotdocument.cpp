// SPDX-License-Identifier: MIT
#include "snapshotdocument.h"

#include <heapscope/loader.h>

#include <QCoreApplication>
#include <QFileInfo>
#include <QPromise>
#include <QtConcurrent/QtConcurrentRun>

#include <chrono>
#include <cstring>

using namespace Qt::StringLiterals;

namespace {

// Rough share of the total time each stage takes on a large file (measured on a 1 GB snapshot),
// so one bar moves at an even pace through loading and analysis.
struct StageWeight {
    const char* name;
    double weight;
    const char* title;
};
constexpr StageWeight kStages[] = {
    {"reading", 0.04, QT_TRANSLATE_NOOP("SnapshotDocument", "Reading")},
    {"parsing", 0.36, QT_TRANSLATE_NOOP("SnapshotDocument", "Parsing")},
    {"indexing", 0.10, QT_TRANSLATE_NOOP("SnapshotDocument", "Indexing")},
    {"distances", 0.08, QT_TRANSLATE_NOOP("SnapshotDocument", "Distances")},
    {"dominators", 0.22, QT_TRANSLATE_NOOP("SnapshotDocument", "Dominators")},
    {"retained sizes", 0.06, QT_TRANSLATE_NOOP("SnapshotDocument", "Retained sizes")},
    {"classes", 0.08, QT_TRANSLATE_NOOP("SnapshotDocument", "Classes")},
    {"aggregates", 0.06, QT_TRANSLATE_NOOP("SnapshotDocument", "Aggregates")},
};
constexpr int kProgressScale = 10000;

// Overall fraction for (stage, done/total); unknown stages keep the position of the last known one.
double overallFraction(const char* stage, std::uint64_t done, std::uint64_t total, int& lastStage) {
    int idx = -1;
    for (int i = 0; i < int(std::size(kStages)); ++i) {
        if (std::strcmp(kStages[i].name, stage) == 0) {
            idx = i;
            break;
        }
    }
    if (idx < 0)
        idx = lastStage < 0 ? 0 : lastStage;
    lastStage = idx;
    double before = 0;
    for (int i = 0; i < idx; ++i)
        before += kStages[i].weight;
    const double inStage = total ? std::min(1.0, double(done) / double(total)) : 0.0;
    return std::min(1.0, before + kStages[idx].weight * inStage);
}

QString stageTitle(const char* stage) {
    for (const auto& s : kStages)
        if (std::strcmp(s.name, stage) == 0)
            return QCoreApplication::translate("SnapshotDocument", s.title);
    return QString::fromUtf8(stage);
}

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
        const QString text = watcher->progressText();
        const qsizetype nl = text.indexOf(u'\n');
        m_stage = nl < 0 ? text : text.left(nl);
        m_progressText = nl < 0 ? text : text.mid(nl + 1);
        m_fraction = double(value) / kProgressScale;
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
            int lastStage = -1;
            auto lastReport = std::chrono::steady_clock::now() - std::chrono::seconds(1);
            heapscope::WorkContext context;
            context.stop = stop.get();
            context.progress = [&](const char* stage, std::uint64_t done, std::uint64_t total) {
                // The promise may be canceled from the GUI thread too (QFuture::cancel()).
                if (promise.isCanceled())
                    stop->requestStop();
                const auto now = std::chrono::steady_clock::now();
                if (now - lastReport < std::chrono::milliseconds(40) && done < total)
                    return;
                lastReport = now;
                const double f = overallFraction(stage, done, total, lastStage);
                QString detail = stageTitle(stage);
                if (total > 0)
                    detail += u" · "_s + QString::number(int(100.0 * double(done) / double(total))) + u" %"_s;
                promise.setProgressValueAndText(int(f * kProgressScale), stageTitle(stage) + u'\n' + detail);
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
